"""Field readers for the four production documents (canonical fields of report@1)."""
from __future__ import annotations

import re
from typing import Any

from originproof.text.countries import country_from_address, country_from_name
from originproof.text.dates import find_dates
from originproof.text.identifiers import compact, find_usccs
from originproof.evidence.documents.layout import DocText, Hit, find_field, norm, split_name_address
from originproof.facts.base import Fact
from originproof.facts.documents import (CertificateOfOrigin, CustomsDeclaration, FactoryLicence,
                                         ProductionAgreement)

HS_RE = re.compile(r"(?:HS\s*(?:code)?\s*[:：]?\s*)(\d{4}(?:\.?\d{2}){1,3})(?!\d)", re.I)
QTY_RE = re.compile(r"(\d[\d,.]*)\s*(PCS|pcs|pieces|units|件|個|개|Stk\.?|Stück|pièces|pezzi|unités|boxes|cartons|CTNS|kg|KG)")


def _date_fact(doc: DocText, hit: Hit | None, index: int = 0) -> Fact | None:
    if hit is None:
        return None
    found = find_dates(hit.value, doc.country)
    if len(found) <= index:
        return None
    f = found[index]
    return doc.fact(f.value.isoformat(), hit.line, hit.start + f.start, hit.start + f.end, conf=f.confidence)


def _text_fact(doc: DocText, hit: Hit | None, value: str | None = None) -> Fact | None:
    if hit is None:
        return None
    v = (value if value is not None else hit.value).strip()
    if not v:
        return None
    i = hit.line.text.find(v, hit.start)
    s = i if i >= 0 else hit.start
    return doc.fact(v, hit.line, s, s + len(v))


# ----------------------------------------------------------------------------- certificate of origin
def parse_coo(doc: DocText) -> CertificateOfOrigin:
    out = CertificateOfOrigin()
    num = find_field(doc, "coo.number")
    if num:
        m = re.match(r"[A-Za-z0-9][A-Za-z0-9\-/]*", num.value)
        out.certificate_number = _text_fact(doc, num, m.group(0) if m else num.value.split()[0])
    exp = find_field(doc, "coo.exporter")
    if exp:
        out.exporter = _text_fact(doc, exp, split_name_address(exp.value)[0])
    con = find_field(doc, "coo.consignee")
    if con:
        out.consignee = _text_fact(doc, con)
    prod = find_field(doc, "coo.producer")
    if prod:
        out.producer = _text_fact(doc, prod, split_name_address(prod.value)[0])
    org = find_field(doc, "coo.origin")
    if org:
        c = country_from_name(org.value)
        if c:
            out.origin_country = doc.fact(c, org.line, org.start, org.end)
    inv = find_field(doc, "coo.invoice")
    if inv:
        m = re.match(r"[A-Za-z0-9][A-Za-z0-9\-/]*", inv.value)
        if m:
            out.invoice_number = _text_fact(doc, inv, m.group(0))
    aen = find_field(doc, "coo.approved_exporter")
    if aen:
        out.approved_exporter_number = _text_fact(doc, aen, aen.value.split()[0])
    iss = find_field(doc, "coo.issuer")
    if iss:
        out.issuer = _text_fact(doc, iss)
    date = find_field(doc, "coo.date")
    out.issue_date = _date_fact(doc, date)
    goods_hit = find_field(doc, "coo.goods", value_next_line=False)
    goods, glines = [], []
    if goods_hit:
        for line in doc.lines[goods_hit.line_index + 1:]:
            t = line.text.strip()
            hs = HS_RE.search(t)
            if not hs:
                if goods:
                    break
                continue
            desc = t[:hs.start()].strip(" -–|")
            q = QTY_RE.search(t, hs.end())
            goods.append({"description": desc, "hs_code": re.sub(r"\D", "", hs.group(1)),
                          "quantity": f"{q.group(1)} {q.group(2)}" if q else None})
            glines.append(line)
    if goods:
        out.goods = doc.union_fact(goods, glines)
    return out


