"""Certificate of origin: boxed chamber forms, preferential forms, free-layout e-COs."""
from __future__ import annotations

import re
from typing import Any

from originproof.evidence.documents.layout import DocText
from originproof.evidence.documents.types.common import (UNCHECKED, date_fact, fact, looks_like_name, name_of,
                                                         number_of, run_fact, runs_at, runs_confidence)
from originproof.evidence.layout.captions import load_data, fold, lexicon, match
from originproof.evidence.layout.pairing import Fields, pair, read_table
from originproof.facts.base import Fact
from originproof.facts.documents import CertificateOfOrigin
from originproof.text.countries import country_from_name, country_near_name

HS_RE = re.compile(r"(?<!\d)(\d{4}(?:[.\s]?\d{2}){1,3})(?!\d)")
HS_LABEL = (r"(?:H\.?\s?S\.?(?:\s*(?:code|no\.?|heading))?|tariff\s*(?:no\.?|number|heading)|"
            r"zolltarif(?:nummer)?|warennummer|code\s*sh|nomenclature)"
            # a bracketed hint may stand between the label and its code ("HS code (6 digits): …")
            r"(?:\s*[(（][^()（）\d]{0,20}\d?[^()（）\d]{0,20}[)）])?")
INLINE_HS_RE = re.compile(HS_LABEL + r"\s*[:：]?\s*(\d{4}(?:[.\s]?\d{2}){1,3})(?!\d)", re.I)
# The label closing a line whose width pushed the code onto the next one ("… 50 ml — HS" / "330499").
HS_LABEL_AT_END = re.compile(r"(?<![^\W\d_])" + HS_LABEL + r"\s*[:：]?\s*$", re.I)
ITEM_NO = re.compile(r"^\s*\d{1,3}[.)]\s+\S")
REMARK_PRODUCER = re.compile(r"(?:manufactured\s+by|manufacturer|producer|hersteller|fabricant|produttore|製造者|生産者)\s*[:：]\s*(.+)",
                             re.I)
QTY_RE = re.compile(r"(\d[\d,.]*)\s*(PCS|pcs|pieces|units|件|個|개|Stk\.?|Stück|pièces|pezzi|unités|boxes|cartons|CTNS|kg|KG)")
SAME_AS = re.compile(r"^\s*(same(\s+as\s+(the\s+)?exporter)?|as\s+above|idem|dito|同上)\s*$", re.I)
UNKNOWN_PARTY = re.compile(r"^\s*(unknown|available\s+upon\s+request|n/?a|nil|-+)\s*$", re.I)


def _party(doc: DocText, fields: Fields, name: str):
    v = fields.first(name)
    if v is None:
        return None
    head = name_of(v.text)
    if SAME_AS.match(head) or UNKNOWN_PARTY.match(head):
        return head.upper()
    if re.match(r"^\s*(to\s+order|to\s+the\s+order|an\s+order|à\s+ordre)\b", head, re.I):
        return fact(doc, v, head, runs=v.runs[:1] or None)
    if not looks_like_name(head, lexicon("certificate_of_origin")):
        return None
    # A name typed under its caption inside a box is the form's own structure: confident.
    return fact(doc, v, head, runs=v.runs[:1] or None)


# Tesseract reads a capital J or I at a word's start as a bracket or bar ("} APAN", "| APAN").
OCR_INITIAL = re.compile(r"(\w?)[}\])|]\s?(?=[A-Z]{3,}\b)")


def _initial(text: str, letter: str) -> str:
    return OCR_INITIAL.sub(lambda m: (m.group(1) + " " if m.group(1) else "") + letter, text)


def _country(text: str) -> tuple[str | None, float]:
    """A country named in `text`; one that only resolves after undoing an OCR slip (on its initial, or
    one letter anywhere) is not a confident reading."""
    c = country_from_name(text)
    if c:
        return c, 1.0
    for initial in ("J", "I"):
        c = country_from_name(_initial(text, initial))
        if c:
            return c, 0.75
    c = country_near_name(text)
    return (c, 0.7) if c else (None, 0.0)


