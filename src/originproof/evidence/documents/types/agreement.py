"""Production (OEM / contract-manufacturing) agreements: free text, parties named once with an alias,
a term article, signature/seal blocks on the last page (document-layouts §4)."""
from __future__ import annotations

import re
from typing import Any

from originproof.evidence.common.ocr import OcrLine
from originproof.evidence.documents.layout import DocText
from originproof.evidence.documents.types.common import LEGAL_FORM_RE, looks_like_name
from originproof.evidence.layout.captions import fold, lexicon, load_data
from originproof.evidence.layout.model import join_runs, rows_of, wraps_onto
from originproof.evidence.layout.pairing import pair
from originproof.facts.documents import ProductionAgreement
from originproof.text.dates import find_dates
from originproof.text.identifiers import compact

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# OCR often reads a paragraph sign as a dollar sign ("$ 3 Vertragslaufzeit"): one before an article number
# and its heading word is one.
ARTICLE = re.compile(r"^\s*(?:第\s*\d+\s*条|제\s*\d+\s*조|§\s*\d+|\$\s*\d{1,2}\s+[^\W\d_]|article\s+\d+|art\.\s*\d+|"
                     r"\d{1,2}\.\s+\S)", re.I)
# An alias given in brackets after a party's name: （以下「甲」という）, (이하 "갑"이라 한다), (以下简称"甲方").
ALIAS = re.compile(r"[（(]\s*(?:以下|이하)[^）)]{0,12}?[「『“\"']?\s*(甲|乙|갑|을|甲方|乙方)")
# The same definition with an alias OCR could not read ("(이하 \"Zt\", …)"): its side follows from the order.
ANY_ALIAS = re.compile(r"[（(]\s*(?:以下|이하)[^）)]{0,12}?[「『“\"']\s*(\S{1,3}?)\s*[」』”\"']")
# Where a party's name begins, reading back from its alias: a clause start, a conjunction with its space,
# a wide gap or a long number (a table row's registration number) before it.
CLAUSE_START = re.compile(r"(?:^|[と、。\n]|와\s|과\s|및\s|及び|\s{2,}|\d{6,}\s)\s*")
REG_IN_TEXT = re.compile(r"(?:reg(?:istration|istered)?\.?\s*no\.?|registered\s+no\.?|法人番号|사\s?업\s?자\s?등\s?록\s?번\s?호|ABN|ACN|HRB|"
                         r"SIREN|company\s+no\.?|统一社会信用代码|P\.?\s?IVA)\s*[:：]?\s*([A-Z]{0,3}\s?\d[\d\s\-]{5,}\d)", re.I)
TITLE_CUES = ["契約書", "계약서", "协议书", "合同书", "協議書"]
BULLET = re.compile(r"^\s*[•・*·\-–ㆍ∙●▪◦‧]\s*")
ANNEX = re.compile(r"(annex|anlage|annexe|allegato|schedule|appendix|別紙|별지|별첨|附件|附表|products|produkte|erzeugnisse|製品|제품|"
                   r"produits|prodotti)",
                   re.I)


def _join(lines: list[str]) -> str:
    out = ""
    for l in lines:
        l = l.strip()
        if out and CJK.search(out[-1:]) and CJK.search(l[:1]):
            out += l
        elif out and out.endswith("-") and l[:1].isalpha():
            out += l
        else:
            out += (" " if out else "") + l
    return out


def _clean_name(name: str) -> str:
    name = re.sub(r"^\s*(?:the\s+company\s+|la\s+société\s+|der\s+|die\s+|den\s+|dem\s+)", "", name.strip(), flags=re.I)
    name = re.split(r"\s+(?:a\s+(?:company|corporation)|registered|with\s+its|eingetragen|immatriculée|dont\s+le)\b",
                    name, flags=re.I)[0]
    # A name ends at its legal form when one is given ("X GmbH, Zeil 4 …").
    last = None
    for m in LEGAL_FORM_RE.finditer(name):
        last = m
    if last is not None and name[last.end():].strip(" ,;") and re.match(r"^\s*[,;(]", name[last.end():]):
        name = name[:last.end()]
    return name.strip(" ,;:–-\"“”„«»|¦│")  # a cell's rule OCR read as a bar is no part of the name


def _split_alt(name: str) -> tuple[str, str | None]:
    m = re.match(r"^(.*?)\s*[（(]([^()（）]+)[)）]\s*$", name)
    return (m.group(1).strip(), m.group(2).strip()) if m else (name, None)


# 甲/갑 is the principal (the brand owner's side), 乙/을 the contractor.
ALIAS_SIDE = {"甲": "a", "갑": "a", "甲方": "a", "乙": "b", "을": "b", "乙方": "b"}