# ----------------------------------------------------------------------------- factory licence
def _scheme(doc: DocText, registry: Any, country: str | None) -> tuple[str | None, int | None]:
    """The registry scheme whose printed name the document's title carries."""
    if registry is None:
        return None, None
    head = [(i, norm(l.text)) for i, l in enumerate(doc.lines[:6])]
    toks = [(i, set(re.findall(r"\w+", l.text.casefold()))) for i, l in enumerate(doc.lines[:6])]
    best, best_len, best_line = None, 0, None
    for s in registry.licence_schemes(None):
        names = s.get("name") or []
        names = [names] if isinstance(names, str) else names
        for n in names:
            k = norm(str(n))
            if len(k) < 4:
                continue
            ntoks = set(re.findall(r"\w+", str(n).casefold()))
            for (i, t), (_i, tk) in zip(head, toks):
                hit = k in t or (len(ntoks) >= 2 and ntoks <= tk)
                if hit and (len(k) > best_len or (len(k) == best_len and country and
                                                    str(s.get("country", "")).upper() == country)):
                    if best is not None and len(k) == best_len and str(best.get("country", "")).upper() == country:
                        continue
                    best, best_len, best_line = s, len(k), i
    if best is None and country:
        # "ISO 22716" titles come in every language; the country's GMP stand-in scheme is meant.
        for i, t in head:
            if "22716" in t:
                for s in registry.licence_schemes(country):
                    if "22716" in s.get("id", "").replace("_", "") or "iso22716" in s.get("id", ""):
                        return s["id"], i
    return (best["id"], best_line) if best else (None, None)


def _companions(doc: DocText, registry: Any, country: str | None, main: str | None) -> list[tuple[str, Any]]:
    """Company-register extracts (and other schemes) titled at the top of a later page."""
    if registry is None or len({l.page for l in doc.lines}) < 2:
        return []
    found: list[tuple[str, Any]] = []
    first_page = doc.lines[0].page
    tops: dict[int, list] = {}
    for l in doc.lines:
        if l.page != first_page:
            tops.setdefault(l.page, [])
            if len(tops[l.page]) < 3:
                tops[l.page].append(l)
    for _page, lines in tops.items():
        for s in registry.licence_schemes(country):
            if s.get("id") == main:
                continue
            names = s.get("name") or []
            names = [names] if isinstance(names, str) else names
            hit = next((l for l in lines for n in names if len(norm(str(n))) >= 4 and norm(str(n)) in norm(l.text)), None)
            if hit is not None and s["id"] not in [f[0] for f in found]:
                found.append((s["id"], hit))
    return found


def parse_licence(doc: DocText, registry: Any = None) -> FactoryLicence:
    out = FactoryLicence()
    sid, sline = _scheme(doc, registry, doc.country)
    if sid:
        out.scheme = doc.fact(sid, doc.lines[sline])
    support = _companions(doc, registry, doc.country, sid)
    if support:
        out.supporting_schemes = doc.union_fact([s for s, _l in support], [l for _s, l in support])
    num = find_field(doc, "lic.number")
    if num:
        chunk = re.split(r"\s{2,}", num.value.strip())[0]
        if re.fullmatch(r"[제第]?\s*[\w\-/]+(?:\s+[\w\-/]+)?\s*[호号]?", chunk) and re.search(r"[제第호号]|\s[-/]|[-/]\s", chunk):
            val = re.sub(r"\s+", "", chunk)  # OCR spaces out "제 5035 호", "MI - 2018"
        else:
            m = re.match(r"\S+(?:\s?[-/]\s?\S+)*", chunk)
            val = m.group(0) if m else chunk
        out.licence_number = _text_fact(doc, num, val) if val in num.line.text else doc.fact(val, num.line, num.start, num.end)
    holder = find_field(doc, "lic.holder")
    if holder:
        out.holder = _text_fact(doc, holder, split_name_address(holder.value)[0])
    reg = find_field(doc, "lic.regno")
    if reg:
        m = re.search(r"[A-Z]{0,3}[\d][\d\s\-]{6,}\d", reg.value)
        if m:
            out.holder_registration_number = _text_fact(doc, reg, m.group(0).strip())
    addr = find_field(doc, "lic.address")
    if addr:
        out.address = _text_fact(doc, addr)
        c, conf = country_from_address(addr.value, doc.country)
        if c:
            out.country = doc.fact(c, addr.line, addr.start, addr.end, conf=conf)
    act = find_field(doc, "lic.activities")
    if act:
        # "·" joins one Korean activity (식품제조·가공업 = manufacturing-and-processing), it is no list separator.
        items = [a.strip() for a in re.split(r"[、,;／/]|\s{3,}", act.value) if a.strip()]
        out.activities = doc.fact(items, act.line, act.start, act.end)
    out.issue_date = _date_fact(doc, find_field(doc, "lic.issued"))
    out.expiry_date = _date_fact(doc, find_field(doc, "lic.expires"))
    auth = find_field(doc, "lic.authority")
    if auth:
        out.authority = _text_fact(doc, auth)
    return out


