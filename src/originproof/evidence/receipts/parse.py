"""Till receipts: store, branch, address, date/time, items, total, currency.

`parse_receipt` works on OCR lines from any source (a receipt photo here, video frames in the
video reader), so it takes plain `OcrLine`s and a country hint, and opens no file.
"""
from __future__ import annotations

import re
from typing import Any

from originproof.text.countries import country_from_address
from originproof.text.dates import find_dates, find_time
from originproof.text.money import COUNTRY_CURRENCY, SYMBOLS, find_amounts
from originproof.evidence.common.ocr import OcrLine
from originproof.facts.base import At, Fact
from originproof.facts.documents import Receipt

TOTAL_RE = re.compile(r"(t[o0]tal|合\s*計|合\s*计|총\s*액|합\s*계|summe|gesamt|montant|totale|importe|amount due|お買上|ご請求)", re.I)
SKIP_RE = re.compile(r"(subtotal|小\s*計|소\s*계|tax|税|부가세|mwst|tva|iva|gst|vat|change|お釣|釣銭|거스름|cash|現金|"
                     r"현금|card|カード|카드|visa|master|rückgeld|espèces|contanti|jan|ean|barcode|tel|電話|전화|"
                     r"\d+\s*(点|items?|개)\b)", re.I)
BRANCH_RE = re.compile(r"(店|점|支店|store\s*#?|#\s*\d+|filiale|magasin|branch|supercenter|punto vendita)", re.I)
DOLLARS = {"AUD", "CAD", "NZD", "SGD", "HKD", "TWD"}
GTIN_LINE_RE = re.compile(r"(?:JAN|EAN|GTIN|UPC|barcode|바코드)[^\d]{0,8}(\d{8}|\d{12,14})\b", re.I)
QTY_ONLY_RE = re.compile(r"^\s*(\d+)\s*[x×@*]\s*$|^\s*(\d+)\s*[x×]\s*", re.I)


def _fact(line: OcrLine, value: Any, file: str | None, conf: float | None = None, start: int = 0,
          end: int | None = None) -> Fact:
    bbox = line.span_bbox(start, len(line.text) if end is None else end)
    return Fact(value=value, confidence=round(min(line.confidence, conf if conf is not None else 1.0), 3),
                at=At(file=file, page=line.page, bbox=[round(v, 1) for v in bbox]))


def parse_receipt(lines: list[OcrLine], country_hint: str | None = None, *, file: str | None = None,
                  registry: Any = None) -> Receipt:
    out = Receipt()
    ls = [l for l in lines if l.text.strip() and not re.fullmatch(r"[\s\-=_*.]+", l.text)]
    if not ls:
        return out
    out.text = "\n".join(l.text for l in ls)
    # Date and time: the first line carrying a date.
    date_i = None
    for i, l in enumerate(ls):
        ds = find_dates(l.text, country_hint)
        if ds:
            out.date = _fact(l, ds[0].value.isoformat(), file, ds[0].confidence, ds[0].start, ds[0].end)
            t = find_time(l.text[ds[0].end:])
            if t:
                out.time = _fact(l, t[0], file, 0.95, ds[0].end + t[1], ds[0].end + t[2])
            date_i = i
            break
    if out.time is None:
        for l in ls:
            t = find_time(l.text)
            if t and not find_amounts(l.text[:t[1]]):
                out.time = _fact(l, t[0], file, 0.9, t[1], t[2])
                break
    # Header: store, branch, address (before the date line, or the first lines).
    head = ls[: date_i if date_i else min(4, len(ls))]
    country = None
    for i, l in enumerate(head):
        c, conf = country_from_address(l.text, country_hint)
        if c and i > 0 and (re.search(r"\d", l.text) or conf >= 0.9):
            out.address = _fact(l, l.text.strip(), file)
            out.country = _fact(l, c, file, conf)
            country = c
            break
    header_names = [l for l in head if out.address is None or l is not _line_of(out.address, head)]
    if header_names:
        out.store_name = _fact(header_names[0], header_names[0].text.strip(), file)
        chain = None
        if registry is not None:
            chain, score = registry.match_chain(header_names[0].text, country or country_hint)
            if chain is not None:
                out.chain_id = _fact(header_names[0], chain.id, file, score / 100)
        for l in header_names[1:3]:
            if BRANCH_RE.search(l.text) and not find_dates(l.text):
                out.branch = _fact(l, l.text.strip(), file)
                break
    # Items and total.
    items, item_lines, cur = [], [], None
    body = ls[(date_i + 1) if date_i is not None else len(head):]
    prev_text: OcrLine | None = None
    for l in body:
        g = GTIN_LINE_RE.search(l.text)
        if g and items and "gtin" not in items[-1]:
            items[-1]["gtin"] = g.group(1)
            continue
        amts = find_amounts(l.text)
        end = len(l.text.rstrip())
        # A price closes its line ("… 1 x ¥1280", "TOTAL 4,95 €"); "120 softgels" inside a name is no price.
        amts = [a for a in amts if (a[1] or re.search(r"\d[.,]\d{2}$|\d{3,}$", l.text[a[2]:a[3]].strip()))
                and a[3] >= end - 2]
        if TOTAL_RE.search(l.text) and amts and not re.search(r"sub", l.text, re.I):
            a = amts[-1]
            if out.total is None:
                out.total = _fact(l, a[0], file, None, a[2], a[3])
            cur = cur or a[1]
            continue
        if not amts or SKIP_RE.search(l.text):
            if not amts and not SKIP_RE.search(l.text) and re.search(r"[^\W\d_]{2,}", l.text):
                prev_text = l
            continue
        a = amts[-1]
        cur = cur or a[1]
        name = l.text[:a[2]].strip(" .:")
        qty = 1
        qm = re.match(r"^\s*(\d+)\s*[x×@*]\s*", name)
        if qm:
            qty = int(qm.group(1))
            name = name[qm.end():].strip()
        if (not name or not re.search(r"[^\W\d_]{2,}", name)) and prev_text is not None:
            name = prev_text.text.strip()
            item_lines.append(prev_text)
        if not name:
            continue
        items.append({"name": name, "quantity": qty, "amount": a[0]})
        item_lines.append(l)
        prev_text = None
    if items:
        x0 = min(l.bbox[0] for l in item_lines)
        y0 = min(l.bbox[1] for l in item_lines)
        x1 = max(l.bbox[2] for l in item_lines)
        y1 = max(l.bbox[3] for l in item_lines)
        out.items = Fact(value=items, confidence=round(min(l.confidence for l in item_lines), 3),
                         at=At(file=file, page=item_lines[0].page, bbox=[round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)]))
    if out.total is None and len(items) == 1:
        out.total = Fact(value=items[0]["amount"], confidence=0.6, at=out.items.at)
    local = COUNTRY_CURRENCY.get((country or country_hint or "").upper())
    if cur == "USD" and local in DOLLARS:  # "$" is the local dollar outside the US
        cur = local
    if cur == "JPY" and local and local != "JPY":  # "\\" is a yen sign only in Japanese fonts
        cur = None
    ccy = cur or local
    if ccy:
        anchor = out.total or out.items
        out.currency = Fact(value=ccy, confidence=0.95 if cur else 0.7, at=anchor.at if anchor else None)
    return out


def _line_of(f: Fact, lines: list[OcrLine]) -> OcrLine | None:
    for l in lines:
        if f.at and f.at.bbox and abs(l.bbox[1] - f.at.bbox[1]) < 1 and l.page == f.at.page:
            return l
    return None


__all__ = ["parse_receipt", "OcrLine", "SYMBOLS"]
