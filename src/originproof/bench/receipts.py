"""`originproof bench receipts DIR`: the receipt reader on real shop receipts with SROIE-style labels
(`img/NNN.jpg` + `key/NNN.json` holding company, date, address, total as printed).

Store name counts when it matches the label after folding case, punctuation and spacing, allowing
OCR-level differences (similarity ≥ 0.8); date when it is the same calendar day as the label read
with the same date rules; total when it is the same amount. The reader is the one that serves
receipt photos and the receipt frames of videos (`evidence.receipts.read_receipt_image`)."""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

NAME_SIMILARITY = 0.8


def _fold(s: str | None) -> str:
    return re.sub(r"[^0-9A-Z]+", " ", (s or "").upper()).strip()


def name_ok(got: str | None, want: str | None) -> tuple[bool, bool]:
    """(exact after folding, within OCR-level differences)."""
    from rapidfuzz import fuzz
    a, b = _fold(got), _fold(want)
    if not a or not b:
        return False, False
    if a == b:
        return True, True
    a2, b2 = a.replace(" ", ""), b.replace(" ", "")
    return False, a2 == b2 or fuzz.ratio(a2, b2) / 100 >= NAME_SIMILARITY


def date_ok(got: str | None, want: str | None, country: str | None) -> bool:
    from originproof.text.dates import find_dates
    if not got or not want:
        return False
    ds = find_dates(want, country)
    return bool(ds) and str(got)[:10] == ds[0].value.isoformat()


def total_ok(got: str | None, want: str | None) -> bool:
    try:
        return got is not None and want is not None and Decimal(str(got)) == Decimal(re.sub(r"[^\d.\-]", "", want))
    except InvalidOperation:
        return False


@dataclass
class ReceiptBench:
    n: int = 0
    name_exact: int = 0
    name: int = 0
    date: int = 0
    total: int = 0
    seconds: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        n = max(1, self.n)
        return {"receipts": self.n, "store_name": round(self.name / n, 3), "store_name_exact": round(self.name_exact / n, 3),
                "date": round(self.date / n, 3), "total": round(self.total / n, 3),
                "targets": {"store_name": 0.90, "date": 0.95, "total": 0.90},
                "seconds_per_receipt": round(self.seconds / n, 2), "misses": self.misses}


def run_receipt_bench(root: Path, country: str | None = None, limit: int | None = None,
                      log: Callable[[str], None] | None = None) -> ReceiptBench:
    from originproof.evidence.common.ocr import load_image
    from originproof.evidence.receipts import read_receipt_image

    res = ReceiptBench()
    keys = sorted((root / "key").glob("*.json"))[: limit or None]
    for k in keys:
        img = next((p for p in (root / "img").glob(k.stem + ".*")), None)
        if img is None:
            continue
        want = json.loads(k.read_text("utf-8"))
        t0 = time.perf_counter()
        rc = read_receipt_image(load_image(img), country, file=img.name)
        res.seconds += time.perf_counter() - t0
        res.n += 1
        got = {f: rc.get(f) for f in ("store_name", "date", "total")}
        ex, nm = name_ok(got["store_name"], want.get("company"))
        ok_d = date_ok(got["date"], want.get("date"), country)
        ok_t = total_ok(got["total"], want.get("total"))
        res.name_exact += ex
        res.name += nm
        res.date += ok_d
        res.total += ok_t
        if not (nm and ok_d and ok_t):
            res.misses.append({"file": img.name, **{f"{f}_got": got[f] for f in got},
                               "company": None if nm else want.get("company"), "date": None if ok_d else want.get("date"),
                               "total": None if ok_t else want.get("total")})
        if log:
            log(f"{img.name}: name {'ok' if nm else 'MISS'} date {'ok' if ok_d else 'MISS'} total {'ok' if ok_t else 'MISS'}")
    return res