# ----------------------------------------------------------------------------- production agreement
_REG_IN_TEXT = re.compile(r"(?:reg(?:istration)?\.?\s*no\.?|法人番号|사업자등록번호|ABN|HRB|SIREN|company no\.?)\s*[:：]?\s*([A-Z]{0,3}[\d][\d\s\-]{6,}\d)", re.I)


def _party(doc: DocText, key: str, role: str) -> tuple[dict[str, Any], Any] | None:
    hit = find_field(doc, key)
    if hit is None:
        return None
    v = hit.value
    # Party lines print the local name and, in brackets, the Latin one.
    m = re.match(r"^(.*?)\s*[(（]([^()（）]+)[)）]?[\s|.,;:_\-]*$", v)
    name, alias = (m.group(1).strip(), m.group(2).strip()) if m else (split_name_address(v)[0], None)
    reg = None
    for line in doc.lines[hit.line_index + 1: hit.line_index + 4]:
        r = _REG_IN_TEXT.search(line.text)
        if r:
            reg = compact(r.group(1))
            break
        if re.match(r"^\s*(party|甲|乙|갑|을)", line.text, re.I):
            break
    party = {"name": name, "role": role, "registration_number": reg}
    if alias:
        party["name_alt"] = alias
    return party, hit.line


def parse_agreement(doc: DocText) -> ProductionAgreement:
    out = ProductionAgreement()
    parties, plines = [], []
    for key, role in (("agr.party_a", "brand_owner"), ("agr.party_b", "manufacturer")):
        p = _party(doc, key, role)
        if p:
            parties.append(p[0])
            plines.append(p[1])
    if parties:
        out.parties = doc.union_fact(parties, plines)
    out.signed_on = _date_fact(doc, find_field(doc, "agr.signed"))
    term = find_field(doc, "agr.term")
    out.term_start = _date_fact(doc, term, 0)
    out.term_end = _date_fact(doc, term, 1)
    ph = find_field(doc, "agr.products", value_next_line=False)
    if ph:
        prods, lines = [], [ph.line]
        if ph.value and ph.line is doc.lines[ph.line_index]:
            prods.append(ph.value.strip())
        for line in doc.lines[ph.line_index + 1:]:
            t = line.text.strip()
            if not re.match(r"^[-•・*·]\s*", t):
                break
            prods.append(re.sub(r"^[-•・*·]\s*", "", t))
            lines.append(line)
        if prods:
            out.products = doc.union_fact(prods, lines)
    sig_lines = [l for l in doc.lines if not re.search(r"date\s*signed", l.text, re.I) and re.search(r"[\[({|]\s*signed|signed\s*[\])}|]|/s/|署名|記名押印|\(인\)|（印）|㊞|signature\s*:\s*\S|"
                                                   r"unterschrift\s*:\s*\S|\bsigné\b|firmato", l.text, re.I)]
    sig_lines = [l for l in sig_lines if not re.search(r"_{4,}\s*$", l.text)]
    out.signatures_present = (doc.union_fact(True, sig_lines[:2]) if len(sig_lines) >= 2 else
                              doc.fact(False, None, conf=0.85 if not doc.ocr else 0.7))
    return out


