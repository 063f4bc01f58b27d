"""A page handed over upside down is read the right way up — also by PP-OCR, whose read of upside-down
Chinese is confident garbage rather than unsure garbage."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from originproof.evidence.common.ocr import MIN_UPRIGHT_QUALITY, ocr_upright, quality
from originproof.samples.fonts import font_path

ROWS = ["中华人民共和国海关进口货物报关单", "境内收货人 上海澄源国际贸易有限公司", "申报日期 20260424 监管方式 一般贸易",
        "商品名称 保湿面膜 数量 1200件 原产国 日本", "境外发货人 东和化妆品制造株式会社"]


def _page() -> np.ndarray:
    font = ImageFont.truetype(str(font_path("zh")), 34)
    img = Image.new("L", (1240, 1000), 255)
    d = ImageDraw.Draw(img)
    for i, r in enumerate(ROWS):
        d.text((80, 120 + 120 * i), r, font=font, fill=0)
    return np.array(img)


def test_an_upside_down_chinese_page_is_turned_over():
    lines, *_ = ocr_upright(np.ascontiguousarray(_page()[::-1, ::-1]), "zh")
    text = "".join(l.text for l in lines)
    assert "报关单" in text and "上海澄源国际贸易有限公司" in text
    assert quality(lines) >= MIN_UPRIGHT_QUALITY["rapid"]
