"""Doubtful lines read again, enlarged, on one stacked canvas: which reading stands and where its boxes go."""
from __future__ import annotations

import numpy as np

from originproof.evidence.common import reread as R
from originproof.evidence.common.ocr import OcrLine


def _page() -> tuple[np.ndarray, list[OcrLine]]:
    img = np.full((400, 600), 255, np.uint8)
    lines = [OcrLine("Body text read well", [20, 20, 300, 44], 0.95, 1, []),
             OcrLine("sasnva", [20, 100, 140, 120], 0.40, 1, [("sasnva", [20, 100, 140, 120])]),
             OcrLine("Exporter", [20, 200, 160, 220], 0.60, 1, [("Exporter", [20, 200, 160, 220])])]
    return img, lines


def test_only_doubtful_lines_are_read_again_and_a_more_confident_reading_replaces_one(monkeypatch):
    img, lines = _page()
    seen = {}

    def fake(canvas, lang, page, psm=6):
        seen["shape"] = canvas.shape
        # The first cut (the 'sasnva' line) sits at the top of the canvas, enlarged twice.
        top = R.GAP
        box = [R.GAP + 8, top + 8, R.GAP + 200, top + 40]
        second = top + (120 + R.PAD - (100 - R.PAD)) * 2 + R.GAP
        return [OcrLine("有効期限", box, 0.90, page, [("有効期限", box)]),
                OcrLine("Exp", [R.GAP, second + 4, R.GAP + 60, second + 30], 0.95, page, [])]
    monkeypatch.setattr(R, "ocr_tesseract", fake)
    out = R.reread_doubtful(img, lines, "ja")
    assert out[0] is lines[0]  # confident: never read again
    assert out[1].text == "有効期限" and out[1].confidence == 0.9
    x0, y0 = 20 - R.PAD, 100 - R.PAD  # the enlarged box maps back onto the page
    assert out[1].bbox == [x0 + 4, y0 + 4, x0 + 100, y0 + 20]
    assert out[2] is lines[2]  # 'Exp' keeps too few of 'Exporter''s characters: the first reading stands
    assert seen["shape"][1] > 2 * 140  # one canvas, cuts enlarged


def test_a_less_confident_second_reading_leaves_the_line_as_it_was(monkeypatch):
    img, lines = _page()
    monkeypatch.setattr(R, "ocr_tesseract", lambda canvas, lang, page, psm=6: [
        OcrLine("Sasnvb", [R.GAP, R.GAP, R.GAP + 100, R.GAP + 30], 0.42, page, [])])
    assert R.reread_doubtful(img, lines, "ja")[1] is lines[1]


def test_pages_read_by_pp_ocr_are_left_alone(monkeypatch):
    img, lines = _page()
    monkeypatch.setattr(R, "ocr_tesseract", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read")))
    assert R.reread_doubtful(img, lines, "zh") == lines
