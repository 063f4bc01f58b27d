"""Availability words, buy-button wordings and identifier/brand captions, from
`registry/data/listings/*.yaml` (with their source notes), loaded once."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from originproof.evidence.listings import markup as M

DATA = Path(__file__).resolve().parents[2] / "registry" / "data" / "listings"


@lru_cache(maxsize=None)
def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((DATA / name).read_text("utf-8")) or {}


def _phrases(table: dict[str, list[Any]], extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for words in table.values():
        for w in words or []:
            seen[str(w).casefold()] = None
    for w in extra:
        seen[w.casefold()] = None
    # Longest first: "not in stock" must win over "in stock" inside one caller's scan.
    return tuple(sorted(seen, key=len, reverse=True))


@lru_cache(maxsize=None)
def schema_words() -> tuple[frozenset[str], frozenset[str]]:
    s = _load("availability.yaml")["schema"]
    fold = lambda ws: frozenset(re.sub(r"[^a-z0-9]", "", str(w).casefold()) for w in ws)  # noqa: E731
    return fold(s["in_stock"]) | M.SCHEMA_IN_STOCK, fold(s["out_of_stock"]) | M.SCHEMA_OUT_OF_STOCK


@lru_cache(maxsize=None)
def oos_phrases() -> tuple[str, ...]:
    return _phrases(_load("availability.yaml")["out_of_stock"], M.OOS_PHRASES)


@lru_cache(maxsize=None)
def instock_phrases() -> tuple[str, ...]:
    # Buttons are read separately (buy_phrases); the stock statements of markup.py without its buttons.
    return _phrases(_load("availability.yaml")["in_stock"])


@lru_cache(maxsize=None)
def buy_phrases() -> tuple[str, ...]:
    return _phrases(_load("availability.yaml")["add_to_cart"])


@lru_cache(maxsize=None)
def sku_labels() -> tuple[str, ...]:
    return _phrases(_load("identifiers.yaml")["sku_labels"])


@lru_cache(maxsize=None)
def brand_labels() -> tuple[str, ...]:
    return _phrases(_load("identifiers.yaml")["brand_labels"])


@lru_cache(maxsize=None)
def no_brand_words() -> frozenset[str]:
    return frozenset(_phrases(_load("identifiers.yaml")["no_brand"]))


def availability_of(value: Any) -> str | None:
    """in_stock / out_of_stock from a structured value: schema.org URL or word, feed word, boolean."""
    if isinstance(value, bool):
        return "in_stock" if value else "out_of_stock"
    if isinstance(value, dict):
        value = value.get("@id") or value.get("name") or value.get("value")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    w = re.sub(r"[^a-z0-9]", "", str(value).rsplit("/", 1)[-1].rsplit("#", 1)[-1].casefold())
    ins, outs = schema_words()
    if w in ins:
        return "in_stock"
    if w in outs:
        return "out_of_stock"
    return None


def find_phrase(text: str, phrases: tuple[str, ...]) -> str | None:
    """The first of `phrases` in `text` (whole words; CJK wordings, written without spaces, anywhere)."""
    m = _matcher(phrases).search(text.casefold())
    return m.group(0) if m else None


@lru_cache(maxsize=None)
def _matcher(phrases: tuple[str, ...]) -> re.Pattern[str]:
    def cjk(p: str) -> bool:
        return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in p)
    spaced = [re.escape(p) for p in phrases if not cjk(p)]
    dense = [re.escape(p) for p in phrases if cjk(p)]
    alts = []
    if spaced:
        alts.append(r"(?<!\w)(?:" + "|".join(spaced) + r")(?!\w)")
    if dense:
        alts.append("(?:" + "|".join(dense) + ")")
    return re.compile("|".join(alts) or r"(?!x)x")
