"""A PDF text layer that lacks characters (glyphs mapped to nothing) is no confident read."""
from __future__ import annotations

from originproof.evidence.common.ocr import DAMAGED_TEXT, pdf_text_lines


class _Page:
    """What PyMuPDF gives for a line whose font maps two glyphs to NUL: the words split there."""

    def __init__(self, lines: list[list[str]], raw: list[str]):
        self.lines, self.raw = lines, raw

    def get_textpage(self, flags=None):
        return self

    def get_text(self, kind, textpage=None):
        assert textpage is self  # one extraction for words, text and characters
        if kind == "words":
            return [(10 + 60 * k, 10 + 20 * b, 60 + 60 * k, 20 + 20 * b, w, b, 0, k)
                    for b, ws in enumerate(self.lines) for k, w in enumerate(ws)]
        if kind == "text":
            return "\n".join(self.raw)
        assert kind == "rawdict"
        return {"blocks": [{"lines": [{"spans": [{"chars": [{"c": ch} for ch in t]}]}]} for t in self.raw]}


def test_a_line_with_unmapped_glyphs_is_doubtful_and_the_others_are_not():
    page = _Page([["Consignee:", "上海澄源国", "易有限公司"], ["Invoice", "INV-2026-77"]],
                 ["Consignee: 上海澄源国\x00\x00易有限公司", "Invoice INV-2026-77"])
    damaged, clean = pdf_text_lines([page], 0)
    assert damaged.confidence == DAMAGED_TEXT and clean.confidence == 1.0


def test_a_clean_page_is_not_looked_at_character_by_character():
    page = _Page([["Invoice", "INV-2026-77"]], ["Invoice INV-2026-77"])
    page.get_text = (lambda kind, textpage=None, _g=page.get_text: _g(kind, textpage)  # type: ignore
                     if kind != "rawdict" else 1 / 0)
    [line] = pdf_text_lines([page], 0)
    assert line.confidence == 1.0