def _origin(doc: DocText, fields: Fields, out: CertificateOfOrigin) -> None:
    spec = load_data("certificate_of_origin")
    # The first origin caption whose value is a country: a bare "ORIGIN" (a title's last word, set apart)
    # also reads as the caption, over whatever line follows it.
    vals = fields.all("origin_country")
    v = next((x for x in vals if _country(x.text.split("\n")[0])[0]), vals[0] if vals else None)
    boxed, bconf = _country(v.text.split("\n")[0]) if v is not None else (None, 0.0)
    # The certifying sentence names the origin as well ("… originate in GERMANY").
    stated, sconf, srun = None, 0.0, None
    for m in doc.models:
        for r in m.runs:
            for variant in (r.text, _initial(r.text, "J"), _initial(r.text, "I")):
                for pat in spec.get("origin_statements") or []:
                    hit = re.search(pat, variant, re.I)
                    if hit:
                        c, k = _country(hit.group("country"))
                        if c:
                            stated, sconf, srun = c, (k if variant == r.text else min(k, 0.75)), r
                            break
                if stated:
                    break
            if stated:
                break
        if stated:
            break
    if boxed and stated and boxed != stated:
        # Two readings disagree: keep the box, but not as a confident value.
        out.origin_country = fact(doc, v, boxed, conf=0.6)
    elif boxed:
        # Confirmed by the certifying sentence, or read cleanly in its box.
        out.origin_country = fact(doc, v, boxed, conf=0.95 if stated else min(bconf, UNCHECKED + 0.05))
    elif stated and srun is not None:
        conf = min(0.9, sconf)
        if conf < 0.8:
            # A repaired reading stands when the exporter's or producer's address (read apart) names
            # the same country on its last line.
            for party in ("exporter", "producer"):
                pv = fields.first(party)
                if pv is not None and len(pv.lines) > 1 and _country(pv.lines[-1].split(",")[-1])[0] == stated:
                    conf = 0.85
        out.origin_country = run_fact(doc, srun, stated, conf=conf)


def _issuer(doc: DocText, fields: Fields, registry: Any, country: str | None) -> Any:
    """The issuing body: a registry body named anywhere on the page (title, certifying sentence,
    stamp), else the printed 'issued by' value, else a title line that names a chamber."""
    text = fold(" ".join(r.text for m in doc.models for r in m.runs))
    best = None
    if registry is not None:
        for e in registry.issuers(None):
            names = e.get("names") or e.get("name") or []
            names = [names] if isinstance(names, str) else names
            for n in names:
                fn = fold(str(n))
                if len(fn) >= 6 and fn in text and (best is None or len(fn) > len(fold(best))):
                    best = str(n)
    if best is not None:
        fb = fold(best)
        holding = sorted((r for m in doc.models for r in m.runs if fb in fold(r.text)), key=lambda r: len(r.text))
        if holding:
            # The printed name (a letterhead or stamp line) rather than the registry's shorter form.
            run = holding[0]
            cm = match(run.text, lexicon("certificate_of_origin"))
            text = _closed(doc, run, cm.rest if cm is not None and cm.rest else run.text.strip())
            printed = text if len(text) <= 100 and looks_like_name(text) else best
            return run_fact(doc, run, printed)
        run = next((r for m in doc.models for r in m.runs if fold(r.text) and fold(r.text) in fb), None)
        if run is not None:  # the name wraps over runs: point at the first run holding its start
            return run_fact(doc, run, best)
    # A body of the origin country known by a pattern ("… Chamber of Commerce"): the shortest run
    # naming it (a letterhead or stamp line rather than the certifying sentence), topmost first.
    if registry is not None and country:
        pats = [p for e in registry.issuers(country) for p in e.get("name_patterns") or []]
        cands = []
        for m in doc.models:
            for r in m.runs:
                if len(r.text) <= 80 and looks_like_name(r.text) and any(_search(p, r.text) for p in pats):
                    cands.append((r.page, r.bbox[1], r))
        if cands:
            r = min(cands, key=lambda t: (t[0], t[1]))[2]
            return run_fact(doc, r, _closed(doc, r, r.text.strip()), conf=0.95)
    v = fields.first("issuer")
    if v is not None and looks_like_name(v.lines[0]):
        return fact(doc, v, v.lines[0].strip(), runs=v.runs[:1] or None)
    words = [w.casefold() for w in load_data("certificate_of_origin").get("issuer_words") or []]
    for m in doc.models[:1]:
        for r in sorted(m.runs, key=lambda r: r.bbox[1])[:12]:
            if any(w in r.text.casefold() + " " for w in words) and looks_like_name(r.text):
                return run_fact(doc, r, r.text.strip(), conf=UNCHECKED)
    return None


