"""Every source of a product page, and how the reader chooses between them (small generated pages)."""
from __future__ import annotations

import json

import pytest

from originproof.bench.listings import Score, sku_matches
from originproof.evidence.listings.page import read_page
from originproof.evidence.listings.reconcile import Candidates
from originproof.evidence.listings.visible import clean_brand, url_ids
from originproof.evidence.listings.vocab import availability_of, find_phrase, oos_phrases


def page(head: str = "", body: str = "", url: str = "https://shop.example/p/1") -> object:
    html = f"<html><head><title>Shop</title>{head}</head><body>{body}</body></html>"
    return read_page(html.encode(), url=url, status=200, content_type="text/html; charset=utf-8")


def ld(obj) -> str:
    return f"<script type='application/ld+json'>{json.dumps(obj)}</script>"


@pytest.mark.parametrize("word,want", [("https://schema.org/InStock", "in_stock"), ("http://schema.org/PreOrder", "out_of_stock"),
                                       ("LimitedAvailability", "in_stock"), ("InStoreOnly", "in_stock"),
                                       ("out of stock", "out_of_stock"), ("oos", "out_of_stock"), (True, "in_stock"),
                                       (False, "out_of_stock"), ("Discontinued", "out_of_stock"), ("whatever", None)])
def test_availability_vocabulary(word, want):
    assert availability_of(word) == want


def test_phrases_are_whole_words_and_in_many_languages():
    assert find_phrase("Produkt ist leider ausverkauft", oos_phrases()) == "ausverkauft"
    assert find_phrase("Ni na zalogi", oos_phrases()) == "ni na zalogi"
    assert find_phrase("目前缺貨中", oos_phrases()) == "缺貨"
    assert find_phrase("Unsold outback tours", oos_phrases()) is None


def test_json_ld_graph_with_aggregate_offer():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "name": "Acme Kettle"},
        {"@type": "Product", "name": "Acme Kettle 1.7 l", "sku": "AK-17", "brand": {"@type": "Brand", "name": "Acme"},
         "offers": {"@type": "AggregateOffer", "lowPrice": "24.90", "priceCurrency": "EUR",
                    "offers": [{"@type": "Offer", "price": "24.90", "availability": "https://schema.org/OutOfStock"},
                               {"@type": "Offer", "price": "26.00", "availability": "https://schema.org/InStock"}]}}]}
    pr = page(ld(graph), "<h1>Acme Kettle 1.7 l</h1>")
    assert pr.state == "live" and pr.get("availability") == "in_stock"  # one buyable offer is enough
    assert (pr.get("price"), pr.get("currency"), pr.get("sku"), pr.get("brand")) == ("24.9", "EUR", "AK-17", "Acme")
    assert pr.fields["price"].source == "json-ld" and pr.fields["price"].confidence >= 0.9


def test_embedded_state_is_read_by_keys_and_matched_to_the_title():
    state = {"props": {"pageProps": {
        "related": [{"name": "Other Kettle", "price": 9.99, "sku": "OK-1", "brand": "Else"}],
        "product": {"title": "Acme Kettle 1.7 l", "price": {"value": 24.9, "currency": "EUR"}, "sku": "AK-17",
                    "brand": {"name": "Acme"}, "availability": "IN_STOCK"}}}}
    body = (f"<h1>Acme Kettle 1.7 l</h1><script id='__NEXT_DATA__' type='application/json'>{json.dumps(state)}</script>"
            "<script>window.__INITIAL_STATE__ = {\"cart\": {\"items\": 0, \"total\": 0}};</script>")
    pr = page(body=body)
    assert (pr.get("price"), pr.get("sku"), pr.get("brand"), pr.get("availability")) == ("24.9", "AK-17", "Acme", "in_stock")
    assert pr.fields["sku"].source == "state"


def test_hidden_sold_out_label_is_not_read_and_buttons_count():
    body = ("<h1>Acme Kettle</h1><span class='price'>€ 24,90</span>"
            "<p class='stock-msg' style='display:none'>Sold out</p><button class='btn add-to-cart'>Add to cart</button>")
    pr = page(body=body)
    assert pr.get("availability") == "in_stock" and pr.get("price") == "24.9"
    off = page(body="<h1>Acme Kettle</h1><span class='price'>€ 24,90</span>"
                    "<button class='add-to-cart' disabled>Add to cart</button>")
    assert off.get("availability") == "out_of_stock"
    # Buttons and wording alone never reach the confidence a pass or a fail needs.
    assert off.fields["availability"].confidence < 0.8


def test_struck_through_price_loses_to_the_price_shown():
    head = ld({"@type": "Product", "name": "Acme Kettle", "offers": {"@type": "Offer", "price": "30.00",
                                                                         "priceCurrency": "EUR"}})
    body = ("<h1>Acme Kettle</h1><div class='product-price'><del class='price-old'>30,00 €</del>"
            "<span class='price-current'>24,90 €</span></div><button>Add to cart</button>")
    pr = page(head, body)
    assert pr.get("price") == "24.9"
    assert "json-ld" not in pr.fields["price"].source


