"""The product's brand: every structured form, the printed captions, and when no brand is read at all
(small generated pages)."""
from __future__ import annotations

import json

from originproof.evidence.listings.brand import brand_value, names_in, product_name, site_names
from originproof.evidence.listings.page import read_page


def page(head: str = "", body: str = "", url: str = "https://shopco.example/p/1") -> object:
    head = f"<title>Shop</title><meta property='og:type' content='product'>{head}"
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return read_page(html.encode(), url=url, status=200, content_type="text/html; charset=utf-8")


def ld(obj) -> str:
    return f"<script type='application/ld+json'>{json.dumps(obj)}</script>"


def state(obj) -> str:
    return f"<script type='application/json'>{json.dumps(obj)}</script>"


def test_json_ld_brand_as_list_reference_or_product_group():
    listed = ld({"@type": "Product", "name": "Acme Kettle", "brand": [{"@type": "Brand", "name": "Acme"}, "Other"]})
    assert page(listed, "<h1>Acme Kettle</h1>").get("brand") == "Acme"
    graph = ld({"@graph": [{"@type": "Product", "name": "Kettle 1.7 l", "brand": {"@id": "#maker"}},
                           {"@type": "Organization", "@id": "#maker", "name": "Acme"}]})
    pr = page(graph, "<h1>Kettle 1.7 l</h1>")
    assert pr.get("brand") == "Acme" and pr.fields["brand"].source == "json-ld"
    variant = ld({"@type": "Product", "name": "Kettle, red", "isVariantOf": {"@type": "ProductGroup", "brand": "Acme"}})
    assert page(variant, "<h1>Kettle, red</h1>").get("brand") == "Acme"


def test_page_state_alone_gives_no_brand_unless_the_product_name_confirms_it():
    product = {"name": "Kettle 1.7 l", "price": 24.9, "sku": "K-17"}
    # Shops fill their state's brand key with their own name: nothing else says it.
    alone = page("<meta property='og:site_name' content='Shopco'>",
                 "<h1>Kettle 1.7 l</h1>" + state({**product, "brandName": "Shopco"}))
    assert alone.get("brand") is None and "unconfirmed" in alone.detail
    # A title ending in the shop's name does not confirm the shop's name as the brand either.
    titled = page("<meta property='og:site_name' content='Shopco'>",
                  "<h2>Kettle 1.7 l - Shopco</h2>" + state({**product, "name": "Kettle 1.7 l - Shopco",
                                                            "brandName": "Shopco"}))
    assert titled.get("brand") is None
    named = page(body="<h1>Acme Kettle 1.7 l</h1>" + state({**product, "name": "Acme Kettle 1.7 l", "brand": "Acme"}))
    assert named.get("brand") == "Acme" and "title" in named.fields["brand"].also
    # A two-letter code is spelt by many a title ("Pull on …"); a two-letter name in capitals is not.
    code = page(body="<h1>Pull on boots</h1>" + state({**product, "name": "Pull on boots", "brand": "on"}))
    assert code.get("brand") is None
    caps = page(body="<h1>HP Laptop 15</h1>" + state({**product, "name": "HP Laptop 15", "brand": "HP"}))
    assert caps.get("brand") == "HP"
    # A breadcrumb step named for the brand confirms it too (an unmarked trail of links).
    trail = ("<div><a href='/'>Home</a> &gt; <a href='/k'>Kitchen</a> &gt; <a href='/k/acme'>Acme</a></div>"
             "<h1>Kettle 1.7 l</h1>")
    crumbed = page(body=trail + state({**product, "brand": "Acme"}))
    assert crumbed.get("brand") == "Acme" and "breadcrumb" in crumbed.fields["brand"].also


def test_json_ld_breadcrumb_list_is_a_witness_never_a_source():
    crumbs = ld({"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 2, "item": {"@id": "/k", "name": "Kitchen"}},
        {"@type": "ListItem", "position": 1, "name": "Home"},
        {"@type": "ListItem", "position": 3, "name": "Acme"}]})
    product = {"name": "Kettle 1.7 l", "price": 24.9, "sku": "K-17"}
    assert page(crumbs, "<h1>Kettle 1.7 l</h1>" + state({**product, "brand": "Acme"})).get("brand") == "Acme"
    # A category step that starts the title ("Kettle") is no brand.
    assert page(crumbs, "<h1>Kettle 1.7 l</h1>").get("brand") is None


def test_values_that_name_no_brand_are_no_brand():
    for v in ("Unbranded", "Does not apply", "Generic", "N/A", "https://shopco.example/brands/acme", "/brands/acme",
              "100234"):
        assert brand_value(v) is None, v
        assert page(ld({"@type": "Product", "name": "Kettle", "brand": v}), "<h1>Kettle</h1>").get("brand") is None
    assert brand_value("Visit the Acme Store") == "Acme" and brand_value("Acme.com") == "Acme.com"


