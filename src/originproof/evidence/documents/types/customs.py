"""China import customs declaration (报关单), cross-border retail list (申报清单), bonded filing list (备案清单)."""
from __future__ import annotations

import re
from typing import Any

from originproof.evidence.documents.layout import DocText, norm
from originproof.evidence.documents.types.common import (UNCHECKED, date_fact, fact, looks_like_name, name_of, runs_at,
                                                         runs_confidence)
from originproof.evidence.layout.captions import lexicon
from originproof.evidence.layout.pairing import Fields, pair, read_table
from originproof.facts.base import Fact
from originproof.facts.documents import CustomsDeclaration
from originproof.text.countries import country_from_name
from originproof.text.identifiers import find_usccs

# 海关编号: customs office 4, year 4, I/E flag (1/0, or I/E on lists), serial 9 (document-layouts §2.2).
NUMBER_RE = re.compile(r"(?<![0-9A-Z])(\d{4}(?:19|20)\d{2}[01IE]\d{9})(?![0-9A-Z])")
HS10_RE = re.compile(r"(?<!\d)(\d{10}|\d{8})(?!\d)")
MODE_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _form(doc: DocText) -> str:
    head = norm(" ".join(l.text for l in doc.lines[:4]))
    if "申报清单" in head or "清单编号" in norm(doc.text):
        return "inventory"
    if "备案清单" in head:
        return "filing"
    return "declaration"


def _number(doc: DocText, fields: Fields) -> Fact | None:
    v = fields.first("declaration_number")
    if v is None:
        return None
    compact = re.sub(r"\s", "", v.text)
    m = NUMBER_RE.search(compact)
    if m:
        return fact(doc, v, m.group(1))
    m = re.search(r"[0-9A-Z]{9,}", compact)
    # A number that does not have the structure is either misread or malformed: a text layer
    # states it (confident), an OCR read of it is not enough to fail on.
    return fact(doc, v, m.group(0), conf=None if not doc.ocr else 0.6) if m else None


def _consignee(doc: DocText, fields: Fields, out: CustomsDeclaration) -> None:
    lex = lexicon("customs_declaration")
    v = fields.first("consignee")
    if v is not None:
        # The credit code may share the name's line ("统一社会信用代码 9131… 上海…有限公司", "(9131…)"), glued
        # to it when OCR reads no space (a Han character is a word character: no \b between them).
        lines = [re.sub(r"统一社会信用代码|社会信用代码|[(（]?(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])[)）]?", " ", l).strip()
                 for l in v.lines]
        first = next((l for l in lines if l), "")
        if looks_like_name(first, lex):
            out.consignee = fact(doc, v, name_of(first))
    # The consignee's USCC: inside its cell, or the credit-code caption nearest under it.
    cands: list[tuple[float, Fact]] = []
    if v is not None:
        for val, s, e in find_usccs(v.text.replace("\n", " ")):
            cands.append((0.0, fact(doc, v, val)))
    if v is not None and not cands:
        for u in fields.all("uscc"):
            if u.caption.page != v.caption.page or u.caption.bbox[1] < v.caption.bbox[1]:
                continue
            found = find_usccs(u.text)
            if found:
                cands.append((u.caption.bbox[1] - v.caption.bbox[1], fact(doc, u, found[0][0])))
    if not cands:
        for line in doc.lines:
            if "信用代码" in line.text:
                found = find_usccs(line.text)
                if found:
                    cands.append((1e9, doc.fact(found[0][0], line, found[0][1], found[0][2], conf=UNCHECKED)))
                    break
    if cands:
        out.consignee_uscc = min(cands, key=lambda t: t[0])[1]