def _alias_parties(text: str) -> list[tuple[str, str | None, str]]:
    """Parties named before a bracketed alias (JP/KR/ZH style): (name, bilingual alt, side "a"/"b" by the
    alias: 甲/갑 is the principal, 乙/을 the contractor)."""
    out = []
    matches = list(ALIAS.finditer(text))
    if len(matches) == 1:
        # One alias read, the other garbled: take every definition, in order.
        loose = list(ANY_ALIAS.finditer(text))
        if len(loose) == 2 and any(m.start() == matches[0].start() for m in loose):
            matches = loose
    for m in matches:
        pos, alt = m.start(), None
        # A bilingual name "甲社（Latin Co., Ltd.）（以下「甲」…": the bracket before the alias is the alt name
        # (OCR often reads a space between the two brackets).
        k = len(text[:pos].rstrip())
        if k > 0 and text[k - 1] in "）)":
            open_ = max(text.rfind("（", 0, k - 1), text.rfind("(", 0, k - 1))
            if open_ >= 0:
                alt = text[open_ + 1: k - 1].strip()
                pos = open_
        head = text[:pos]
        # The title runs into the first party when lines are joined ("…契約書ハダルナ…"): cut after it.
        for cue in TITLE_CUES:
            k = head.rfind(cue)
            if k >= 0:
                head = " " * (k + len(cue)) + head[k + len(cue):]
        starts = [mm.end() for mm in CLAUSE_START.finditer(head)]
        start = max([s for s in starts if s < len(head)] or [0])
        name = _clean_name(re.sub(r"^[\d\-\s]+(?=\D)", "", head[start:]).strip(" 「」\""))
        if looks_like_name(name):
            out.append((name, alt, ALIAS_SIDE.get(m.group(1), "b" if out else "a")))
    return out


def _pattern_parties(text: str) -> list[tuple[str, str | None, str]]:
    for pat in load_data("production_agreement").get("preambles") or []:
        m = re.search(pat, text, re.I | re.S)
        if m and "a" in m.groupdict() and "b" in m.groupdict():
            out = []
            for g in ("a", "b"):
                name, alt = _split_alt(_clean_name(m.group(g)))
                if looks_like_name(name):
                    out.append((name, alt, g))
            if len(out) == 2:
                return out
    return []


def _preamble(doc: DocText) -> tuple[str, list[OcrLine]]:
    lines = []
    for i, l in enumerate(doc.lines):
        if i > 0 and ARTICLE.match(l.text) and lines and len(_join([x.text for x in lines])) > 80:
            break
        lines.append(l)
    return _join([l.text for l in lines]), lines


def _unwrap(lines: list[str]) -> str:
    """A party's name as printed over one or more lines: joined while a bracket is still open."""
    out = lines[0].strip() if lines else ""
    for l in lines[1:]:
        if out.count("(") + out.count("（") <= out.count(")") + out.count("）"):
            break
        out = _join([out, l])
    return out


def _party_from(v) -> tuple[str, str | None] | None:
    if v is None or v.blank:
        return None
    name, alt = _split_alt(_clean_name(_unwrap(v.lines)))
    return (name, alt) if looks_like_name(name) and not _sentence(name) else None


def _sentence(text: str) -> bool:
    """A clause, not a name: "갑은 … 위탁한다." ends as a Korean, Japanese or Chinese sentence does (a short
    caption such as 갑 also starts the articles' sentences); a Latin name may well end with a point
    ("Packing Co."), so there only a long run of words ending with one is a sentence."""
    t = text.strip()
    if LEGAL_FORM_RE.search(t):
        return False
    if re.search(r"(?:[다요]\.?|。)\s*$", t):
        return True
    return t.endswith(".") and len(t.split()) > 12


def _parties(doc: DocText, fields) -> tuple[list[dict[str, Any]], list[OcrLine]]:
    text = _join([l.text for l in doc.lines])
    # 1. Named with an alias in the running text (the legal definition of the parties).
    found: list[tuple[str, str | None, str | None]] = (_alias_parties(text) or _pattern_parties(text))[:2]
    # 2. Party boxes or label lines ("1. Client (Party A)", "甲方：…").
    if len(found) < 2:
        # The first value under each party caption that reads as a party (a clause opening with 갑/을 also
        # starts with the caption).
        boxed = [next((p for p in map(_party_from, fields.all(k)) if p), None) for k in ("party_a", "party_b")]
        if all(boxed):
            found = [(n, a, side) for (n, a), side in zip(boxed, ("a", "b"))]  # type: ignore[misc]
    _pre, lines = _preamble(doc)
    parties = []
    whole = fold(doc.text)
    signed_names = [fold(_unwrap(v.lines)) for v in fields.all("party_name")]
    for i, (name, alt, side) in enumerate(found[:2]):
        pos = text.find(name)
        seg = text[pos: pos + 400] if pos >= 0 else ""
        reg = REG_IN_TEXT.search(seg)
        first = side == "a" if side else i == 0
        party = {"name": name, "role": "brand_owner" if first else "manufacturer",
                 "registration_number": compact(reg.group(1)) if reg else None}
        if alt:
            party["name_alt"] = alt
        # Named again (signature block, party table): the name is read right.
        fn = fold(name)
        party["_seen_twice"] = (whole.count(fn) >= 2 or (alt is not None and whole.count(fold(alt)) >= 2)
                                or any(fn and fn in s for s in signed_names))
        parties.append(party)
    return parties, lines