def test_a_caption_may_join_two_labels():
    body = "<h1>Washing machine 6kg</h1><p><span>make/manufacturer: <b>Acme</b></span></p>"
    assert page(body=body).get("brand") == "Acme"


def test_brands_that_differ_only_by_legal_form_agree_and_weak_disagreement_reads_none():
    body = "<h1>Kettle</h1><table><tr><th>Manufacturer</th><td>Acme GmbH</td></tr></table>"
    pr = page("<meta property='product:brand' content='ACME'>", body)
    assert pr.get("brand") == "ACME" and pr.fields["brand"].also == ("visible:caption",)
    # Two printed lines naming two makers, nothing else: neither is read.
    clash = page(body="<div><h1>Kettle</h1><a class='byline'>Visit the Zenit Store</a></div>"
                      "<table><tr><th>Brand</th><td>Acme</td></tr></table>")
    assert clash.get("brand") is None and "disagree" in clash.detail


def test_names_in_titles_and_shop_names():
    assert names_in("Acme", "The ACME kettle") and not names_in("Acme", "Acmeware kettle")
    assert names_in("Nordkind", "Nördkind One") and names_in("森田", "特製果乾森田農園")
    sites = site_names({"og:site_name": "Shopco Online"}, {}, "https://www.shopco.co.uk/p/1")
    assert sites == ["shopco online", "shopco"]
    assert product_name(["Acme Kettle 1.7 l | Shopco"], sites) == "Acme Kettle 1.7 l"


def test_the_theme_s_brand_element_beside_the_title():
    body = ("<div class='pdp'><div class='product-brand'><a href='/b/acme'>Acme</a></div><h1>Kettle 1.7 l</h1>"
            "<span class='price'>€ 24,90</span></div>")
    pr = page(body=body)
    assert pr.get("brand") == "Acme" and pr.fields["brand"].source == "visible:brand-box"
    # The site's logo in the navigation bar, or the shop's own name, is no brand of the product.
    logo = page("<meta property='og:site_name' content='Shopco'>",
                "<nav><a class='navbar-brand'>Shopco</a></nav><h1>Kettle 1.7 l</h1>"
                "<div class='brand-logo'>Shopco</div>")
    assert logo.get("brand") is None
    # A tile of another product further down names another brand.
    tiles = "".join(f"<p>Feature {i}</p>" for i in range(40))
    far = page(body=f"<h1>Kettle 1.7 l</h1>{tiles}<div class='tile'><span class='tile-brand'>Zenit</span></div>")
    assert far.get("brand") is None


def test_a_marketplace_storefront_the_registry_does_not_list_is_read_with_its_family_markup():
    from originproof.evidence.listings.markup import family_of_domain
    from originproof.registry import default_registry
    assert family_of_domain("amazon.com.mx") == "amazon" and family_of_domain("ebay.nl") == "ebay"
    assert family_of_domain("shopco.example") is None
    body = ("<html><head><title>Acme Kettle</title></head><body><div id='dp'><span id='productTitle'>Kettle 1.7 l"
            "</span><a id='bylineInfo' href='/stores/x'>Besök Acme-butiken</a>"
            "<input type='hidden' id='ASIN' value='B0TESTKET1'></div></body></html>")
    pr = read_page(body.encode(), url="https://www.amazon.se/dp/B0TESTKET1", status=200,
                   content_type="text/html; charset=utf-8", registry=default_registry())
    assert pr.get("brand") == "Acme" and pr.fields["brand"].source == "platform:amazon"
    assert pr.get("sku") == "B0TESTKET1"


def test_a_maker_stands_in_for_a_missing_brand_weaker_than_a_stated_brand():
    maker = ld({"@type": "Product", "name": "Kettle 1.7 l", "manufacturer": {"@type": "Organization", "name": "Acme"}})
    pr = page(maker, "<h1>Kettle 1.7 l</h1>")
    assert pr.get("brand") == "Acme" and pr.fields["brand"].source == "json-ld:manufacturer"
    stated = page(ld({"@type": "Product", "name": "Kettle 1.7 l", "brand": {"@type": "Brand", "name": "Acme"}}),
                  "<h1>Kettle 1.7 l</h1>")
    assert pr.fields["brand"].confidence < stated.fields["brand"].confidence
    both = ld({"@type": "Product", "name": "Kettle 1.7 l", "brand": "Zeta", "manufacturer": {"name": "Acme Holdings"}})
    assert page(both, "<h1>Kettle 1.7 l</h1>").get("brand") == "Zeta"
