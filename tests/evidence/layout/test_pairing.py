"""Caption ↔ value pairing by geometry, on small pages drawn here (PyMuPDF): each layout convention
of real forms once — boxed cells, grids, label-left rows, header cells, blank cells, tables."""
from __future__ import annotations

import pymupdf
import pytest

from originproof.evidence.common.ocr import pdf_text_lines
from originproof.evidence.layout.captions import lexicon, match
from originproof.evidence.layout.model import build, pdf_segments
from originproof.evidence.layout.pairing import pair, read_table


def _page(draw) -> list:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    draw(page)
    data = doc.tobytes()
    doc = pymupdf.open(stream=data, filetype="pdf")
    lines = pdf_text_lines(doc, 0)
    return [build(1, lines, pdf_segments(doc[0]), 595, 842)]


def _box(page, x0, y0, x1, y1):
    page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=(0, 0, 0), width=0.8)


def _text(page, x, y, t, size=9):
    page.insert_text((x, y), t, fontsize=size, fontname="helv")


def _cjk(page, x, y, t, size=9):
    page.insert_text((x, y), t, fontsize=size, fontname="china-s")


def test_boxed_form_value_below_caption_over_several_lines():
    def draw(p):
        _box(p, 40, 40, 300, 130)
        _text(p, 44, 52, "1. Exporter (Name, address, country)", 7)
        _text(p, 50, 70, "Acme Widgets GmbH")
        _text(p, 50, 82, "Hafenstrasse 1, 20095 Hamburg")
        _text(p, 50, 94, "GERMANY")
        _box(p, 300, 40, 560, 130)
        _text(p, 304, 52, "4. Country of destination", 7)
        _text(p, 310, 70, "CHINA")
    f = pair(_page(draw), lexicon("certificate_of_origin"))
    exp = f.first("exporter")
    assert exp is not None and exp.lines == ["Acme Widgets GmbH", "Hafenstrasse 1, 20095 Hamburg", "GERMANY"]
    # The neighbouring box's value never leaks into this one.
    assert "CHINA" not in exp.text


def test_blank_cell_gives_a_blank_value_not_the_next_caption():
    def draw(p):
        for i, cap in enumerate(["Remarks", "Transport details"]):
            _box(p, 40, 40 + 60 * i, 400, 100 + 60 * i)
            _text(p, 44, 52 + 60 * i, f"{5 + i}. {cap}", 7)
        _text(p, 50, 132, "By sea")
    f = pair(_page(draw), lexicon("certificate_of_origin"))
    assert f.first("remarks", nonblank=False).blank
    assert f.first("transport").text == "By sea"


def test_label_left_ruled_table_value_in_the_next_cell():
    def draw(p):
        rows = [("Registration Number:", "12345678901"), ("Facility Name:", "Northwind Foods LLC"),
                ("Valid until:", "March 3, 2028")]
        for i, (cap, val) in enumerate(rows):
            _box(p, 40, 100 + 20 * i, 200, 120 + 20 * i)
            _box(p, 200, 100 + 20 * i, 560, 120 + 20 * i)
            _text(p, 44, 113 + 20 * i, cap)
            _text(p, 204, 113 + 20 * i, val)
    f = pair(_page(draw), lexicon("factory_licence"))
    assert f.first("licence_number").text == "12345678901"
    assert f.first("holder").text == "Northwind Foods LLC"
    assert f.first("expiry_date").text == "March 3, 2028"


