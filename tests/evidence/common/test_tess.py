"""Tesseract kept loaded (tesserocr) reads what the command line reads, and pages keep their lines."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from originproof.evidence.common import tess
from originproof.evidence.common.ocr import ocr_tesseract
from originproof.samples.fonts import font_path


def _page(rows: list[str]) -> np.ndarray:
    font = ImageFont.truetype(str(font_path("latin")), 28)
    img = Image.new("L", (1000, 60 + 50 * len(rows)), 255)
    d = ImageDraw.Draw(img)
    for i, r in enumerate(rows):
        d.text((40, 30 + 50 * i), r, font=font, fill=0)
    return np.array(img)


def test_the_library_and_the_command_line_read_the_same_words_of_clean_print():
    gray = _page(["Certificate of Origin", "Exporter: Nordlicht Kosmetik GmbH", "Invoice No. RX-20260412"])
    lib, cli = tess.words(gray, "eng", kept_loaded=True), tess.words(gray, "eng")
    flat = lambda ws: [w for k in sorted(ws) for w, _b, _c in ws[k]]  # noqa: E731
    assert flat(lib) == flat(cli)
    assert "RX-20260412" in flat(lib)


def test_lines_come_out_in_reading_order_with_their_boxes():
    lines = ocr_tesseract(_page(["Exporter: Nordlicht Kosmetik GmbH", "Country of origin: Germany"]), "en")
    assert [l.text for l in lines] == ["Exporter: Nordlicht Kosmetik GmbH", "Country of origin: Germany"]
    assert lines[0].bbox[1] < lines[1].bbox[1] and all(l.confidence > 0.8 for l in lines)


def test_the_command_line_reads_the_same_words_from_the_uncompressed_file_as_from_a_png():
    import pytesseract
    from PIL import Image

    gray = _page(["Consignee: Lindqvist Handel AB", "Declaration No. 4471-0093"])
    d = pytesseract.image_to_data(Image.fromarray(gray), lang="eng", config="--psm 6",
                                  output_type=pytesseract.Output.DICT)  # pytesseract's own PNG
    assert tess._cli_data(Image.fromarray(gray), "eng", 6) == d
    rgb = Image.fromarray(gray).convert("RGB")
    assert tess._cli_data(rgb, "eng", 6) == pytesseract.image_to_data(rgb, lang="eng", config="--psm 6",
                                                                      output_type=pytesseract.Output.DICT)
