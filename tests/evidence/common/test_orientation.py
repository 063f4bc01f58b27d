"""A page handed over upside down is read the right way up — also by PP-OCR, whose read of upside-down
Chinese is confident garbage rather than unsure garbage. The upside-down read is abandoned after its
first batches, not read to the end."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from originproof.evidence.common import ocr as O
from originproof.samples.fonts import font_path

ROWS = ["中华人民共和国海关进口货物报关单", "境内收货人 上海澄源国际贸易有限公司", "申报日期 20260424 监管方式 一般贸易",
        "商品名称 保湿面膜 数量 1200件 原产国 日本", "境外发货人 东和化妆品制造株式会社", "运输方式 水路运输 提运单号 COSU4963",
        "合同协议号 INV-202603-1468 贸易国 日本", "项号 商品编号 商品名称及规格型号 数量及单位"]


def _page() -> np.ndarray:
    font = ImageFont.truetype(str(font_path("zh")), 34)
    img = Image.new("L", (1240, 1100), 255)
    d = ImageDraw.Draw(img)
    for i, r in enumerate(ROWS):
        d.text((80, 100 + 68 * i), r, font=font, fill=0)
    return np.array(img)


def test_an_upside_down_chinese_page_is_turned_over_after_giving_up_its_first_read(monkeypatch):
    flipped = np.ascontiguousarray(_page()[::-1, ::-1])
    with pytest.raises(O.GarbledRead) as e:
        O.ocr_image(flipped, "zh", give_up_below=0.8)
    assert e.value.quality < 0.8
    given_up: list[float] = []
    recognise = O._recognise

    def spy(eng, pieces, give_up_below=None):
        try:
            return recognise(eng, pieces, give_up_below)
        except O.GarbledRead as g:
            given_up.append(g.quality)
            raise
    monkeypatch.setattr(O, "_recognise", spy)
    lines, _img, angle, *_ = O.ocr_upright(flipped, "zh")
    assert len(given_up) == 1 and round(angle) % 360 == 180
    text = "".join(l.text for l in lines)
    assert "报关单" in text and "上海澄源国际贸易有限公司" in text and "COSU4963" in text
    assert O.quality(lines) >= O.MIN_UPRIGHT_QUALITY["rapid"]