def _closed(doc: DocText, run: Any, text: str) -> str:
    """A name whose bracket its line leaves open ("CCI X (Chambre de commerce et") with the next line that
    closes it: a letterhead's next line, left-aligned with it or centred under it."""
    if text.count("(") <= text.count(")"):
        return text
    m0 = next(m for m in doc.models if run in m.runs)
    nxt = next((r for r in m0.below(run) if r.bbox[1] - run.bbox[3] < 1.5 * run.h and (
        abs(r.bbox[0] - run.bbox[0]) < 2 * run.h or min(r.bbox[2], run.bbox[2]) - max(r.bbox[0], run.bbox[0]) > 0)),
        None)
    return f"{text} {nxt.text.strip()}" if nxt is not None and ")" in nxt.text else text


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _goods(doc: DocText, fields: Fields) -> Any:
    cols = ["item", "marks", "goods", "hs_code", "quantity", "origin_criterion"]
    names = {fields.captions[k].field.name for k in fields.captions}
    if "hs_code" in names:
        key, key_ok = "hs_code", (lambda t: bool(HS_RE.search(t)))
    else:
        # No HS column: an item starts at a numbered line ("1. 50 CARTONS OF …"), else at every line.
        goods_runs = [r for m in doc.models for r in m.runs]
        numbered = any(ITEM_NO.match(r.text) for r in goods_runs)
        key, key_ok = "goods", ((lambda t: bool(ITEM_NO.match(t))) if numbered else (lambda t: len(t.strip()) > 2))
    table = read_table(doc.models, fields, cols, key, key_ok=key_ok)
    goods, runs = [], []
    if table is not None:
        for row in table.rows:
            desc_runs = row.get("goods", [])
            text = " ".join(r.text for r in desc_runs)
            hs = HS_RE.search(table.text(row, "hs_code")) or INLINE_HS_RE.search(text)
            desc = INLINE_HS_RE.sub("", " ".join(r.text for r in desc_runs if not INLINE_HS_RE.fullmatch(r.text.strip())))
            desc = desc.strip(" *-—–")
            q = table.text(row, "quantity").strip()
            if re.fullmatch(r"[*\sxX\-=]*|.*\btotal\b.*|={2,}.*", desc, re.I) and not hs:
                continue
            goods.append({"description": desc, "hs_code": re.sub(r"\D", "", hs.group(1)) if hs else None,
                          "quantity": q or None, "marks": table.text(row, "marks") or None})
            runs += [r for rs in row.values() for r in rs]
    if not any(g["hs_code"] for g in goods):
        # Free layouts: "… — HS 3304.99", "H.S. Code: 330499" on the description's line or the next.
        inline, lines = [], []
        for i, line in enumerate(doc.lines):
            hs = INLINE_HS_RE.search(line.text)
            if hs:
                label, code, end = hs.start(), hs.group(1), hs.end()
            else:
                wrapped = _code_wrapped_below(doc, line)
                if wrapped is None:
                    continue
                label, code, end, below = wrapped
                lines.append(below)
            desc = line.text[:label].strip(" -–—|")
            if not re.search(r"[^\W\d_]{3}", desc) and i > 0:
                desc = doc.lines[i - 1].text.strip()
            q = QTY_RE.search(line.text, end)
            inline.append({"description": desc, "hs_code": re.sub(r"\D", "", code),
                           "quantity": f"{q.group(1)} {q.group(2)}" if q else None})
            lines.append(line)
        if inline:
            return doc.union_fact(inline, lines)
    if not goods:
        return None
    c = runs_confidence(doc, runs)
    if any(not g["description"] for g in goods):
        c = min(c, 0.7)  # a goods row without its description: the table was not read whole
    return Fact(value=goods, confidence=round(float(c), 3), at=runs_at(doc, runs))