# ----------------------------------------------------------------------------- customs declaration
def parse_customs(doc: DocText) -> CustomsDeclaration:
    out = CustomsDeclaration()
    t = norm(" ".join(l.text for l in doc.lines[:3]))
    form = "declaration"
    if "申报清单" in t or "清单编号" in norm(doc.text):
        form = "inventory"
    if "备案清单" in t:
        form = "filing"
    out.form = doc.fact(form, doc.lines[0])
    num = find_field(doc, "cus.number")
    if num:
        m = re.search(r"[0-9A-Z][0-9A-Z\s]{8,}[0-9A-Z]", num.value)
        if m:
            out.declaration_number = _text_fact(doc, num, m.group(0).strip())
    con = find_field(doc, "cus.consignee")
    if con:
        name = re.split(r"统一社会信用代码|\(|（|\s{2,}", con.value)[0].strip()
        out.consignee = _text_fact(doc, con, name)
        u = find_usccs(con.line.text)
        if u:
            val, s, e = u[-1]
            out.consignee_uscc = doc.fact(val, con.line, s, e)
    if out.consignee_uscc is None:
        for line in doc.lines:
            if "信用代码" in line.text:
                u = find_usccs(line.text)
                if u:
                    out.consignee_uscc = doc.fact(u[0][0], line, u[0][1], u[0][2])
                    break
    cons = find_field(doc, "cus.consignor")
    if cons:
        out.consignor = _text_fact(doc, cons)
    out.imported_on = _date_fact(doc, find_field(doc, "cus.imported"))
    out.declared_on = _date_fact(doc, find_field(doc, "cus.declared"))
    mode = find_field(doc, "cus.mode")
    if mode:
        m = re.search(r"\d{4}", mode.value)
        if m:
            out.supervision_mode = doc.fact(m.group(0), mode.line, mode.start + m.start(), mode.start + m.end())
    dep = find_field(doc, "cus.departure")
    if dep:
        c = country_from_name(dep.value.split()[0]) if dep.value.split() else None
        if c:
            out.departure_country = _text_fact(doc, dep, c) if c == dep.value.split()[0] else doc.fact(c, dep.line, dep.start, dep.end)
    # Goods lines: item no., a 10-digit commodity code, name, quantity, origin.
    lines, flines = [], []
    for line in doc.lines:
        # OCR may drop the spaces: "13304990099Hadaluna…" is item 1, code 3304990099.
        # The item number may also land in a box of its own (read as a separate line).
        m = re.match(r"^\s*(?:(\d{1,2})\s*)?(\d{10})(?!\d)\s*(.*)$", line.text) or \
            re.match(r"^\s*(\d{1,2})\s+(\d{8})\s+(.*)$", line.text)
        if not m:
            continue
        rest = m.group(3).strip()
        parts = re.split(r"\s{2,}", rest)
        origin, qty, name = None, None, rest
        tail = rest.split()
        if tail:
            om = re.search(r"(?<![A-Za-z])([A-Z]{2,3}|[\u4e00-\u9fff]{2,8})\s*$", rest)
            origin = country_from_name(om.group(1)) if om else None
            if origin:
                rest2 = rest[: om.start()].strip()
            else:
                rest2 = rest
            q = re.search(r"(\d[\d,.]*)\s*(件|个|千克|KG|kg|盒|瓶|支|片|包)\s*$", rest2)
            if q:
                qty = q.group(0)
                rest2 = rest2[:q.start()].strip()
            name = rest2
        del parts
        lines.append({"hs_code": m.group(2), "goods_name": name, "quantity": qty, "origin_country": origin})
        flines.append(line)
    if lines:
        out.lines = doc.union_fact(lines, flines)
    return out
