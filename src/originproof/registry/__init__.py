"""Reference data (chains, platforms, issuers, schemes …) shipped as YAML, each entry with a source.

An operator adds or overrides entries without code: every YAML file in the directories named by
`ORIGINPROOF_REGISTRY_DIRS` (os.pathsep-separated) is merged over the shipped file of the same
name; list entries with the same `id` replace the shipped ones, others are appended.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pycountry
import tldextract
import yaml

from originproof.text.names import fold, name_similarity

_LISTS = {"chains.yaml": "chains", "platforms.yaml": "platforms", "coo_issuers.yaml": "issuers",
          "licence_schemes.yaml": "schemes", "identifier_schemes.yaml": "schemes",
          "gs1_prefixes.yaml": "prefixes", "editing_tools.yaml": "tools"}

_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")

# The public-suffix snapshot bundled with tldextract: never fetched at run time.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _merge(name: str, base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    key = _LISTS.get(name)
    out = dict(base)
    for k, v in over.items():
        if k == key and isinstance(v, list):
            by_id = {e.get("id"): i for i, e in enumerate(out.get(k, [])) if isinstance(e, dict)}
            merged = list(out.get(k, []))
            for e in v:
                if isinstance(e, dict) and e.get("id") in by_id:
                    merged[by_id[e["id"]]] = e
                else:
                    merged.append(e)
            out[k] = merged
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def display_names(names: list[Any], fallback: str) -> tuple[str, str]:
    """How a message names a registry entry (en, zh) from its printed names, never by its id: the first
    in Latin letters for English, the first in Han script for Chinese (else the English one: a Chinese
    reader reads a Latin name more readily than a Korean, Thai or kana one — 株式会社マツモトキヨシ is no
    Chinese name)."""
    names = [str(n) for n in names if n]
    if not names:
        return fallback, fallback
    en = next((n for n in names if n.isascii()), names[0])
    return en, next((n for n in names if _HAN.search(n) and not _KANA_HANGUL.search(n)), en)


@dataclass(frozen=True)
class Chain:
    id: str
    country: str
    kind: str
    names: tuple[str, ...]
    group: str | None = None

    @property
    def display(self) -> tuple[str, str]:
        return display_names(list(self.names), self.id)


@dataclass(frozen=True)
class Platform:
    id: str
    country: str
    name: str
    hosts: tuple[str, ...]
    product_url_patterns: tuple[str, ...] = ()
    non_product_url_patterns: tuple[str, ...] = ()
    product_hosts: tuple[str, ...] = ()


@dataclass
class Registry:
    data: dict[str, dict[str, Any]] = field(default_factory=dict)

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, extra_dirs: list[str | Path] | None = None) -> "Registry":
        data: dict[str, dict[str, Any]] = {}
        base = resources.files("originproof.registry").joinpath("data")
        for entry in base.iterdir():
            if entry.name.endswith((".yaml", ".yml")):
                data[entry.name] = yaml.safe_load(entry.read_text("utf-8")) or {}
        dirs = list(extra_dirs or [])
        env = os.environ.get("ORIGINPROOF_REGISTRY_DIRS")
        if env:
            dirs += [d for d in env.split(os.pathsep) if d]
        for d in dirs:
            for p in sorted(Path(d).glob("*.y*ml")):
                over = yaml.safe_load(p.read_text("utf-8")) or {}
                data[p.name] = _merge(p.name, data.get(p.name, {}), over)
        return cls(data=data)

    def entries(self, file: str) -> list[dict[str, Any]]:
        key = _LISTS.get(file)
        return list((self.data.get(file) or {}).get(key, []) if key else [])

    # ---------------------------------------------------------------- countries
    @staticmethod
    def is_country(code: str | None) -> bool:
        return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None

    @staticmethod
    def country_name(code: str) -> str:
        c = pycountry.countries.get(alpha_2=code.upper())
        return c.name if c else code

    @staticmethod
    def time_zones(code: str | None) -> list[str]:
        """The country's IANA time zones (countries/<CC>.yaml), in which its receipts print their time."""
        from originproof.registry.countries import country_data
        return [str(z) for z in country_data(code).get("time_zones") or []]

    # ---------------------------------------------------------------- chains
    @functools.cached_property
    def chains(self) -> list[Chain]:
        out = []
        for e in self.entries("chains.yaml"):
            names = tuple(str(n) for n in (e.get("names") or []) if n)
            out.append(Chain(id=e["id"], country=str(e.get("country", "")).upper(), kind=e.get("kind", ""),
                             names=names, group=e.get("group")))
        return out

    @property
    def pharmacy_chain_forbidden(self) -> set[str]:
        return set((self.data.get("chains.yaml") or {}).get("pharmacy_chain_forbidden") or [])

    def match_chain(self, name: str | None, country: str | None = None, threshold: float = 88
                    ) -> tuple[Chain | None, float]:
        """The registry chain a printed or claimed store name belongs to (any script/alias)."""
        if not name:
            return None, 0.0
        best: Chain | None = None
        score = 0.0
        best_len = 0
        folded = fold(name)
        for ch in self.chains:
            if country and ch.country != country.upper():
                continue
            for n in ch.names:
                fn = fold(n)
                # A banner name printed inside a longer line ("マツモトキヨシ 新宿東口店") counts.
                s = 100.0 if len(fn) >= 3 and fn in folded else name_similarity(name, n)
                # Of several names inside the line the longest wins ("Lotte Mart" holds "emart").
                if s > score or (s == score == 100.0 and len(fn) > best_len):
                    best, score, best_len = ch, s, len(fn)
        return (best, score) if score >= threshold else (None, score)

    def chain_in_other_country(self, name: str, country: str) -> Chain | None:
        ch, _ = self.match_chain(name)
        return ch if ch and ch.country != country.upper() else None

    # ---------------------------------------------------------------- platforms
    @functools.cached_property
    def platforms(self) -> list[Platform]:
        out = []
        for e in self.entries("platforms.yaml"):
            out.append(Platform(
                id=e["id"], country=str(e.get("country", "")).upper(), name=str(e.get("name", e["id"])),
                hosts=tuple(h.lower() for h in e.get("hosts") or []),
                product_url_patterns=tuple(e.get("product_url_patterns") or []),
                non_product_url_patterns=tuple(e.get("non_product_url_patterns") or []),
                product_hosts=tuple(h.lower() for h in e.get("product_hosts") or [])))
        return out

    def platform_for_url(self, url: str) -> Platform | None:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        if not host:
            return None
        best: Platform | None = None
        best_len = -1
        for p in self.platforms:
            for h in p.hosts + p.product_hosts:
                if (host == h or host.endswith("." + h)) and len(h) > best_len:
                    best, best_len = p, len(h)
        return best

    def chain_shop_for_url(self, url: str) -> Platform | None:
        """A registered large chain's own web shop: a domain named after the chain (one of its names, spaces
        and punctuation aside) under the chain's own country code ("<chain>.fr" for a French chain). The
        chains registry already vouches for the chain; its shop needs no entry of its own in the platform
        list. Which pages are product pages is then decided by the page itself (no URL patterns)."""
        ext = _TLD(url)
        label, suffix = ext.domain.lower(), ext.suffix.lower()
        cc = suffix.rsplit(".", 1)[-1].upper() if suffix else ""
        cc = "GB" if cc == "UK" else cc
        if len(label) < 3 or len(cc) != 2:
            return None
        key = re.sub(r"[^a-z0-9]", "", label)
        for ch in self.chains:
            if ch.country == cc and any(re.sub(r"[^a-z0-9]", "", fold(n)) == key for n in ch.names):
                return Platform(id=f"shop:{ch.id}", country=cc, name=f"{ch.names[0]} (online shop)",
                                hosts=(f"{label}.{suffix}",))
        return None

    @staticmethod
    def registered_domain(url: str) -> str:
        ext = _TLD(url)
        return ext.top_domain_under_public_suffix if hasattr(ext, "top_domain_under_public_suffix") else ext.registered_domain

    @staticmethod
    def is_product_url(p: Platform, url: str) -> bool | None:
        """True/False when the platform's URL patterns decide it, None when they do not."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        path = parts.path + (("?" + parts.query) if parts.query else "")
        if p.product_hosts and not any(host == h or host.endswith("." + h) for h in p.product_hosts):
            return False  # e.g. www.rakuten.co.jp/<shop>/ is a store front; items live on item.rakuten.co.jp
        for pat in p.non_product_url_patterns:
            if re.search(pat, path):
                return False
        for pat in p.product_url_patterns:
            if re.search(pat, path):
                return True
        return None

    # ---------------------------------------------------------------- other lists
    def issuers(self, country: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.entries("coo_issuers.yaml")
                if country is None or str(e.get("country", "")).upper() == country.upper()]

    def licence_schemes(self, country: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.entries("licence_schemes.yaml")
                if country is None or str(e.get("country", "")).upper() == country.upper()]

    def licence_scheme(self, scheme_id: str | None) -> dict[str, Any] | None:
        """One licence scheme by its id (any country), None when unknown."""
        if not scheme_id:
            return None
        return next((s for s in self.licence_schemes() if s.get("id") == scheme_id), None)

    def licence_scheme_name(self, scheme_id: str) -> tuple[str, str]:
        """How a message names a licence scheme (en, zh): by its printed names, not its registry id."""
        return display_names((self.licence_scheme(scheme_id) or {}).get("name") or [], scheme_id)

    def _category(self, category: str) -> dict[str, Any]:
        return ((self.data.get("hs_headings.yaml") or {}).get("categories") or {}).get(category) or {}

    def hs_headings(self, category: str) -> list[str]:
        return [str(h) for h in self._category(category).get("headings", [])]

    def category_name(self, category: str) -> tuple[str, str]:
        """A product category as messages name it (en, zh), not the manifest's code."""
        c = self._category(category)
        return str(c.get("name_en") or category.replace("_", " ")), str(c.get("name_zh") or category)

    def editing_tools(self) -> list[dict[str, Any]]:
        return self.entries("editing_tools.yaml")


@functools.lru_cache(maxsize=1)
def default_registry() -> Registry:
    return Registry.load()