@pytest.mark.parametrize("cells,fuzzy", [
    ([("Nummer", "licence_number", "GMP-1234"), ("Ablaufdatum", "expiry_date", "19. Dezember 2027")], False),
    # OCR misread one caption of the header row: its row-mates are captions and a value sits in the cell
    # under it, so it is a caption by its place, and its near spelling says which.
    ([("Licence Nunber", "licence_number", "AB-2024-0042"), ("Date of issue", "issue_date", "16 May 2024")], True),
])
def test_header_cells_over_value_cells(cells, fuzzy):
    def draw(p):
        for j, (cap, _field, val) in enumerate(cells):
            _box(p, 40 + 200 * j, 100, 240 + 200 * j, 116)
            _box(p, 40 + 200 * j, 116, 240 + 200 * j, 140)
            _text(p, 44 + 200 * j, 111, cap, 7)
            _text(p, 44 + 200 * j, 132, val, 10)
    f = pair(_page(draw), lexicon("factory_licence"))
    assert [f.first(field).text for _c, field, _v in cells] == [v for *_x, v in cells]
    assert f.first(cells[0][1]).fuzzy is fuzzy


def test_grid_with_captions_above_values_and_a_blank_cell():
    def draw(p):
        cells = [("境内收货人", "成都示例贸易有限公司"), ("申报日期", "20260509"), ("备案号", "")]
        for j, (cap, val) in enumerate(cells):
            _box(p, 40 + 170 * j, 100, 210 + 170 * j, 140)
            _cjk(p, 44 + 170 * j, 110, cap, 7)
            if val:
                _cjk(p, 44 + 170 * j, 130, val)
    f = pair(_page(draw), lexicon("customs_declaration"))
    assert f.first("consignee").text == "成都示例贸易有限公司"
    assert f.first("declared_on").text == "20260509"
    assert f.first("record_number", nonblank=False).blank


def test_unruled_caption_colon_and_dotted_leaders():
    def draw(p):
        _text(p, 40, 100, "Licence number . . . . . . . . . .   AB-99-1234")
        _text(p, 40, 120, "Holder: Example Labs Pty Ltd")
    f = pair(_page(draw), lexicon("factory_licence"))
    assert f.first("licence_number").text == "AB-99-1234"
    assert f.first("holder").text == "Example Labs Pty Ltd"


def test_bilingual_caption_is_one_caption():
    lex = lexicon("certificate_of_origin")
    m = match("1. Absender / Consignor", lex)
    assert m is not None and m.field.name == "exporter" and m.rest == ""
    m = match("Ursprungsland / Country of origin: DEUTSCHLAND", lex)
    assert m is not None and m.field.name == "origin_country" and m.rest == "DEUTSCHLAND"


def test_short_captions_only_before_a_value_of_their_kind():
    lex = lexicon("certificate_of_origin")
    assert match("No. 7052913", lex).field.name == "certificate_number"
    assert match("No. 500 Harbour Road, Pudong", lex) is None  # an address line, not a caption
    assert match("Date 14 May 2026", lex).field.name == "issue_date"
    assert match("Date of the shipment unknown", lex) is None


def test_caption_word_ends_in_the_printed_text():
    lex = lexicon("certificate_of_origin")
    assert match("ORIGINAL", lex) is None  # not "Origin"
    m = match("Producer's name and address (if known)", lex)
    assert m is not None and m.field.name == "producer" and m.rest == ""


@pytest.mark.parametrize("rows", [2, 3])
def test_table_rows_follow_the_key_column(rows):
    def draw(p):
        for x, cap in [(40, "项号"), (80, "商品编号"), (200, "商品名称及规格型号"), (420, "原产国（地区）")]:
            _cjk(p, x, 100, cap, 7)
        for i in range(rows):
            y = 120 + 30 * i
            _cjk(p, 40, y, str(i + 1))
            _cjk(p, 80, y, f"330499009{i}")
            _cjk(p, 200, y, f"面霜 {i + 1}")
            _cjk(p, 200, y + 11, "品牌:示例|50ml")  # the spec line hangs under the name
            _cjk(p, 420, y, "日本")
    models = _page(draw)
    f = pair(models, lexicon("customs_declaration"))
    t = read_table(models, f, ["item", "hs_code", "goods_name", "origin"], "item",
                   key_ok=lambda s: s.strip().isdigit())
    assert t is not None and len(t.rows) == rows
    assert [t.text(r, "hs_code") for r in t.rows] == [f"330499009{i}" for i in range(rows)]
    assert all("品牌" in t.text(r, "goods_name") for r in t.rows)


