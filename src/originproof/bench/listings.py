"""`originproof bench listings DIR`: the listing page reader on real product pages with the labels of
the public product-extraction benchmark (Zyte 2021: `html/<key>.html.gz` + `ground-truth.json`, each
attribute a list of accepted values, the page's URL under "url").

Matching follows the benchmark's own evaluate.py: at most one predicted value per attribute; a
prediction in the accepted set is a true positive; a wrong prediction is a false positive *and*, when
a value was expected, a false negative; no prediction where one was expected is a false negative.
Per attribute:
  price         compared as a Decimal ("14.990" = "14.99"); currency not scored.
  availability  InStock / OutOfStock. The benchmark fills an empty prediction with InStock ("when
                it is not clear the product is out of stock it is assumed in stock"); OriginProof
                says `unknown` instead, so both are reported: `availability` (strict: unknown is no
                prediction) and `availability_filled` (the benchmark's convention).
  sku           any identifier the site uses for the product; equal after folding case and dropping
                separators ("123/123" = "123123"), a labelled GTIN also counts, and a short letter
                prefix may differ ("P123" = "123") — the benchmark's "non-critical differences".
  brand         not scored by the published benchmark; equal after NFKC, case and space folding. Its
                labels are partial (a brand on about two pages in three: a chain's own name on its own
                shop's page is often unlabelled), so it is reported twice: `brand` (a brand read where
                none is labelled is a false positive) and `brand_labelled` (only pages with a brand label
                are scored).

Pages are split by their place in the sorted key list (even / odd) so tuning on one half can be
checked on the other; the time per page is the whole `read_page` call, beside a plain lxml parse of
the same page in the same run (the ratio is the figure to compare across machines)."""
from __future__ import annotations

import gzip
import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

ATTRIBUTES = ("availability", "availability_filled", "price", "sku", "brand", "brand_labelled")
TARGETS = {"availability": 0.96, "price": 0.92, "sku": 0.85, "brand": 0.85}
PUBLISHED = {"availability": {"Zyte": 0.957, "Diffbot": 0.943, "extruct": 0.626},
             "price": {"Zyte": 0.918, "Diffbot": 0.824, "extruct": 0.685},
             "sku": {"Zyte": 0.841, "Diffbot": 0.765, "extruct": 0.537}}
AVAILABILITY = {"in_stock": "InStock", "out_of_stock": "OutOfStock"}


def _decimal(v: Any) -> Decimal | None:
    try:
        return Decimal(str(v).strip())
    except (InvalidOperation, ValueError):
        return None


def _fold_id(v: Any) -> str:
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", str(v)).casefold())


def _fold_name(v: Any) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(v)).casefold()).strip()


def sku_matches(pred: str, accepted: list[str]) -> bool:
    p = _fold_id(pred)
    if not p:
        return False
    for a in accepted:
        t = _fold_id(a)
        if not t:
            continue
        if p == t:
            return True
        # "P123" for "123" (or the reverse): a prefix of at most two letters in front of the same digits.
        longer, shorter = (p, t) if len(p) > len(t) else (t, p)
        if shorter.isdigit() and longer.endswith(shorter) and re.fullmatch(r"[a-z]{1,2}", longer[: -len(shorter)]):
            return True
    return False


def matches(attribute: str, pred: Any, truth: dict[str, Any]) -> bool:
    if attribute == "price":
        want = {_decimal(x) for x in truth.get("price", [])} - {None}
        return _decimal(pred) in want
    if attribute == "sku":
        return sku_matches(str(pred), list(truth.get("sku", [])) + list(truth.get("gtin", [])))
    if attribute in ("brand", "brand_labelled"):
        return _fold_name(pred) in {_fold_name(x) for x in truth.get("brand", [])}
    key = "availability"
    return pred in set(truth.get(key, []))


