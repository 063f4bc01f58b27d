"""PP-OCR's reading, cheaper but the same: read batch by batch exactly as the recogniser batches them,
and the Latin-page check reading two heads per line (an upside-down read abandoned early:
test_orientation)."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from originproof.evidence.common import ocr as O
from originproof.samples.fonts import font_path
from tests.evidence.common.test_orientation import ROWS

LATIN = ["Customs Declaration - Annex, page 2", "Art. 2.1 The parties shall perform the obligations",
         "Art. 2.2 set out herein in good faith; reference", "Art. 2.3 Goods shall be packed for sea transport",
         "Art. 2.4 Any dispute shall be settled amicably", "Art. 2.5 This annex forms part of the declaration"]


def _page(rows: list[str], script: str = "zh", size: int = 34, height: int = 1100) -> np.ndarray:
    font = ImageFont.truetype(str(font_path(script)), size)
    img = Image.new("L", (1240, height), 255)
    d = ImageDraw.Draw(img)
    for i, r in enumerate(rows):
        d.text((80, 100 + 2 * size * i), r, font=font, fill=0)
    return np.array(img)


def _pieces(gray: np.ndarray) -> list[np.ndarray]:
    eng = O._rapidocr()
    img = np.stack([gray] * 3, axis=-1)
    crops = eng.get_crop_img_list(img, eng.auto_text_det(img)[0])
    return [c[:, x0:x1] for c in crops for x0, x1, _g in O.rec_chunks(c)]


def test_batch_by_batch_reads_what_one_call_reads():
    pieces = _pieces(_page(ROWS))[:14]
    assert len(pieces) > 12  # three batches
    eng = O._rapidocr()
    whole, _ = eng.text_rec(pieces)
    assert O._recognise(eng, pieces) == list(whole)


def test_a_latin_page_is_spotted_and_a_chinese_one_with_latin_goods_is_not():
    eng = O._rapidocr()

    def crops(gray: np.ndarray) -> list[np.ndarray]:
        img = np.stack([gray] * 3, axis=-1)
        return eng.get_crop_img_list(img, eng.auto_text_det(img)[0])
    assert O._latin_page(eng, crops(_page(LATIN, "latin", 30)))
    mixed = ROWS[:3] + ["Hadaluna 3D Moisturizing Face Mask 4 sheets", "Hadaluna Medicated UV Milk 50ml"] + ROWS[3:]
    assert not O._latin_page(eng, crops(_page(mixed)))


def test_heads_are_set_side_by_side_at_the_recognisers_height():
    heads = [np.zeros((20, 60, 3), np.uint8), np.zeros((30, 90, 3), np.uint8), np.zeros((24, 72), np.uint8)]
    strips = O._strips(heads, 2)
    assert [s.shape for s in strips] == [(O.REC_HEIGHT, 144 + O.REC_HEIGHT // 2 + 144, 3), (O.REC_HEIGHT, 144, 3)]
    assert (strips[0][:, 144:144 + O.REC_HEIGHT // 2] == 255).all()  # white between two heads