def test_captions_bylines_and_url_ids():
    body = ("<h1>Acme Kettle 1.7 l</h1><a class='byline'>Visit the Acme Store</a><span class='price'>$24.90</span>"
            "<table><tr><th>Item number</th><td>483920</td></tr></table><button>Add to cart</button>")
    pr = page(body=body, url="https://shop.example/kettles/acme-kettle-483920.html")
    assert pr.get("brand") == "Acme" and pr.get("sku") == "483920"
    assert "url" in pr.fields["sku"].also or pr.fields["sku"].source == "url"  # two witnesses agree
    assert url_ids("https://x.example/item?id=123456&ref=home") == ["123456"]
    assert url_ids("https://x.example/about-us") == []
    assert clean_brand("Besuchen Sie den Acme-Store") == "Acme" and clean_brand("More from brand: Acme") == "Acme"


def test_reconcile_pools_agreeing_sources():
    c = Candidates()
    c.add("availability", "in_stock", "buybox", 0.7)
    c.add("availability", "in_stock", "button", 0.7)
    c.add("availability", "out_of_stock", "zone", 0.85)
    ch = c.choose("availability")
    assert ch.value == "in_stock" and ch.confidence == pytest.approx(0.91) and ch.rejected == [("out_of_stock", "zone")]
    c2 = Candidates()
    c2.add("price", "30", "json-ld", 0.95)
    c2.add("price", "24.9", "visible:near-title", 0.7)
    from decimal import Decimal
    assert c2.choose("price").value == "30"
    assert c2.choose("price", struck={Decimal("30")}).value == "24.9"


def test_bench_matching_follows_the_benchmark():
    assert sku_matches("123/123", ["123123"]) and sku_matches("P123", ["123"]) and not sku_matches("PU_106160/01", ["106160"])
    s = Score()
    s.add("x", False, True)  # a wrong value is a false positive and a miss
    s.add(None, False, True)
    s.add("y", True, True)
    assert (s.tp, s.fp, s.fn) == (1, 1, 2) and s.precision == 0.5 and s.recall == pytest.approx(1 / 3)


def test_product_heading_is_the_one_named_like_the_product():
    body = ("<div class='nav'><h1>Garden & Home</h1><span class='price'>€ 9,99</span></div>"
            "<div class='product-holder'><h1>Acme Kettle 1.7 l</h1><div class='price-box'>"
            "<span class='price-new'>€ 24,90</span> <span class='price-old'>€ 30,00</span></div>"
            "<button class='btn-cart'>Add to cart</button></div>")
    pr = page("<meta property='og:title' content='Acme Kettle 1.7 l | Shop'>", body)
    assert pr.get("title") == "Acme Kettle 1.7 l" and pr.get("price") == "24.9"


def test_offer_shown_beside_the_title_wins_among_offers():
    head = ld({"@type": "Product", "name": "Acme Shirt", "offers": [
        {"@type": "Offer", "price": "19.00", "priceCurrency": "EUR", "availability": "InStock"},
        {"@type": "Offer", "price": "24.00", "priceCurrency": "EUR", "availability": "InStock"}]})
    pr = page(head, "<h1>Acme Shirt</h1><span class='product-price'>24,00 €</span>")
    assert pr.get("price") == "24" and pr.fields["price"].confidence > 0.95


def test_placeholders_and_tax_wrapped_prices():
    head = ld({"@type": "Product", "name": "Acme Lamp", "brand": "$metabrand", "offers": {"@type": "Offer"}})
    body = ("<h1>Acme Lamp</h1><div class='price-excluding-tax'><span class='price'>100,00 €</span></div>"
            "<table><tr><td>Brand:</td><td>Acme</td></tr></table>")
    pr = page(head, body)
    assert pr.get("brand") == "Acme" and pr.get("price") == "100"


def test_ranges_reductions_and_javascript_state():
    body = ("<h1>Acme Shirt</h1><div class='price'>12,00 – 18,00 €</div>"
            "<script>dataLayer.push({ecommerce: {detail: {products: [{name: 'Acme Shirt', item_id: 'AS-300', "
            "price: '12.00', item_brand: 'Acme'}]}}});</script>")
    pr = page(body=body)
    assert pr.get("price") == "12" and pr.get("brand") == "Acme" and pr.get("sku") == "AS-300"
    head = ld({"@type": "Product", "name": "Acme Book", "offers": [{"@type": "Offer", "price": "18.00"},
                                                                   {"@type": "Offer", "price": "17.10"}]})
    pr = page(head, "<h1>Acme Book</h1><div class='box-price'><span class='price'>€ 17,10</span> "
                    "<span class='price-full'>€ 18,00 -5%</span></div>")
    assert pr.get("price") == "17.1"


@pytest.mark.parametrize("text,amount,cur", [("997 zł", "997", "PLN"), ("NT$2,320", "2320", "TWD"),
                                             ("R$ 1.299,90", "1299.9", "BRL"), ("2 900 Kč", "2900", "CZK"),
                                             ("PLN 12,50", "12.5", "PLN")])
