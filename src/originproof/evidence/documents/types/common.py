"""What every document type does with a paired value: validate it by its kind, and make it a fact
that points at the runs it was read from. A value that fails validation is not a value."""
from __future__ import annotations

import re
from typing import Any, Callable

from originproof.evidence.documents.layout import DocText
from originproof.evidence.layout.captions import Lexicon, is_caption, near_caption
from originproof.evidence.layout.model import Run
from originproof.evidence.layout.pairing import Value
from originproof.facts.base import At, Fact
from originproof.text.dates import FoundDate, find_dates

# A confident OCR read still loses this much when a value could not be cross-checked.
UNCHECKED = 0.9
# A value found under a garbled caption (known by its place and a near spelling): usable, but the
# first to give way when another source disagrees.
FUZZY_CAPTION = 0.82
# A doubtful OCR value (below the policy's default bar for a pass) is read again by the other engine;
# when both find the same letters and digits it is as good as a clean read of one engine.
CONFIRM_BELOW = 0.80
CONFIRMED = 0.90

LEGAL_FORM_RE = re.compile(
    r"(株式会社|有限会社|合同会社|주식회사|유한회사|有限公司|"
    r"\bCo\.,?\s*Ltd\.?|\bCompany Limited\b|\bPty\.?\s*Ltd\.?|\bLtd\.?|\bLimited\b|\bInc\.?|\bLLC\b|\bCorp(?:oration|\.)?|"
    r"\bGmbH(?:\s*&\s*Co\.\s*KG)?|\bAG\b|\bS\.?A\.?S\.?\b|\bSARL\b|\bS\.?A\.?\b|\bS\.r\.l\.|\bS\.p\.A\.|\bB\.V\.|\bPLC\b)",
    re.I)


def runs_at(doc: DocText, runs: list[Run]) -> At | None:
    """One pointer for the runs of a value (their page's boxes, now in page coordinates)."""
    if not runs:
        return None
    page = runs[0].page
    boxes = [r.line.span_bbox(r.start, r.end) for r in runs if r.page == page]
    return At(file=doc.file_of(page), page=page,
              bbox=[round(min(b[0] for b in boxes), 1), round(min(b[1] for b in boxes), 1),
                    round(max(b[2] for b in boxes), 1), round(max(b[3] for b in boxes), 1)])


def value_runs(v: Value) -> list[Run]:
    """The runs a value was read from (the caption's own run holds an inline value)."""
    return ([v.caption] if v.inline else []) + v.runs or [v.caption]


def fact(doc: DocText, v: Value | None, value: Any, conf: float | None = None, runs: list[Run] | None = None,
         reread: Callable[[str], list[str]] | None = None) -> Fact | None:
    """A fact read from value `v`: its runs' confidence (the OCR's; on a text layer 1.0 unless the layer
    lacks characters), capped by `conf` and by a caption found by near spelling.

    A doubtful OCR read is read again by the other engine: `reread` turns that text into the values it
    holds (dates, say), else the value's letters and digits must be found in it; a value of several runs
    (a table) is confirmed run by run."""
    if v is None or value in (None, "", []):
        return None
    rs = runs if runs is not None else value_runs(v)
    cap = min(conf if conf is not None else 1.0, FUZZY_CAPTION if v.fuzzy else 1.0)
    ocr_c = min((r.confidence for r in rs), default=1.0)
    if doc.ocr and ocr_c < CONFIRM_BELOW <= cap:
        if not isinstance(value, str):
            ocr_c = runs_confidence(doc, rs)
        elif doc.confirm is not None and doc.confirm(rs, value, reread):
            ocr_c = CONFIRMED  # a second engine read the same value in the same box
    return Fact(value=value, confidence=round(float(min(ocr_c, cap)), 3), at=runs_at(doc, rs))


def runs_confidence(doc: DocText, runs: list[Run]) -> float:
    """The OCR confidence of a value read from several runs (a table's cells): the least sure run's,
    after each doubtful run has been read again by the other engine and, found the same, confirmed."""
    if not doc.ocr:
        return min((r.confidence for r in runs), default=1.0)
    cs = [CONFIRMED if r.confidence < CONFIRM_BELOW and doc.confirm is not None and doc.confirm([r], r.text, None)
          else r.confidence for r in runs]
    return min(cs, default=1.0)