def _lines(doc: DocText, fields: Fields) -> Fact | None:
    cols = ["item", "hs_code", "goods_name", "quantity", "price", "origin", "destination", "domestic_destination",
            "exemption"]
    table = read_table(doc.models, fields, cols, "item", key_ok=lambda t: bool(re.fullmatch(r"\s*\d{1,3}\s*", t)))
    if table is None:
        table = read_table(doc.models, fields, cols, "hs_code", key_ok=lambda t: bool(HS10_RE.search(t)))
    lines, runs = [], []
    ambiguous = False
    if table is not None:
        for row in table.rows:
            hs = HS10_RE.search(re.sub(r"\s", "", table.text(row, "hs_code")))
            name = " ".join(r.text for r in row.get("goods_name", []))
            if hs is None:
                # Code and name set close together read as one run: the code opens the name cell.
                hs = HS10_RE.match(name.strip())
                if hs is None:
                    continue
                name = name.strip()[hs.end():].strip()
            qty = [r.text for r in row.get("quantity", [])]
            origin = _country_of(table.text(row, "origin"))
            named = {c for c in (_country_of(r.text) for r in row.get("origin", [])) if c}
            if len(named) > 1:
                # The origin cell took in its neighbour: on an import declaration the final destination
                # (最终目的国) is China, so the other country is the origin; two others are not sure.
                others = named - {"CN"}
                if len(others) == 1:
                    origin = others.pop()
                else:
                    ambiguous = True
            if origin is None:
                # Columns that drift (text set with spaces): the row's last entry naming a country.
                tail = sorted((r for rs in row.values() for r in rs), key=lambda r: r.bbox[0])
                origin = next((c for c in (_country_of(r.text) for r in reversed(tail[-2:])) if c), None)
                if origin is None and tail:
                    # Quantity and origin cells read as one run: "1200件JP" (Chinese units end the quantity).
                    m = QTY_THEN_COUNTRY.search(tail[-1].text)
                    if m and country_from_name(m.group(2)):
                        origin, qty = country_from_name(m.group(2)), [m.group(1)]
                        if name.endswith(m.group(0).strip()):  # the name cell took them in as well
                            name = name[: -len(m.group(0).strip())].strip()
            lines.append({"hs_code": hs.group(1), "goods_name": name or None,
                          "quantity": qty[0] if qty else None, "origin_country": origin})
            runs += [r for rs in row.values() for r in rs]
    if not lines:
        lines, runs = _item_blocks(fields)
    if lines:
        c = runs_confidence(doc, runs)
        if ambiguous:
            c = min(c, 0.6)
        return Fact(value=lines, confidence=round(float(c), 3), at=runs_at(doc, runs))
    return None


QTY_THEN_COUNTRY = re.compile(r"(\d[\d,.]*\s*[件个箱瓶盒支套袋罐片包千克公斤])\s*([A-Z]{2,3}|[\u4e00-\u9fff]{2,8})\s*$")


def _country_of(text: str) -> str | None:
    return country_from_name(text.split()[0]) if text.split() else None


def _item_blocks(fields: Fields) -> tuple[list[dict], list]:
    """Goods printed as caption：value blocks per item ("1. 商品编号：… 原产国(地区)：…")."""
    codes = [v for v in fields.all("hs_code") if HS10_RE.search(v.text)]
    codes.sort(key=lambda v: (v.caption.page, v.caption.bbox[1]))
    out, runs = [], []
    for i, v in enumerate(codes):
        nxt = codes[i + 1].caption if i + 1 < len(codes) else None

        def within(w) -> bool:
            c = w.caption
            if c.page != v.caption.page or c.bbox[1] < v.caption.bbox[1] - 0.5 * c.h:
                return False
            return nxt is None or c.page < nxt.page or c.bbox[1] < nxt.bbox[1] - 0.5 * c.h
        origin = next((w for w in fields.all("origin") if within(w)), None)
        name = next((w for w in fields.all("goods_name") if within(w)), None)
        qty = next((w for w in fields.all("quantity") if within(w)), None)
        out.append({"hs_code": HS10_RE.search(v.text).group(1), "goods_name": name.lines[0] if name else None,
                    "quantity": qty.lines[0] if qty else None,
                    "origin_country": _country_of(origin.text) if origin else None})
        runs += [v.caption] + ([origin.caption] if origin else [])
    return out, runs


def parse_customs(doc: DocText) -> CustomsDeclaration:
    fields = pair(doc.models, lexicon("customs_declaration"))
    out = CustomsDeclaration()
    if doc.lines:
        out.form = doc.fact(_form(doc), doc.lines[0])
    out.declaration_number = _number(doc, fields)
    _consignee(doc, fields, out)
    cons = fields.first("consignor")
    if cons is not None and looks_like_name(cons.lines[0]):
        out.consignor = fact(doc, cons, name_of(cons.lines[0]))
    out.imported_on = date_fact(doc, fields.first("imported_on"), "CN")
    out.declared_on = date_fact(doc, fields.first("declared_on"), "CN")
    mode = fields.first("supervision_mode")
    if mode is not None:
        m = MODE_RE.search(mode.text)
        out.supervision_mode = fact(doc, mode, m.group(1) if m else mode.lines[0].strip())
    dep = fields.first("departure_country")
    if dep is not None:
        c = country_from_name(dep.lines[0])
        if c:
            out.departure_country = fact(doc, dep, c)
    out.lines = _lines(doc, fields)
    return out