@pytest.mark.parametrize("caption,hint_at", [
    ("3. Producer", (44, 61)),                    # the hint on its own line under the caption
    ("Producer's name and address", (200, 52)),   # the hint set apart on the caption's row
])
def test_a_captions_hint_is_no_value(caption, hint_at):
    def draw(p):
        _box(p, 40, 40, 300, 130)
        _text(p, 44, 52, caption, 7)
        _text(p, *hint_at, "(if known)", 7)
        _text(p, 50, 80, "Example Works Co., Ltd.")
        _box(p, 300, 40, 560, 130)
        _text(p, 304, 52, "2. Consignee", 7)
        _text(p, 304, 61, "(Name, address, country)", 7)
    f = pair(_page(draw), lexicon("certificate_of_origin"))
    assert f.first("producer").text == "Example Works Co., Ltd."
    assert f.first("consignee") is None  # a blank box, not its own hint


def test_a_bracketed_value_is_still_a_value():
    from originproof.evidence.layout.captions import is_hint
    lex = lexicon("certificate_of_origin")
    assert is_hint("(if known)", lex) and is_hint("(Name, address, country)", lex)
    assert not is_hint("(Example Works Co., Ltd.)", lex) and not is_hint("(see invoice INV-1)", lex)


def test_a_caption_cut_at_wide_word_gaps_is_one_caption_again():
    def draw(p):
        _box(p, 40, 40, 300, 100)
        _text(p, 44, 52, "No.", 7)
        _text(p, 80, 52, "and date of", 7)
        _text(p, 132, 52, "invoice", 7)
        _text(p, 50, 75, "INV-2026-0042 2026-04-01")
        _box(p, 300, 40, 560, 100)
        _text(p, 304, 52, "Certificate No.", 7)
        _text(p, 310, 75, "EX-123456")
    f = pair(_page(draw), lexicon("certificate_of_origin"))
    assert f.first("invoice").text.startswith("INV-2026-0042")
    assert f.first("certificate_number").text == "EX-123456"


def test_a_ruled_table_header_of_small_captions_over_a_padded_body():
    # The header captions are small and their cells tall; the body's first row sits well below them,
    # farther than a few caption heights, but right under the header's bottom rule.
    def draw(p):
        cols = [(40, 80, "Item"), (80, 330, "Description of goods"), (330, 420, "HS code"), (420, 560, "Quantity")]
        for x0, x1, cap in cols:
            _box(p, x0, 100, x1, 130)
            _text(p, x0 + 3, 108, cap, 5)
            _box(p, x0, 130, x1, 300)
        for i, (desc, hs) in enumerate([("Example Hand Cream 75 ml", "330499"), ("Example Face Cream", "330499")]):
            y = 150 + 30 * i
            _text(p, 44, y, str(i + 1))
            _text(p, 84, y, desc)
            _text(p, 334, y, hs)
            _text(p, 424, y, f"{(i + 1) * 100} pcs")
    models = _page(draw)
    f = pair(models, lexicon("certificate_of_origin"))
    t = read_table(models, f, ["item", "goods", "hs_code", "quantity"], "hs_code")
    assert t is not None and [t.text(r, "hs_code") for r in t.rows] == ["330499", "330499"]
    assert t.text(t.rows[1], "goods") == "Example Face Cream"


def test_a_bracket_after_the_captions_colon_belongs_to_the_value():
    lex = lexicon("customs_declaration")
    m = match("收货人：（91310115EXAMPLE0001）成都示例贸易有限公司", lex)
    assert m is not None and m.field.name == "consignee" and m.rest.startswith("（91310115EXAMPLE0001）")
    m = match("毛重（千克）：1005", lex)  # a bracket before the colon is still the caption's
    assert m is not None and m.rest == "1005"