def run_fact(doc: DocText, run: Run, value: Any, conf: float | None = None) -> Fact:
    c = run.confidence  # 1.0 on a text layer unless it lacks characters
    if conf is not None:
        c = min(c, conf)
    return Fact(value=value, confidence=round(float(c), 3), at=runs_at(doc, [run]))


# ----------------------------------------------------------------------------- validators
def looks_like_name(text: str, lex: Lexicon | None = None) -> bool:
    """An entity name: letters (any script), not a caption, not a number or a date, not a sentence."""
    t = (text or "").strip()
    if len(t) < 2 or len(t) > 160:
        return False
    letters = sum(ch.isalpha() for ch in t)
    if letters < 2 or letters < 0.4 * len(re.sub(r"\s", "", t)):
        return False
    if lex is not None and (is_caption(t, lex) or near_caption(t, lex)):
        return False
    return not find_dates(t)


def name_of(text: str) -> str:
    """The entity name at the head of a party value: 'X Co., Ltd., 1 Main St …' → 'X Co., Ltd.'. A name
    wrapped onto a second line ('Southern Cross Pharma' / 'Manufacturing Pty Ltd') is joined back."""
    lines = [l.strip() for l in text.strip().split("\n") if l.strip()]
    v = lines[0] if lines else ""
    if len(lines) > 1 and not LEGAL_FORM_RE.search(v) and LEGAL_FORM_RE.search(lines[1]) \
            and not re.search(r"\d", lines[1]) and len(v) + len(lines[1]) < 100:
        v = f"{v} {lines[1]}"
    last = None
    for m in LEGAL_FORM_RE.finditer(v):
        if m.start() < 100:
            last = m
    if last is not None:
        rest = v[last.end():]
        # What follows the legal form is no part of the name: an address after a comma, the next cell past
        # a rule OCR read as a dash or bar, or a code printed beside it ("上海…有限公司 91310115…").
        if not rest.strip(" ,;") or re.match(r"^\s*[,;|—–]", rest) \
                or re.match(r"^\s+[A-Z]{0,3}\s?[0-9][0-9A-Z\-]{7,}\b", rest):
            return v[:last.end()].strip(" ,;")
    return v.strip(" ,;")


NUMBER_PREFIX = re.compile(r"^(?:(?:no|nr|n°|n º|nº|num|number)\.?\s*[:：]?\s*)+", re.I)


def number_of(text: str) -> str | None:
    """A document number: the first token-like chunk, without a repeated 'No.' and with OCR's
    spaces inside 'CO 123' closed up; None when nothing number-like is there."""
    t = NUMBER_PREFIX.sub("", (text or "").strip().split("\n")[0]).strip()
    chunk = re.split(r"\s{2,}", t)[0]
    m = re.match(r"[第제]?\s*[A-Za-z0-9][A-Za-z0-9\-/.]*(?:\s[A-Za-z0-9\-/.]+){0,3}\s*[号호]?", chunk)
    if not m or not re.search(r"\d", m.group(0)):
        return None
    val = m.group(0).strip(" .")
    # Words after the number ("No. 123 issued …") are not part of it; letter/digit groups are.
    parts = val.split(" ")
    keep = [parts[0]]
    for p in parts[1:]:
        if re.search(r"\d", p) or re.fullmatch(r"[A-Z]{1,4}|[号호]", p):
            keep.append(p)
        else:
            break
    return " ".join(keep)


def dates_in(v: Value | None, country: str | None) -> list[FoundDate]:
    return find_dates(v.text.replace("\n", " "), country) if v is not None else []


def date_fact(doc: DocText, v: Value | None, country: str | None, index: int = 0) -> Fact | None:
    found = dates_in(v, country)
    if len(found) <= index:
        return None
    f = found[index]
    return fact(doc, v, f.value.isoformat(), conf=f.confidence,
                reread=lambda text: [d.value.isoformat() for d in find_dates(text, country)])