def _code_wrapped_below(doc: DocText, line: Any) -> tuple[int, str, int, Any] | None:
    """An HS label ending a run of `line` whose code the line's width carried onto the next line, set at
    the same left edge: (where the label starts in the line, the code, where the run ends, the code's line)."""
    for m in doc.models:
        for r in m.runs:
            if r.line is not line:
                continue
            lab = HS_LABEL_AT_END.search(r.text)
            if lab is None:
                continue
            nxt = next((x for x in m.below(r) if abs(x.bbox[0] - r.bbox[0]) < 1.5 * r.h), None)
            if nxt is None or nxt.bbox[1] - r.bbox[3] > 0.9 * r.h:
                continue
            code = re.match(r"\s*(\d{4}(?:[.\s]?\d{2}){1,3})(?!\d)", nxt.text)
            if code:
                return r.start + lab.start(), code.group(1), r.end, nxt.line
    return None


def _remarks_producer(doc: DocText, fields: Fields) -> Any:
    """Chamber forms without a producer box name the maker in Remarks ("Manufacturer: X")."""
    for v in fields.all("remarks"):
        for r in v.runs or []:
            m = REMARK_PRODUCER.search(r.text)
            if m and looks_like_name(name_of(m.group(1))):
                return fact(doc, v, name_of(m.group(1)), runs=[r])
    return None


def parse_coo(doc: DocText, registry: Any = None) -> CertificateOfOrigin:
    lex = lexicon("certificate_of_origin")
    fields = pair(doc.models, lex)
    out = CertificateOfOrigin()
    v = fields.first("certificate_number")
    num = number_of(v.text) if v is not None else None
    if num:
        out.certificate_number = fact(doc, v, re.sub(r"(?<=[A-Z])\s+(?=\d)", "", num))
    for party in ("exporter", "consignee", "producer"):
        p = _party(doc, fields, party)
        if isinstance(p, str):
            if party == "producer" and SAME_AS.match(p) and out.exporter is not None:
                out.producer = out.exporter.model_copy()
            continue
        setattr(out, party, p)
    if out.producer is None:
        out.producer = _remarks_producer(doc, fields)
    _origin(doc, fields, out)
    out.issuer = _issuer(doc, fields, registry, doc.country)
    out.issue_date = date_fact(doc, fields.first("issue_date"), doc.country)
    if out.issue_date is None:
        # The chamber dates its certification; the exporter's declaration date is not the issue date.
        for c in fields.all("certification"):
            out.issue_date = date_fact(doc, c, doc.country)
            if out.issue_date is not None:
                break
    inv = fields.first("invoice")
    if inv is not None:
        n = number_of(re.sub(r"(?i)^\s*invoice\s*(no\.?|number)\s*[:：]?", "", inv.text))
        if n:
            out.invoice_number = fact(doc, inv, n.split(" ")[0])
    aen = fields.first("approved_exporter_number")
    if aen is not None and number_of(aen.text):
        out.approved_exporter_number = fact(doc, aen, number_of(aen.text))
    out.goods = _goods(doc, fields)
    return out
