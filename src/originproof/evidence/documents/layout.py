"""A read document as lines with positions, and the label → value lookups every field reader shares."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from originproof.evidence.common.labels import LABELS
from originproof.evidence.common.ocr import OcrLine
from originproof.facts.base import At, Fact

SEP_RE = re.compile(r"^[\s:：.\-–—=|]*")


def norm(t: str) -> str:
    """Width/case-folded text with spaces removed, keeping an index map back to the original."""
    return "".join(_norm_chars(t)[0])


def _norm_chars(t: str) -> tuple[list[str], list[int]]:
    chars, idx = [], []
    for i, ch in enumerate(t):
        n = unicodedata.normalize("NFKC", ch).casefold()
        for c in n:
            if c.isspace():
                continue
            chars.append(c)
            idx.append(i)
    return chars, idx


@dataclass
class DocText:
    lines: list[OcrLine]
    files: list[str]  # manifest path per page-file
    page_files: dict[int, str] = field(default_factory=dict)  # page number -> file
    ocr: bool = False
    country: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(l.text for l in self.lines)

    def file_of(self, page: int) -> str | None:
        return self.page_files.get(page, self.files[0] if self.files else None)

    def at(self, line: OcrLine, start: int = 0, end: int | None = None) -> At:
        end = len(line.text) if end is None else end
        return At(file=self.file_of(line.page), page=line.page, bbox=[round(v, 1) for v in line.span_bbox(start, end)])

    def fact(self, value: Any, line: OcrLine | None, start: int = 0, end: int | None = None,
             conf: float | None = None) -> Fact:
        if line is None:
            return Fact(value=value, confidence=conf if conf is not None else 0.9, at=None)
        c = line.confidence if conf is None else min(conf, line.confidence if self.ocr else 1.0)
        return Fact(value=value, confidence=round(float(c), 3), at=self.at(line, start, end))

    def union_fact(self, value: Any, lines: list[OcrLine], conf: float | None = None) -> Fact:
        if not lines:
            return Fact(value=value, confidence=conf or 0.9)
        page = lines[0].page
        ls = [l for l in lines if l.page == page]
        bbox = [min(l.bbox[0] for l in ls), min(l.bbox[1] for l in ls), max(l.bbox[2] for l in ls),
                max(l.bbox[3] for l in ls)]
        c = min(l.confidence for l in lines) if self.ocr else 1.0
        if conf is not None:
            c = min(c, conf)
        return Fact(value=value, confidence=round(float(c), 3),
                    at=At(file=self.file_of(page), page=page, bbox=[round(v, 1) for v in bbox]))


@dataclass
class Hit:
    line_index: int
    line: OcrLine
    value: str
    start: int  # value's span in line.text
    end: int


def _find_label(text: str, label: str) -> tuple[int, int] | None:
    """Span in `text` of `label`, comparing folded forms (spaces, width and case ignored)."""
    chars, idx = _norm_chars(text)
    nl = norm(label)
    if not nl:
        return None
    s = "".join(chars)
    pos = s.find(nl)
    while pos >= 0:
        # A Latin label must not sit inside a longer word ("term" in "determined").
        ok = True
        if nl[0].isascii() and nl[0].isalpha() and pos > 0 and s[pos - 1].isascii() and s[pos - 1].isalpha():
            ok = False
        if ok:
            return idx[pos], idx[pos + len(nl) - 1] + 1
        pos = s.find(nl, pos + 1)
    return None


def find_field(doc: DocText, key: str, *, start_line: int = 0, stop: int | None = None,
               value_next_line: bool = True, labels: list[str] | None = None) -> Hit | None:
    """First line carrying one of the labels of `key`; the value is what follows the label
    (after separators) or, when nothing follows, the next line."""
    labs = sorted(labels or LABELS[key], key=lambda l: len(norm(l)), reverse=True)
    end = len(doc.lines) if stop is None else min(stop, len(doc.lines))
    for i in range(start_line, end):
        line = doc.lines[i]
        for lab in labs:
            sp = _find_label(line.text, lab)
            if sp is None:
                continue
            # The label should open the line or follow a field number ("3. Producer").
            head = line.text[:sp[0]]
            if not re.fullmatch(r"[\s\dlI|.,()\-:;'`]*(?:[A-Za-z]\.)?\s*", head):
                continue
            rest = line.text[sp[1]:]
            # A label's own continuation ("Invoice No. and date") is part of the label.
            m = re.match(r"^[^:：]{0,30}[:：]", rest) if ":" in rest or "：" in rest else None
            skip = m.end() if m and len(rest[:m.end()].split()) <= 5 else 0
            if not skip:
                skip = SEP_RE.match(rest).end()
            vs = sp[1] + skip
            value = line.text[vs:].strip()
            if value:
                return Hit(i, line, value, vs, vs + len(line.text[vs:].rstrip()))
            if value_next_line and i + 1 < len(doc.lines):
                nxt = doc.lines[i + 1]
                return Hit(i + 1, nxt, nxt.text.strip(), 0, len(nxt.text))
    return None


LEGAL_FORM_RE = re.compile(
    r"(株式会社|有限会社|合同会社|주식회사|유한회사|有限公司|"
    r"\bCo\.,?\s*Ltd\.?|\bCompany Limited\b|\bPty\.?\s*Ltd\.?|\bLtd\.?|\bLimited\b|\bInc\.?|\bLLC\b|\bCorp(?:oration|\.)?|"
    r"\bGmbH(?:\s*&\s*Co\.\s*KG)?|\bAG\b|\bS\.?A\.?S\.?\b|\bSARL\b|\bS\.?A\.?\b|\bS\.r\.l\.|\bS\.p\.A\.|\bB\.V\.|\bPLC\b)",
    re.I)


def split_name_address(value: str) -> tuple[str, str]:
    """'Towa Cosme Co., Ltd., 静岡県…' → ('Towa Cosme Co., Ltd.', '静岡県…')."""
    v = value.strip()
    last = None
    for m in LEGAL_FORM_RE.finditer(v):
        if m.start() < 80:
            last = m
    if last is not None:
        name, rest = v[:last.end()], v[last.end():]
        if not rest.strip(" ,;") or re.match(r"^\s*[,;]", rest):
            return name.strip(" ,;"), rest.strip(" ,;")
    if "," in v:
        a, b = v.split(",", 1)
        return a.strip(), b.strip()
    return v, ""
