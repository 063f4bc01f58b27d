"""Customs declarations drawn here (PyMuPDF) with the slips OCR makes on real photos: the quantity and the
origin cells read as one run ("1200件JP") still give the line its origin and quantity."""
from __future__ import annotations

from originproof.evidence.documents.layout import DocText
from originproof.evidence.documents.types.customs import parse_customs
from tests.evidence.documents.drawn import drawn_doc


def _doc(draw) -> DocText:
    return drawn_doc(draw, "KR")


def _t(page, x, y, t, size=9):
    page.insert_text((x, y), t, fontsize=size, fontname="china-s" if any(ord(c) > 0x2e80 for c in t) else "helv")


def test_quantity_and_origin_read_as_one_run():
    def draw(p):
        _t(p, 60, 60, "中华人民共和国海关进口货物报关单", 14)
        _t(p, 60, 90, "海关编号：223320260000012345")
        _t(p, 60, 110, "申报日期：20260501")
        for x, cap in ((60, "项号"), (100, "商品编号"), (180, "商品名称及规格型号"), (420, "数量及单位"), (490, "原产国(地区)")):
            _t(p, x, 150, cap)
        _t(p, 60, 170, "1"), _t(p, 100, 170, "3304990099"), _t(p, 180, 170, "Sample Night Cream 50g")
        _t(p, 420, 170, "600件KR")
        _t(p, 60, 190, "2"), _t(p, 100, 190, "3304990099"), _t(p, 180, 190, "Sample Day Lotion 100ml")
        _t(p, 420, 190, "480件KR")
    c = parse_customs(_doc(draw))
    lines = c.lines.value
    assert [(l["hs_code"], l["quantity"], l["origin_country"]) for l in lines] == [
        ("3304990099", "600件", "KR"), ("3304990099", "480件", "KR")]
    assert lines[0]["goods_name"] == "Sample Night Cream 50g"


def test_a_credit_code_glued_to_the_consignees_name_is_split_off():
    from originproof.samples.ids import make_uscc
    import random
    uscc = make_uscc(random.Random(3))

    def draw(p):
        _t(p, 60, 60, "中华人民共和国海关进口货物报关单", 14)
        _t(p, 60, 100, "境内收货人")
        _t(p, 60, 120, f"{uscc}示例国际贸易有限公司")
    c = parse_customs(_doc(draw))
    assert c.get("consignee") == "示例国际贸易有限公司" and c.get("consignee_uscc") == uscc
