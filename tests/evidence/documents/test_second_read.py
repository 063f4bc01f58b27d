"""A doubtful OCR value is read again by the other engine in its own box: found the same, it counts;
never a short value, never a different one."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from originproof.evidence.common.ocr import OcrLine
from originproof.evidence.documents import reader as R
from originproof.evidence.documents.layout import DocText
from originproof.evidence.documents.types.common import CONFIRMED, date_fact, fact, runs_confidence
from originproof.evidence.layout.model import Run
from originproof.evidence.layout.pairing import Value
from originproof.samples.fonts import font_path


def _doc(confirm_answer: bool, calls: list) -> DocText:
    def confirm(runs, value, reread):
        calls.append(value)
        return confirm_answer
    return DocText(lines=[], files=["f.jpg"], ocr=True, confirm=confirm)


def _doubtful_value(text: str) -> Value:
    line = OcrLine(text, [40, 100, 300, 114], 0.4, 1)
    return Value("x", Run(text, [40, 100, 300, 114], line, 0, len(text), 1, 0.4), [])


def test_a_doubtful_value_confirmed_by_the_other_engine_counts_and_a_refuted_one_stays_doubtful():
    calls: list = []
    v = Value("certificate_number", _doubtful_value("No.").caption, [_doubtful_value("CO 1234567").caption])
    assert fact(_doc(True, calls), v, "CO1234567").confidence == CONFIRMED
    assert fact(_doc(False, calls), v, "CO1234567").confidence == 0.4
    # A value held below the bar for another reason (an ambiguous date, say) is not worth a second read.
    calls.clear()
    assert fact(_doc(True, calls), v, "CO1234567", conf=0.7).confidence == 0.4 and not calls


def _page_with(text: str, size: int = 30) -> tuple[R._Page, Run]:
    font = ImageFont.truetype(str(font_path("latin")), size)
    img = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(img).text((30, 40), text, font=font, fill=0)
    gray = np.array(img)
    page = R._Page(1, "f.png", gray=gray)
    page._upright, page.lang = gray, "en"  # type: ignore[attr-defined]
    x1 = 30 + font.getlength(text)
    line = OcrLine(text, [30, 40, x1, 40 + size], 0.3, 1)
    return page, Run(text, [30.0, 40.0, x1, 40.0 + size], line, 0, len(text), 1, 0.3)


def test_the_other_engine_reads_the_box_again():
    page, run = _page_with("Certificate No. KX 40718263")
    assert R._confirmed({1: page}, [run], "KX40718263")
    assert not R._confirmed({1: page}, [run], "KX40718268")  # one digit off: not the same value
    assert not R._confirmed({1: page}, [run], "No")  # too short to prove anything


def test_a_date_is_confirmed_by_its_meaning_not_its_spelling():
    page, run = _page_with("Date of issue: 14 May 2026")
    doc = DocText(lines=[run.line], files=["f.png"], ocr=True,
                  confirm=lambda runs, value, reread: R._confirmed({1: page}, runs, value, reread))
    v = Value("issue_date", run, inline="14 May 2026")
    f = date_fact(doc, v, "GB")
    assert f is not None and f.value == "2026-05-14" and f.confidence == CONFIRMED


def test_a_table_is_as_sure_as_its_least_sure_cell_after_doubtful_cells_are_read_again():
    cells = [_doubtful_value("Night Cream 50g").caption, _doubtful_value("3,960 PCS").caption]
    cells[1].confidence = 0.95
    asked: list = []
    doc = DocText(lines=[], files=["f.jpg"], ocr=True,
                  confirm=lambda runs, value, reread: asked.append(value) or value.startswith("Night"))
    assert runs_confidence(doc, cells) == CONFIRMED and asked == ["Night Cream 50g"]  # the sure cell is not re-read
    doc.confirm = lambda runs, value, reread: False
    assert runs_confidence(doc, cells) == 0.4
