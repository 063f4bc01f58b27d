"""A read document as lines with positions, and the label → value lookups every field reader shares."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from originproof.evidence.common.ocr import OcrLine
from originproof.facts.base import At, Fact




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
    models: list[Any] = field(default_factory=list)  # evidence.layout PageModel per page, in page order
    # Reads the runs again with the other OCR engine and says whether it finds the value (scanned pages).
    confirm: Callable[[list[Any], str, Callable[[str], list[str]] | None], bool] | None = None

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
        c = line.confidence if conf is None else min(conf, line.confidence)
        return Fact(value=value, confidence=round(float(c), 3), at=self.at(line, start, end))

    def union_fact(self, value: Any, lines: list[OcrLine], conf: float | None = None) -> Fact:
        if not lines:
            return Fact(value=value, confidence=conf or 0.9)
        page = lines[0].page
        ls = [l for l in lines if l.page == page]
        bbox = [min(l.bbox[0] for l in ls), min(l.bbox[1] for l in ls), max(l.bbox[2] for l in ls),
                max(l.bbox[3] for l in ls)]
        c = min(l.confidence for l in lines)
        if conf is not None:
            c = min(c, conf)
        return Fact(value=value, confidence=round(float(c), 3),
                    at=At(file=self.file_of(page), page=page, bbox=[round(v, 1) for v in bbox]))
