"""The shop's own product code: a printed code against a structured stock unit nobody sees (small generated
pages, invented shops and codes)."""
from __future__ import annotations

import json

from originproof.evidence.listings.page import read_page
from originproof.evidence.listings.visible import Visible, _id_box


def page(head: str = "", body: str = "", url: str = "https://shopco.example/p/1") -> object:
    html = f"<html><head><title>Shop</title>{head}</head><body>{body}</body></html>"
    return read_page(html.encode(), url=url, status=200, content_type="text/html; charset=utf-8")


def ld(obj) -> str:
    return f"<script type='application/ld+json'>{json.dumps(obj)}</script>"


PRODUCT = {"@type": "Product", "name": "Cotton Blanket", "sku": "55501234", "offers": {"price": "40", "priceCurrency": "GBP"}}


def test_a_printed_code_wins_over_a_structured_sku_the_page_never_shows():
    body = "<h1>Cotton Blanket</h1><p>£40</p><p>Product code: 7712030</p><button>Add to basket</button>"
    pr = page(ld(PRODUCT), body)
    assert pr.get("sku") == "7712030" and pr.fields["sku"].source == "visible:caption"
    assert "not shown on the page" in pr.detail
    # The structured value printed too: it stands (the caption is another code the page also shows).
    shown = page(ld(PRODUCT), body.replace("<p>£40</p>", "<p>£40 · stock unit 55501234</p>"))
    assert shown.get("sku") == "55501234"
    # No printed code against it: the structured value stands.
    assert page(ld(PRODUCT), "<h1>Cotton Blanket</h1><p>£40</p>").get("sku") == "55501234"


def test_the_element_a_theme_names_for_the_code_is_read_beside_the_title():
    body = ("<h1>Cotton Blanket</h1><div class='price'>40.00 EUR</div>"
            "<div><span class='swatch'>Grey</span> <em data-role='item-code'>3301/412</em></div>")
    pr = page(ld({**PRODUCT, "sku": "88120044-250-3"}), body)
    assert pr.get("sku") == "3301/412" and pr.fields["sku"].source == "visible:id-box"


def test_a_variant_pickers_options_and_short_values_are_no_code():
    import lxml.html
    tree = lxml.html.fromstring(
        "<div><h1>Socks</h1><select class='sku-picker'><option class='sku-option'>38-40</option></select>"
        "<span class='product-sku'>12</span><span class='promo-code'>SAVE10</span></div>")
    els = list(tree.iter())
    v = Visible()
    _id_box(els, els.index(tree.find("h1")), v)
    assert v.sku == []