def test_more_currencies(text, amount, cur):
    from originproof.evidence.listings.page import parse_price
    assert parse_price(text, "US") == (amount, cur)


def test_shop_product_json_in_minor_units_is_settled_by_the_page():
    product = {"id": 6612345, "title": "Acme Mug", "vendor": "Acme", "price": 2490, "available": True,
               "variants": [{"title": "Blue", "sku": "MUG-B", "price": 2490, "available": True}]}
    body = (f"<h1>Acme Mug</h1><span class='price'>24,90 €</span>"
            f"<script type='application/json' id='ProductJson-main'>{json.dumps(product)}</script>")
    pr = page(body=body)
    assert pr.get("price") == "24.9" and pr.get("brand") == "Acme" and pr.get("availability") == "in_stock"
    whole = page(body="<h1>Acme Mug</h1><script type='application/json'>"
                      + json.dumps({"title": "Acme Mug", "price": 2320, "brand": "Acme"}) + "</script>")
    assert whole.get("price") == "2320"


def test_main_product_is_the_one_named_by_the_heading():
    related = {"@type": "ItemList", "itemListElement": [
        {"@type": "Product", "name": "Other Mug", "sku": "OM-1", "offers": {"@type": "Offer", "price": "5.00"}},
        {"@type": "Product", "name": "Third Mug", "sku": "TM-1", "offers": {"@type": "Offer", "price": "6.00"}}]}
    main = {"@type": "Product", "name": "Acme Mug", "sku": "AM-9", "offers": {"@type": "Offer", "price": "12.00"}}
    pr = page(ld(related) + ld(main), "<h1>Acme Mug</h1>")
    assert pr.state == "live" and pr.get("sku") == "AM-9" and pr.get("price") == "12"
    listing = page(ld(related), "<h1>Mugs</h1>")
    assert listing.state != "live"


def test_image_and_role_buttons_count_as_buy_buttons():
    pr = page(body="<h1>Acme Crib Mattress</h1><span class='price'>$169.99</span>"
                   "<img id='addToCartButton' class='cursor-pointer' title='Add to Cart' src='b.png'>")
    assert pr.get("availability") == "in_stock" and pr.fields["availability"].source == "button"
    pr = page(body="<h1>Acme Crib Mattress</h1><div role='button' aria-disabled='true'>Add to bag</div>")
    assert pr.get("availability") == "out_of_stock" and pr.fields["availability"].confidence < 0.8


def test_aria_hidden_content_is_read_and_rows_hold_two_pairs():
    body = ("<div aria-hidden='true'><h1>Acme Hoodie</h1><span class='price'>€ 25,00</span>"
            "<table><tr><td class='attrLabels'>Brand: </td><td><span>Acme Wear</span></td>"
            "<td class='attrLabels'>Theme: </td><td><span>Classic</span></td></tr></table>"
            "<a class='btn' href='#'>Buy it now</a></div>")
    pr = page(body=body)
    assert pr.get("title") == "Acme Hoodie" and pr.get("brand") == "Acme Wear" and pr.get("availability") == "in_stock"


def test_confident_sources_that_disagree_leave_availability_for_review():
    head = ld({"@type": "Product", "name": "Acme Mug", "offers": {"@type": "Offer", "price": "12.00",
                                                                     "availability": "https://schema.org/InStock"}})
    body = ("<h1>Acme Mug</h1><div class='stock-status'>Sold out</div>"
            "<button class='add-to-cart' disabled>Add to cart</button>")
    pr = page(head, body)
    assert pr.fields["availability"].confidence < 0.8 and "disagree" in pr.detail


def test_an_old_classed_price_alone_is_the_price_and_og_price_is_read():
    body = ("<h1>Acme Reading Lens</h1><ul class='price-list'><li class='price'><span class='price-old-live'>40.00€</span>"
            "</li><li class='price-tax'>Excl. VAT: <span class='price-tax-live'>36.53€</span></li></ul>"
            "<div class='related'><h4>Other Lens</h4><span class='price'>150.00€</span></div>")
    assert page(body=body).get("price") == "40"
    beside = ("<h1>Acme Reading Lens</h1><div class='price-box'><span class='price-old'>50.00€</span>"
              "<span class='price-new'>40.00€</span></div>")
    assert page(body=beside).get("price") == "40"
    assert page("<meta property='og:price' content='2,900원~'>", "<h1>Acme Bra</h1>",
                url="https://shop.example.kr/deal/1").get("price") == "2900"


def test_hyphenated_buy_wordings_also_stand_spaced():
    # Buttons' class names are searched once with hyphens and underscores turned to spaces.
    from originproof.evidence.listings.vocab import buy_phrases
    buy = buy_phrases()
    assert [p for p in buy if p.replace("-", " ").replace("_", " ") not in buy] == []
    pr = page(body="<h1>Acme Kettle</h1><span class='price'>€ 24,90</span><a class='btn js-add-to-cart' href='#'>+</a>")
    assert pr.get("availability") == "in_stock" and pr.fields["availability"].source == "button"
