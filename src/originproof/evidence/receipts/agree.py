"""Two readings of one receipt → one: two OCR engines over one picture, or the receipt photo and
the receipt frames of the video. A field both readings give alike gains confidence; where they
differ, the reading that is cross-checked inside its receipt (a total equal to tendered − change, a
date printed with its time) or that the other reading also saw somewhere wins; a field only one
reading gives is kept as it is."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from originproof.facts.base import Fact
from originproof.facts.documents import Receipt
from originproof.text.names import fold

FIELDS = ("store_name", "branch", "address", "country", "date", "time", "items", "total", "currency", "chain_id",
          "registration", "subtotal", "tendered", "change", "date_clipped")


def _same(name: str, a: Any, b: Any) -> bool:
    if name in ("total", "subtotal", "tendered", "change"):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    if name in ("store_name", "branch", "address"):
        from rapidfuzz import fuzz
        fa, fb = fold(str(a)), fold(str(b))
        return bool(fa and fb) and (fa == fb or fuzz.ratio(fa, fb) >= 85)
    return a == b


def _seen(rc: Receipt, name: str, value: Any) -> bool:
    """Whether a reading printed this value anywhere (another date, an amount in its text)."""
    if name == "date":
        return str(value) in (rc.dates_seen or []) or rc.get("date") == value
    if name in ("total",):
        txt = rc.text or ""
        try:
            v = Decimal(str(value))
        except InvalidOperation:
            return False
        if v <= 0:
            return False
        for m in re.finditer(r"\d[\d,.]*[.,]\d\d(?!\d)" if v != v.to_integral() or v < 100 else r"\d[\d,.]*\d", txt):
            raw = m.group(0).replace(",", ".")
            if raw.count(".") > 1:
                raw = raw.replace(".", "", raw.count(".") - 1)
            try:
                if Decimal(raw) == v:
                    return True
            except InvalidOperation:
                continue
    return False


def _namey(v: Any) -> bool:
    from originproof.evidence.receipts.parse import BUSINESS_RE, _LEGAL_RE
    t = str(v or "")
    return bool(_LEGAL_RE.search(t) or BUSINESS_RE.search(t))


def _checked(rc: Receipt, name: str) -> int:
    """How well a reading's total is cross-checked inside its receipt: 2 by subtotal + tax or by tendered −
    a non-zero change (independent amounts), 1 by cash tendered with no change (the same amount printed
    twice, which one misreading can copy), 0 not at all."""
    from originproof.evidence.receipts.parse import CHECKED_TOTAL, SUM_TOTAL
    if name != "total":
        return 0
    notes = set(rc.notes or [])
    if SUM_TOTAL in notes:
        return 2
    if CHECKED_TOTAL in notes:
        try:
            return 2 if rc.get("change") is not None and Decimal(str(rc.get("change"))) != 0 else 1
        except InvalidOperation:
            return 1
    return 0


def agree(a: Receipt | None, b: Receipt | None, *, prefer: str | dict[str, str] = "a") -> Receipt | None:
    """One Receipt from two readings; `prefer` ("a" | "b", or per field) says whose value stands when nothing
    else decides."""
    if a is None or b is None:
        return a or b
    out = a.model_copy(deep=True)
    for name in FIELDS:
        pref = prefer.get(name, "a") if isinstance(prefer, dict) else prefer
        fa, fb = getattr(a, name, None), getattr(b, name, None)
        if not isinstance(fb, Fact):
            continue
        if not isinstance(fa, Fact):
            setattr(out, name, fb.model_copy(deep=True))
            continue
        if _same(name, fa.value, fb.value):
            keep = fa if (pref == "a" or name == "store_name") else fb
            f = keep.model_copy(deep=True)
            f.confidence = round(min(1.0, max(fa.confidence, fb.confidence) + 0.1), 3)
            setattr(out, name, f)
            continue
        pick = fa if pref == "a" else fb
        if name in ("total", "date"):
            sa, sb = _seen(b, name, fa.value), _seen(a, name, fb.value)
            ca, cb = _checked(a, name), _checked(b, name)
            if ca > cb or (ca == cb and sa and not sb):
                pick = fa
            elif cb > ca or (ca == cb and sb and not sa):
                pick = fb
        elif name == "store_name" and (a.chain_id is None) != (b.chain_id is None):
            pick = fa if a.chain_id is not None else fb
        elif name == "store_name" and _namey(fa.value) != _namey(fb.value):
            pick = fa if _namey(fa.value) else fb  # the one that reads as a business name
        f = pick.model_copy(deep=True)
        f.confidence = round(min(f.confidence, 0.8), 3)  # the other reading says otherwise
        setattr(out, name, f)
    if out.chain_id is None and b.chain_id is not None:
        out.chain_id = b.chain_id
    out.dates_seen = sorted(set(a.dates_seen or []) | set(b.dates_seen or []) |
                            {x for x in (a.get("date"), b.get("date")) if x})
    out.text = "\n".join(t for t in (a.text, b.text) if t)
    out.files = list(dict.fromkeys((a.files or []) + (b.files or [])))
    out.sources = list(dict.fromkeys((a.sources or []) + (b.sources or [])))
    out.notes = list(dict.fromkeys((a.notes or []) + (b.notes or [])))
    return out