def _signature_area(doc: DocText) -> int:
    """Index of the first line of the closing part: the closing formula, else the last page's lower half."""
    formulas = [fold(f) for f in load_data("production_agreement").get("closing_formulas") or []]
    for i, l in enumerate(doc.lines):
        if any(f in fold(l.text) for f in formulas):
            return i
    last_page = doc.lines[-1].page if doc.lines else 1
    return next((i for i, l in enumerate(doc.lines) if l.page == last_page), 0) + len(
        [l for l in doc.lines if l.page == last_page]) // 2


def _party_blocks(lines: list[OcrLine]) -> list[OcrLine]:
    """The lines of the closing part's party blocks: two of the block labels each printed for both
    parties (side by side on one line or in blocks one under the other); [] when there are none."""
    labels = [fold(m) for ms in (load_data("production_agreement").get("signature_block_labels") or {}).values()
              for m in ms]
    counts = {lab: sum(fold(l.text).count(lab) for l in lines) for lab in labels if lab}
    twice = [lab for lab, n in counts.items() if n >= 2]
    if len(twice) < 2:
        return []
    return [l for l in lines if any(lab in fold(l.text) for lab in twice)]


def _signatures(doc: DocText, start: int) -> tuple[bool, float, list[OcrLine]]:
    marks = [fold(m) for ms in (load_data("production_agreement").get("signature_marks") or {}).values() for m in ms]
    # The closing part first; signature blocks also stand before annexes or on an earlier page.
    for lines in (doc.lines[start:], doc.lines):
        hits = [l for l in lines if any(m and m in fold(l.text) for m in marks)]
        rules = [l for l in lines if re.search(r"_{6,}", l.text)]
        if hits or rules:
            break
    # Blocks stand side by side ("Signature          Signature"): count the marks, not the lines.
    blocks = sum(max(fold(l.text).count(m) for m in marks if m) for l in hits)
    if blocks >= 2 or (hits and rules):
        return True, 0.95, hits[:2]
    if hits or rules:
        return True, 0.85, (hits or rules)[:2]
    block = _party_blocks(doc.lines[start:])
    if block:
        return True, 0.85, block[:2]
    # Nothing seen: on a text layer that is a reading; under OCR a seal or hand signature may hide it.
    return False, (0.85 if not doc.ocr else 0.6), []


def _term(doc: DocText, fields, country: str | None) -> tuple[Any, Any]:
    v = fields.first("term")
    if v is not None:
        found = find_dates(_join(v.lines), country)
        if found:
            return found, [r.line for r in v.runs] or [v.caption.line]
    markers = [fold(m) for m in load_data("production_agreement").get("term_markers") or []]
    for i, l in enumerate(doc.lines):
        if any(m in fold(l.text) for m in markers):
            window = doc.lines[i:i + 4]
            found = find_dates(_join([w.text for w in window]), country)
            if found:
                return found, window
    return [], []


NUMBERING = re.compile(r"^\s*(?:[•・*·\-–ㆍ∙●▪◦‧]|\(?\d{1,2}[.)]|\(\d{1,2}\)|\d{1,2}\s)\s*")


def _product_name(t: str) -> str:
    t = NUMBERING.sub("", t).strip()
    t = re.split(r"\s*[（(]\s*(?:GTIN|EAN|JAN|HS)\b", t)[0].strip()
    # A trailing bracket of codes (GTIN, HS) whose label OCR lost: "… (6114 8809732515415, HS …)".
    return re.sub(r"\s*[（(][^()（）]*\d{8,}[^()（）]*[)）]?\s*$", "", t).strip()