def expected(attribute: str, truth: dict[str, Any]) -> bool:
    return bool(truth.get({"availability_filled": "availability", "brand_labelled": "brand"}.get(attribute, attribute)))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, pred: Any, ok: bool, want: bool) -> str:
        if pred is None:
            self.fn += want
            return "missed" if want else ""
        if ok:
            self.tp += 1
            return ""
        self.fp += 1
        self.fn += want
        return "wrong"

    # evaluate.py's conventions: a perfect empty score is 1, otherwise the usual ratios.
    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"f1": round(self.f1, 3), "precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class ListingBench:
    pages: int = 0
    scores: dict[str, dict[str, Score]] = field(default_factory=dict)  # half (all|even|odd) → attribute → score
    read_seconds: float = 0.0
    parse_seconds: float = 0.0
    slowest: tuple[float, str] = (0.0, "")
    misses: list[dict[str, Any]] = field(default_factory=list)

    def score(self, half: str, attribute: str) -> Score:
        return self.scores.setdefault(half, {}).setdefault(attribute, Score())

    def as_dict(self) -> dict[str, Any]:
        n = max(1, self.pages)
        return {"pages": self.pages,
                "figures": {h: {a: s.as_dict() for a, s in by.items()} for h, by in self.scores.items()},
                "targets": TARGETS, "published": PUBLISHED,
                "ms_per_page": round(1000 * self.read_seconds / n, 1),
                "lxml_parse_ms_per_page": round(1000 * self.parse_seconds / n, 1),
                "ratio_to_lxml_parse": round(self.read_seconds / max(self.parse_seconds, 1e-9), 1),
                "slowest_page_ms": round(1000 * self.slowest[0], 1),
                "misses": self.misses}


def predictions(reading) -> dict[str, Any]:
    av = AVAILABILITY.get(reading.get("availability") or "")
    return {"availability": av, "availability_filled": av or "InStock", "price": reading.get("price"),
            "sku": reading.get("sku"), "brand": reading.get("brand"), "brand_labelled": reading.get("brand")}


def run_listing_bench(root: Path, limit: int | None = None, log: Callable[[str], None] | None = None) -> ListingBench:
    import lxml.html

    from originproof.evidence.listings.page import decode_html, read_page
    from originproof.registry import default_registry

    registry = default_registry()
    truth_all: dict[str, dict[str, Any]] = json.loads((root / "ground-truth.json").read_text("utf-8"))
    res = ListingBench()
    for i, key in enumerate(sorted(truth_all)[: limit or None]):
        path = root / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        truth = truth_all[key]
        body = gzip.decompress(path.read_bytes())
        t0 = time.perf_counter()
        lxml.html.fromstring(decode_html(body, None))
        t1 = time.perf_counter()
        reading = read_page(body, url=truth.get("url"), status=200, registry=registry)
        t2 = time.perf_counter()
        res.parse_seconds += t1 - t0
        res.read_seconds += t2 - t1
        res.slowest = max(res.slowest, (t2 - t1, key))
        res.pages += 1
        preds = predictions(reading)
        page_misses: dict[str, Any] = {}
        for attribute in ATTRIBUTES:
            pred, want = preds[attribute], expected(attribute, truth)
            if attribute == "brand_labelled" and not want:
                continue
            ok = pred is not None and matches(attribute, pred, truth)
            outcome = ""
            for half in ("all", "even" if i % 2 == 0 else "odd"):
                outcome = res.score(half, attribute).add(pred, ok, want)
            if outcome and attribute not in ("availability_filled", "brand_labelled"):
                src = reading.fields.get("availability" if attribute.startswith("availability") else attribute)
                page_misses[attribute] = {"got": pred, "source": src.source if src else None, "outcome": outcome,
                                          "want": truth.get(attribute)}
        if page_misses:
            res.misses.append({"key": key, "half": "even" if i % 2 == 0 else "odd", "url": truth.get("url"),
                               **page_misses})
        if log:
            log(f"{key[:12]} {1000 * (t2 - t1):.0f} ms " + " ".join(f"{a}:{m['outcome']}" for a, m in page_misses.items()))
    return res


def print_result(res: ListingBench, console) -> None:
    from rich.table import Table

    table = Table(title=f"Listing reader on {res.pages} labelled product pages")
    table.add_column("attribute")
    for half in ("all", "even", "odd"):
        table.add_column(f"F1 {half}", justify="right")
    table.add_column("P / R (all)", justify="right")
    table.add_column("target", justify="right")
    table.add_column("published best", justify="right")
    for a in ATTRIBUTES:
        s = res.score("all", a)
        base = a.replace("_filled", "").replace("_labelled", "")
        pub = PUBLISHED.get(base, {})
        table.add_row(a, *(f"{res.score(h, a).f1:.3f}" for h in ("all", "even", "odd")),
                      f"{s.precision:.3f} / {s.recall:.3f}", f"{TARGETS.get(base, 0):.2f}" if base in TARGETS else "",
                      f"{max(pub.values()):.3f}" if pub else "—")
    console.print(table)
    d = res.as_dict()
    console.print(f"time per page {d['ms_per_page']} ms (plain lxml parse {d['lxml_parse_ms_per_page']} ms, "
                  f"ratio {d['ratio_to_lxml_parse']}); slowest page {d['slowest_page_ms']} ms")
