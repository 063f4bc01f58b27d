"""Choose each listing field from every source that offered one, by evidence rather than a fixed order.

Each candidate carries its source and a confidence (how far that kind of source is trusted for that
field). Candidates with the same value (compared after normalising: prices as numbers, identifiers
without separators, names without case, brands without legal forms) pool their confidence as
independent witnesses — 1 − Π(1 − cᵢ), one witness per source kind — so structured data, embedded
state and the visible page agreeing on "in stock" outweigh any one of them; where they disagree the
better-supported value wins and the others are kept as notes. A price the page shows struck through
(the "was" price) is not the price to pay when the page shows another one."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from originproof.text.names import strip_legal

SHOWN = "visible:near-title"  # a current (not struck) price shown beside the title
_PLACEHOLDER = re.compile(r"^\s*(?:\$\w+|\{\{.*\}\}|\$\{.*\}|%\w+%|undefined|null|none|n/?a)\s*$", re.I)


@dataclass
class Candidate:
    value: Any
    source: str
    confidence: float


@dataclass
class Choice:
    value: Any
    source: str  # the strongest witness of the chosen value
    confidence: float
    witnesses: list[str] = field(default_factory=list)
    rejected: list[tuple[Any, str]] = field(default_factory=list)
    runner_up: float = 0.0  # pooled confidence of the best other value: a confident contrary reading
    scores: list[float] = field(default_factory=list)  # pooled confidence of each rejected value


def _key(name: str, value: Any) -> Any:
    if name == "price":
        try:
            return Decimal(str(value))
        except (InvalidOperation, ValueError):
            return str(value)
    if name in ("sku", "gtin"):
        return re.sub(r"[^0-9a-z]", "", str(value).casefold())
    if name == "brand":
        # "Acme GmbH" and "ACME" name one maker.
        return strip_legal(str(value)) or str(value).casefold()
    if isinstance(value, str):
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value).casefold()).strip()
    return value


def _kind(source: str) -> str:
    return source.split(":", 1)[0]


@dataclass
class Candidates:
    by_field: dict[str, list[Candidate]] = field(default_factory=dict)

    def add(self, name: str, value: Any, source: str, confidence: float) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        if isinstance(value, str) and _PLACEHOLDER.search(value):
            return  # an unfilled template ("$brand", "{{ product.sku }}", "undefined") is no value
        self.by_field.setdefault(name, []).append(Candidate(value, source, confidence))

    def has(self, name: str, min_conf: float = 0.0) -> bool:
        return any(c.confidence >= min_conf for c in self.by_field.get(name, []))

    def choose(self, name: str, struck: set[Any] | None = None) -> Choice | None:
        cands = self.by_field.get(name) or []
        if not cands:
            return None
        groups: dict[Any, list[Candidate]] = {}
        for c in cands:
            groups.setdefault(_key(name, c.value), []).append(c)
        scored = []
        for k, cs in groups.items():
            best_per_kind: dict[str, float] = {}
            for c in cs:
                best_per_kind[_kind(c.source)] = max(best_per_kind.get(_kind(c.source), 0.0), c.confidence)
            miss = 1.0
            for conf in best_per_kind.values():
                miss *= 1.0 - conf
            score = 1.0 - miss
            if struck and k in struck and len(groups) > 1 and not any(c.source == SHOWN for c in cs):
                # Shown struck through (and nowhere as a current price): the old price, not the one to pay.
                score *= 0.5
            top = max(cs, key=lambda c: c.confidence)
            scored.append((score, top.confidence, -cands.index(top), k, top, cs))
        scored.sort(key=lambda s: s[:3], reverse=True)
        score, _c, _i, _k, top, cs = scored[0]
        return Choice(value=top.value, source=top.source, confidence=round(min(score, 0.99), 3),
                      witnesses=sorted({c.source for c in cs}),
                      rejected=[(s[4].value, s[4].source) for s in scored[1:]],
                      runner_up=round(scored[1][0], 3) if len(scored) > 1 else 0.0,
                      scores=[round(s[0], 3) for s in scored[1:]])