def _products(doc: DocText, fields) -> tuple[list[str], list[OcrLine]]:
    """The products the agreement covers: a products box or caption, else the lines under a
    products heading or annex (bullets, numbered items, a small table)."""
    v = fields.first("products")
    if v is not None and v.runs and (v.caption.cell is not None or len(v.runs) > 1):
        items: list[list[Any]] = []  # rows of one item: a name the cell's width wrapped onto the next line
        # Runs on one printed row are one (OCR cuts a row at a wide gap: "ハダルナ   3D保湿…").
        for r in (join_runs(row) for row in rows_of(v.runs)):
            if items and wraps_onto(items[-1][-1], r):
                items[-1].append(r)
            else:
                items.append([r])
        names = [_product_name(" ".join(r.text.strip() for r in item)) for item in items]
        names = [n for n in names if re.search(r"[^\W\d_]{2}", n)]
        if names:
            return names, [r.line for r in v.runs]
    start = None
    if v is not None:
        # The products caption's own line ("Vertragsprodukte: Marke X"), the items under it.
        start = next((i for i, l in enumerate(doc.lines) if l is v.caption.line), None)
    if start is None:
        for i, l in enumerate(doc.lines):
            t = l.text.strip()
            if len(t) < 60 and ANNEX.search(t) and not re.search(r"[。.]$", t):
                start = i
    if start is None:
        return [], []
    prods, lines, raw = [], [], ""
    head = re.split(r"[:：]", doc.lines[start].text, maxsplit=1)
    if len(head) == 2 and head[1].strip():
        prods.append(_product_name(head[1]))  # "Products: Brand X" names the range on the heading's line
        lines.append(doc.lines[start])
    formulas = [fold(f) for f in load_data("production_agreement").get("closing_formulas") or []]
    for l in doc.lines[start + 1:]:
        t = l.text.strip()
        if not t or re.fullmatch(r"(?:no\.?|nr\.?|n°|番号|번호|序号|\d{1,2}|-\s*\d+\s*-)", t, re.I):
            continue
        if ARTICLE.match(t) and not NUMBERING.match(t[:4] + " ") or any(f in fold(t) for f in formulas):
            break
        if ARTICLE.match(t) and re.search(r"[^\W\d_]{3}", t) and len(t) < 40 and not re.search(r"\d{2,}", t[3:]):
            break
        if (not NUMBERING.match(t) and len(t) > 90) or re.search(r"[。]$|\.$", t) or ALIAS.search(t):
            break
        if prods and lines and NUMBERING.match(lines[-1].text) and not NUMBERING.match(t):
            # Items numbered "(1)", "(2)" each carry their number: a line without one carries on the item
            # above, which the page's width wrapped.
            raw = _join([raw, t])
            prods[-1] = _product_name(raw)
            continue
        name, raw = _product_name(t), t
        if re.search(r"[^\W\d_]{2}", name):
            prods.append(name)
            lines.append(l)
    return prods, lines


def parse_agreement(doc: DocText) -> ProductionAgreement:
    fields = pair(doc.models, lexicon("production_agreement"))
    out = ProductionAgreement()
    country = doc.country
    parties, plines = _parties(doc, fields)
    if parties:
        seen = all([p.pop("_seen_twice") for p in parties])
        # A name read once from a text layer is what the document states; under OCR a name met only
        # once (not again in the signature block) is not enough to fail on.
        conf = 0.95 if seen else (0.9 if not doc.ocr else 0.75)
        out.parties = doc.union_fact(parties, plines[:3], conf=conf if len(parties) == 2 else 0.75)
    start = _signature_area(doc)
    signed, sconf, slines = _signatures(doc, start)
    if signed:
        out.signatures_present = doc.union_fact(True, slines, conf=sconf)
        # The marks were read word for word; the rest of their line is often the signature's own ink,
        # which OCR reads as noise: that lowers the line's confidence, not the finding's.
        out.signatures_present.confidence = sconf
    else:
        out.signatures_present = doc.fact(False, None, conf=sconf)
    sv = fields.first("signed_on")
    found = find_dates(sv.text.replace("\n", " "), country) if sv is not None else []
    dated = [(l, f) for l in doc.lines[start:] for f in find_dates(l.text, country)]
    if found:
        out.signed_on = doc.union_fact(found[0].value.isoformat(), [r.line for r in sv.runs] or [sv.caption.line],
                                       conf=found[0].confidence)
    elif dated:
        l, f = dated[0]
        out.signed_on = doc.fact(f.value.isoformat(), l, f.start, f.end, conf=f.confidence)
    else:
        pre, plines2 = _preamble(doc)
        pf = find_dates(pre, country)
        if pf and plines2:
            out.signed_on = doc.union_fact(pf[0].value.isoformat(), plines2, conf=min(0.85, pf[0].confidence))
    tf, window = _term(doc, fields, country)
    if tf:
        out.term_start = doc.union_fact(tf[0].value.isoformat(), window, conf=tf[0].confidence)
        if len(tf) > 1:
            out.term_end = doc.union_fact(tf[1].value.isoformat(), window, conf=tf[1].confidence)
    prods, lines = _products(doc, fields)
    if prods:
        out.products = doc.union_fact(prods, lines)
    return out
