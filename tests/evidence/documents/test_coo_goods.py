"""Goods of a certificate of origin where the HS code is printed inside the description box."""
from __future__ import annotations

import pymupdf

from originproof.evidence.documents.types.coo import parse_coo
from tests.evidence.documents.drawn import drawn_doc


def test_an_hs_label_with_a_bracketed_hint_still_gives_the_code():
    def draw(p: pymupdf.Page) -> None:
        p.draw_rect(pymupdf.Rect(40, 100, 560, 300), color=(0, 0, 0), width=0.8)
        p.insert_text((44, 112), "6. Marks, numbers, number and kind of packages; description of goods", fontsize=7)
        for i, name in enumerate(["Example Hand Cream 75 ml", "Example Face Cream 50 ml"]):
            p.insert_text((50, 140 + 40 * i), name, fontsize=9)
            p.insert_text((50, 152 + 40 * i), "HS Code (6 digits): 330499", fontsize=9)
    out = parse_coo(drawn_doc(draw, "DE"))
    assert out.goods is not None
    assert [(g["description"], g["hs_code"]) for g in out.goods.value] == [
        ("Example Hand Cream 75 ml", "330499"), ("Example Face Cream 50 ml", "330499")]


def test_an_hs_label_whose_code_wrapped_onto_the_next_line():
    def draw(p: pymupdf.Page) -> None:
        p.insert_text((40, 100), "Description of goods", fontsize=9)
        p.insert_text((50, 120), "Example Thermal Water Moisturizing Cream 50 ml - HS", fontsize=9)
        p.insert_text((50, 131), "330499", fontsize=9)
        p.insert_text((480, 120), "600 units", fontsize=9)
        p.insert_text((50, 146), "Example Cleansing Milk 200 ml - HS 330410", fontsize=9)
        p.insert_text((480, 146), "300 units", fontsize=9)
    out = parse_coo(drawn_doc(draw, "FR"))
    assert out.goods is not None
    assert [(g["description"], g["hs_code"], g["quantity"]) for g in out.goods.value] == [
        ("Example Thermal Water Moisturizing Cream 50 ml", "330499", "600 units"),
        ("Example Cleansing Milk 200 ml", "330410", "300 units")]
