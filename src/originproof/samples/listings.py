"""Realistic listing pages of the registry's big platforms, generated in code, plus a WARC writer and a
loopback-only fixture web server for tests and demos.

Each platform page follows that platform's own markup style and language: Amazon's byline/availability
blocks without JSON-LD, Rakuten's microdata in EUC-JP, Coupang's and Gmarket's own classes with
OpenGraph, Walmart/Target/Yahoo/Carrefour/dm JSON-LD, Boots RDFa, eBay microdata, Chemist Warehouse
OpenGraph. Variants: in stock, out of stock, removed (404 / "no longer available" 200), search page,
captcha/block page.
"""
from __future__ import annotations

import html as _html
import json
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

from originproof.evidence.listings.archive import WarcArchive

Resp = tuple[int, list[tuple[str, str]], bytes]


@dataclass
class ListingSpec:
    platform: str  # family: amazon, rakuten, yahoo, coupang, gmarket, walmart, target, dm, boots, carrefour, ebay, chemist_warehouse, generic
    lang: str
    brand: str
    title: str
    price: str
    currency: str
    gtin: str | None = None
    sku: str | None = None
    seller: str | None = None
    in_stock: bool = True


def esc(s: str | None) -> str:
    return _html.escape(s or "", quote=True)


def fmt_price(price: str, currency: str) -> str:
    whole, _, frac = price.partition(".")
    grouped = f"{int(whole):,}"
    if currency == "JPY":
        return f"￥{grouped}"
    if currency == "KRW":
        return f"{grouped}원"
    if currency in ("USD", "AUD"):
        return f"${grouped}.{(frac or '00'):0<2}"
    if currency == "GBP":
        return f"£{grouped}.{(frac or '00'):0<2}"
    return f"{grouped.replace(',', '.')},{(frac or '00'):0<2} €"


def _doc(lang: str, title: str, head: str, body: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="{charset}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>{head}'
            f'</head><body><header class="nav"><a href="/">Home</a> <form action="/s"><input name="k"></form></header>'
            f'{body}<footer><p>© 1996-2026</p></footer></body></html>')


def _jsonld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>'


def _offer(s: ListingSpec, url_seller: str | None = None) -> dict:
    return {"@type": "Offer", "price": s.price, "priceCurrency": s.currency,
            "availability": "https://schema.org/" + ("InStock" if s.in_stock else "OutOfStock"),
            **({"seller": {"@type": "Organization", "name": url_seller or s.seller}} if (url_seller or s.seller) else {})}


def _product_ld(s: ListingSpec) -> dict:
    d = {"@context": "https://schema.org", "@type": "Product", "name": s.title,
         "brand": {"@type": "Brand", "name": s.brand}, "offers": _offer(s)}
    if s.gtin:
        d["gtin13"] = s.gtin
    if s.sku:
        d["sku"] = s.sku
    return d


# ----------------------------------------------------------------------------------------- texts
AMAZON_TEXT = {
    "ja": dict(byline="ブランド: {b}", instock="在庫あり。", oos="現在在庫切れです。この商品の再入荷予定は立っておりません。",
               cart="カートに入れる", buy="今すぐ買う", seller="出荷元 Amazon 販売元 {s}", nf="ページが見つかりません",
               captcha="申し訳ありませんが、お客様がロボットでないことを確認させていただく必要があります。下に表示されている文字を入力してください。"),
    "en": dict(byline="Visit the {b} Store", instock="In Stock", oos="Currently unavailable. We don't know when or if this item will be back in stock.",
               cart="Add to Cart", buy="Buy Now", seller="Ships from Amazon Sold by {s}",
               nf="Sorry! We couldn't find that page. Try searching or go to Amazon's home page.",
               captcha="Enter the characters you see below. Sorry, we just need to make sure you're not a robot."),
    "de": dict(byline="Besuche den {b}-Store", instock="Auf Lager", oos="Derzeit nicht verfügbar. Ob und wann dieser Artikel wieder vorrätig sein wird, ist unbekannt.",
               cart="In den Einkaufswagen", buy="Jetzt kaufen", seller="Versand durch Amazon Verkauf durch {s}",
               nf="Leider konnten wir die gesuchte Seite nicht finden. Die Seite wurde nicht gefunden.",
               captcha="Geben Sie die angezeigten Zeichen im Bild ein. Wir müssen sicherstellen, dass Sie kein Roboter sind."),
    "fr": dict(byline="Visitez la boutique {b}", instock="En stock", oos="Actuellement indisponible. Nous ne savons pas quand cet article sera de nouveau approvisionné.",
               cart="Ajouter au panier", buy="Acheter cet article", seller="Expédié par Amazon Vendu par {s}",
               nf="Page introuvable. Nous sommes désolés, la page demandée n'existe pas.",
               captcha="Saisissez les caractères que vous voyez ci-dessous. Nous devons vérifier que vous n'êtes pas un robot."),
    "it": dict(byline="Visita lo Store di {b}", instock="Disponibilità immediata", oos="Attualmente non disponibile. Non sappiamo se e quando l'articolo sarà di nuovo disponibile.",
               cart="Aggiungi al carrello", buy="Compra ora", seller="Spedito da Amazon Venduto da {s}",
               nf="Spiacenti, la pagina non è stata trovata. Pagina non trovata.",
               captcha="Inserisci i caratteri visualizzati qui sotto. Dobbiamo assicurarci che non sei un robot."),
}
SEARCH_TEXT = {"ja": "「{q}」の検索結果", "ko": "'{q}' 검색결과", "en": "Search results for “{q}”", "de": "Suchergebnisse für „{q}“",
               "fr": "Résultats pour « {q} »", "it": "Risultati per “{q}”"}
GONE_TEXT = {"rakuten": "この商品は現在お取り扱いしておりません。販売を終了しました。",
             "yahoo": "この商品は販売を終了しました。お探しの商品は存在しないか、削除された可能性があります。",
             "coupang": "판매가 종료된 상품입니다.", "gmarket": "판매가 종료된 상품입니다. 다른 상품을 찾아보세요.",
             "walmart": "This item is no longer available.", "target": "This item is no longer sold at Target.",
             "dm": "Dieser Artikel ist leider nicht mehr verfügbar.", "boots": "Sorry, this product is no longer available.",
             "carrefour": "Ce produit n'est plus disponible.", "ebay": "Questa inserzione è terminata.",
             "chemist_warehouse": "This product is no longer available.", "11st": "판매종료된 상품입니다.",
             "iherb": "This product is no longer available.", "woolworths": "This product is no longer available.",
             "rossmann": "Dieses Produkt ist nicht mehr erhältlich.",
             "generic": "This product is no longer available."}


# ----------------------------------------------------------------------------------------- platforms
def amazon(s: ListingSpec) -> str:
    t = AMAZON_TEXT.get(s.lang, AMAZON_TEXT["en"])
    av = (f'<div id="availability" class="a-section a-spacing-base"><span class="a-size-medium a-color-success">{esc(t["instock"])}</span></div>'
          f'<input type="submit" id="add-to-cart-button" value="{esc(t["cart"])}"><input type="submit" id="buy-now-button" value="{esc(t["buy"])}">'
          if s.in_stock else
          f'<div id="availability" class="a-section a-spacing-base"><span class="a-size-medium a-color-price">{esc(t["oos"])}</span></div>'
          f'<div id="outOfStock"><span class="a-color-price a-text-bold">{esc(t["oos"].split(".")[0].split("。")[0])}</span></div>')
    body = (f'<div id="dp" class="beauty" data-asin="{esc(s.sku)}"><div id="dp-container">'
            f'<div id="centerCol"><h1 id="title" class="a-size-large"><span id="productTitle" class="a-size-large product-title-word-break">  {esc(s.title)}  </span></h1>'
            f'<div id="bylineInfo_feature_div"><a id="bylineInfo" class="a-link-normal" href="/stores/{esc(s.brand)}/page/1">{esc(t["byline"].format(b=s.brand))}</a></div>'
            f'<div id="corePrice_feature_div"><span class="a-price aok-align-center"><span class="a-offscreen">{esc(fmt_price(s.price, s.currency))}</span>'
            f'<span aria-hidden="true"><span class="a-price-whole">{esc(s.price)}</span></span></span></div>'
            f'<table class="a-normal a-spacing-micro"><tr class="a-spacing-small po-brand"><td><span class="a-text-bold">Brand</span></td><td><span>{esc(s.brand)}</span></td></tr></table></div>'
            f'<div id="rightCol">{av}<div id="merchant-info">{esc(t["seller"].format(s=s.seller or "Amazon"))}</div>'
            f'<input type="hidden" id="ASIN" name="ASIN" value="{esc(s.sku)}"></div></div></div>'
            '<div id="detailBullets_feature_div"><ul><li>JAN : ' + esc(s.gtin) + '</li></ul></div>')
    return _doc(s.lang, f"Amazon | {s.title} | {s.brand}", "", body)


def rakuten(s: ListingSpec) -> str:
    avail = "InStock" if s.in_stock else "OutOfStock"
    cart = ('<button class="cart-button" type="submit">買い物かごに入れる</button>' if s.in_stock
            else '<div class="soldout"><span>売り切れました</span></div><button class="cart-button" disabled>買い物かごに入れる</button>')
    body = (f'<div id="pagebody" itemscope itemtype="http://schema.org/Product">'
            f'<span class="item_name" itemprop="name"><b>{esc(s.title)}</b></span>'
            f'<meta itemprop="brand" content="{esc(s.brand)}"><meta itemprop="gtin13" content="{esc(s.gtin)}">'
            f'<meta itemprop="sku" content="{esc(s.sku)}">'
            f'<div itemprop="offers" itemscope itemtype="http://schema.org/Offer">'
            f'<span class="price2" itemprop="price" content="{esc(s.price)}">{int(s.price.split(".")[0]):,}円</span>'
            f'<meta itemprop="priceCurrency" content="JPY"><link itemprop="availability" href="http://schema.org/{avail}">'
            f'<div itemprop="seller" itemscope itemtype="http://schema.org/Organization"><span class="shop-name" itemprop="name">{esc(s.seller or "楽天市場店")}</span></div></div>'
            f'<div id="rakutenLimitedId_cart">{cart}</div><p>送料無料 ポイント10倍</p></div>')
    return _doc("ja", f"【楽天市場】{s.title}：{s.seller or 'ショップ'}", "", body, charset="EUC-JP")


def yahoo(s: ListingSpec) -> str:
    body = (f'<div id="itm_cat"><h1 class="elName">{esc(s.title)}</h1><p class="elPriceNumber">{int(s.price.split(".")[0]):,}</p>'
            f'<p class="elStoreName">{esc(s.seller or "Yahoo!ストア")}</p>'
            + ('<button class="elCartButton">カートに入れる</button>' if s.in_stock else '<p class="elSoldOut">在庫切れ</p>') + '</div>')
    return _doc("ja", f"{s.title} - Yahoo!ショッピング", _jsonld(_product_ld(s)), body)


def coupang(s: ListingSpec) -> str:
    og = (f'<meta property="og:type" content="product"><meta property="og:title" content="{esc(s.title)}">'
          f'<meta property="og:site_name" content="쿠팡">')
    buy = ('<button class="prod-buy-btn">바로구매</button><button class="prod-cart-btn">장바구니 담기</button>' if s.in_stock
           else '<div class="oos-label">일시품절</div><button class="prod-buy-btn" disabled>품절</button>')
    body = (f'<div class="prod-atf"><a class="prod-brand-name" href="/np/search?q={esc(s.brand)}">{esc(s.brand)}</a>'
            f'<h2 class="prod-buy-header__title">{esc(s.title)}</h2>'
            f'<div class="prod-sale-price"><span class="total-price"><strong>{esc(fmt_price(s.price, "KRW"))}</strong></span></div>'
            f'<div class="prod-sale-vendor"><a class="prod-sale-vendor-name">{esc(s.seller or "쿠팡")}</a></div>{buy}'
            f'<ul class="prod-description-attribute"><li>바코드: {esc(s.gtin)}</li></ul></div>')
    return _doc("ko", f"{s.title} - {s.brand} | 쿠팡", og, body)


def gmarket(s: ListingSpec) -> str:
    og = (f'<meta property="og:type" content="product"><meta property="og:title" content="{esc(s.title)}">'
          f'<meta property="product:price:amount" content="{esc(s.price)}"><meta property="product:price:currency" content="KRW">'
          + f'<meta property="product:availability" content="{"instock" if s.in_stock else "oos"}">')
    body = (f'<div id="itemcase_basic"><h1 class="itemtit">{esc(s.brand)} {esc(s.title)}</h1>'
            f'<strong class="price_real">{esc(fmt_price(s.price, "KRW"))}</strong>'
            f'<span class="text__seller">{esc(s.seller or "G마켓")}</span>'
            + ('<button class="btn_primary">구매하기</button>' if s.in_stock else '<div class="box__soldout">품절된 상품입니다</div>') + '</div>')
    return _doc("ko", f"G마켓 - {s.title}", og, body)


def walmart(s: ListingSpec) -> str:
    nd = {"props": {"pageProps": {"initialData": {"data": {"product": {"name": s.title, "brand": s.brand,
                                                                      "availabilityStatus": "IN_STOCK" if s.in_stock else "OUT_OF_STOCK"}}}}}}
    head = _jsonld(_product_ld(replace(s, seller=s.seller or "Walmart.com")))
    body = (f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(nd)}</script>'
            f'<main><h1 id="main-title" itemprop="name">{esc(s.title)}</h1><span itemprop="price">{esc(fmt_price(s.price, "USD"))}</span>'
            + ('<button data-automation-id="atc">Add to cart</button>' if s.in_stock else '<div>Out of stock</div>') + '</main>')
    return _doc("en", f"{s.title} - Walmart.com", head, body)


def target(s: ListingSpec) -> str:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Health"}]},
        {k: v for k, v in _product_ld(s).items() if k != "@context"}]}
    body = (f'<h1 data-test="product-title">{esc(s.title)}</h1><span data-test="product-price">{esc(fmt_price(s.price, "USD"))}</span>'
            + ('<button data-test="shipItButton">Add to cart</button>' if s.in_stock else '<div data-test="soldOutBlock">Sold out</div>'))
    return _doc("en", f"{s.title} : Target", _jsonld(graph), body)


def dm(s: ListingSpec) -> str:
    body = (f'<a data-dmid="detail-page-headline-brand-name">{esc(s.brand)}</a>'
            f'<h1 data-dmid="detail-page-headline-product-title">{esc(s.title)}</h1>'
            f'<span data-dmid="price-localized">{esc(fmt_price(s.price, "EUR"))}</span>'
            f'<div data-dmid="online-availability-container">{"Online verfügbar – In den Warenkorb" if s.in_stock else "Online nicht verfügbar"}</div>'
            f'<p>DAN: {esc(s.sku)} · GTIN: {esc(s.gtin)}</p>')
    return _doc("de", f"{s.brand} {s.title} | dm.de", _jsonld(_product_ld(s)), body)


def boots(s: ListingSpec) -> str:
    avail = "InStock" if s.in_stock else "OutOfStock"
    body = (f'<div id="estore_pdp_trcol" vocab="https://schema.org/" typeof="Product">'
            f'<h1 id="estore_product_title" property="name">{esc(s.title)}</h1>'
            f'<div property="brand" typeof="Brand"><span property="name">{esc(s.brand)}</span></div>'
            f'<meta property="gtin13" content="{esc(s.gtin)}"><meta property="sku" content="{esc(s.sku)}">'
            f'<div property="offers" typeof="Offer"><div id="PDP_productPrice" property="price" content="{esc(s.price)}">{esc(fmt_price(s.price, "GBP"))}</div>'
            f'<meta property="priceCurrency" content="GBP"><link property="availability" href="https://schema.org/{avail}"></div>'
            + ('<button>Add to basket</button>' if s.in_stock else '<div id="estore_pdp_outofstock">Out of stock online</div>') + '</div>')
    return _doc("en-GB", f"{s.title} - Boots", "", body)


def carrefour(s: ListingSpec) -> str:
    ld = _product_ld(s)
    ld["offers"] = {"@type": "AggregateOffer", "lowPrice": s.price, "priceCurrency": "EUR",
                    "offers": [_offer(s, "Carrefour")]}
    body = (f'<div class="product-details"><h1 class="product-title">{esc(s.title)}</h1>'
            f'<p class="product-price__amount">{esc(fmt_price(s.price, "EUR"))}</p>'
            + ('<button>Ajouter au panier</button>' if s.in_stock else '<div class="product-unavailable">Produit indisponible</div>') + '</div>')
    return _doc("fr", f"{s.title} - Carrefour", _jsonld(ld), body)


def ebay(s: ListingSpec) -> str:
    avail = "InStock" if s.in_stock else "OutOfStock"
    body = (f'<div id="mainContent" itemscope itemtype="https://schema.org/Product">'
            f'<h1 class="x-item-title__mainTitle"><span itemprop="name">{esc(s.title)}</span></h1>'
            f'<div class="ux-labels-values"><span>Marca</span><span itemprop="brand">{esc(s.brand)}</span></div>'
            f'<meta itemprop="gtin13" content="{esc(s.gtin)}">'
            f'<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><div class="x-price-primary">'
            f'<span itemprop="price" content="{esc(s.price)}">EUR {esc(s.price.replace(".", ","))}</span></div>'
            f'<meta itemprop="priceCurrency" content="EUR"><link itemprop="availability" href="https://schema.org/{avail}"></div>'
            f'<div class="x-sellercard-atf__info__about-seller">{esc(s.seller or "venditore_it")}</div>'
            + ('<a id="binBtn_btn" class="ux-call-to-action">Compralo Subito</a>' if s.in_stock else '<div>Esaurito</div>') + '</div>')
    return _doc("it", f"{s.title} | eBay", "", body)


def chemist_warehouse(s: ListingSpec) -> str:
    og = (f'<meta property="og:type" content="product"><meta property="og:title" content="{esc(s.title)}">'
          f'<meta property="product:brand" content="{esc(s.brand)}"><meta property="product:price:amount" content="{esc(s.price)}">'
          f'<meta property="product:price:currency" content="AUD"><meta property="product:availability" content="{"in stock" if s.in_stock else "out of stock"}">')
    body = (f'<section class="product-display"><div class="product-name"><h1>{esc(s.title)}</h1></div>'
            f'<span class="product__price">{esc(fmt_price(s.price, "AUD"))}</span>'
            + ('<button class="addToCartButton">Add to Cart</button>' if s.in_stock else '<div class="out-of-stock">Out of stock online</div>') + '</section>')
    return _doc("en-AU", f"{s.title} | Chemist Warehouse", og, body)


def elevenst(s: ListingSpec) -> str:
    og = f'<meta property="og:title" content="{esc(s.title)}"><meta property="og:site_name" content="11번가">'
    body = (f'<div class="c_product_info"><h1 class="title">{esc(s.title)}</h1>'
            f'<dl class="price"><dd><span class="value">{int(s.price.split(".")[0]):,}</span><span class="unit">원</span></dd></dl>'
            + ('<button class="c_product_btn_buy">구매하기</button>' if s.in_stock
               else '<div class="c_product_soldout">품절</div>') + '</div>')
    return _doc("ko", f"{s.title} - 11번가", og, body)


def iherb(s: ListingSpec) -> str:
    body = (f'<section class="product-summary"><div id="brand"><a href="/c/{esc(s.brand)}">{esc(s.brand)}</a></div>'
            f'<h1 id="name">{esc(s.title)}</h1><div id="price">{esc(fmt_price(s.price, "USD"))}</div>'
            f'<div id="stock-status"><strong class="text-primary">{"In stock" if s.in_stock else "Out of stock"}</strong></div>'
            f'<ul id="product-specs-list"><li>UPC Code: <span>{esc(s.gtin)}</span></li></ul></section>')
    return _doc("en", f"{s.brand}, {s.title} - iHerb", "", body)


def woolworths(s: ListingSpec) -> str:
    ld = _product_ld(replace(s, seller=s.seller or "Woolworths"))
    body = (f'<div class="product-detail"><h1 class="shelfProductTile-title">{esc(s.title)}</h1>'
            f'<div class="price"><span class="price-dollars">{esc(s.price.split(".")[0])}</span>'
            f'<span class="price-cents">{esc((s.price.split(".") + ["00"])[1])}</span></div>'
            + ('<button class="cartControls-addButton">Add to cart</button>' if s.in_stock
               else '<div class="unavailable-tag">Unavailable</div>') + '</div>')
    return _doc("en-AU", f"{s.title} | Woolworths", _jsonld(ld), body)


def rossmann(s: ListingSpec) -> str:
    variant = {k: v for k, v in _product_ld(s).items() if k != "@context"}
    group = {"@context": "https://schema.org", "@type": "ProductGroup", "name": s.title,
             "brand": {"@type": "Brand", "name": s.brand}, "hasVariant": [variant]}
    body = (f'<div class="rm-productdetail"><a class="rm-product__brand">{esc(s.brand)}</a>'
            f'<h1 class="rm-product__title">{esc(s.title)}</h1><div class="rm-price__current">{esc(fmt_price(s.price, "EUR"))}</div>'
            + ('<button>In den Warenkorb</button>' if s.in_stock else '<p>Online nicht verfügbar</p>') + '</div>')
    return _doc("de", f"{s.brand} {s.title} | ROSSMANN", _jsonld(group), body)


def generic(s: ListingSpec) -> str:
    body = (f'<main><h1>{esc(s.title)}</h1><p class="price">{esc(fmt_price(s.price, s.currency))}</p>'
            + ('<button>Add to cart</button>' if s.in_stock else '<p class="stock">Out of stock</p>') + '</main>')
    return _doc(s.lang, s.title, _jsonld(_product_ld(s)), body)


RENDER = {"amazon": amazon, "rakuten": rakuten, "yahoo": yahoo, "coupang": coupang, "gmarket": gmarket,
          "walmart": walmart, "target": target, "dm": dm, "boots": boots, "carrefour": carrefour, "ebay": ebay,
          "chemist_warehouse": chemist_warehouse, "11st": elevenst, "iherb": iherb, "woolworths": woolworths,
          "rossmann": rossmann, "generic": generic}
CHARSET = {"rakuten": "EUC-JP"}


def _enc(platform: str, html: str) -> tuple[list[tuple[str, str]], bytes]:
    cs = CHARSET.get(platform, "utf-8")
    return [("Content-Type", f"text/html; charset={cs}")], html.encode(cs, "xmlcharrefreplace")


def product_response(s: ListingSpec) -> Resp:
    h, b = _enc(s.platform, RENDER.get(s.platform, generic)(s))
    return 200, h, b


def gone_response(s: ListingSpec, status: int = 404) -> Resp:
    """A removed listing: a real 404 page, or (status=200) a page saying the product is no longer sold."""
    if status == 200:
        msg = GONE_TEXT.get(s.platform, GONE_TEXT["generic"])
        html = _doc(s.lang, msg[:40], "", f'<main class="d-statusmessage"><h1>{esc(msg)}</h1><p>{esc(s.title)}</p>'
                                           f'<a href="/">Home</a></main>')
    else:
        msg = AMAZON_TEXT.get(s.lang, AMAZON_TEXT["en"])["nf"] if s.platform == "amazon" else {
            "ja": "お探しのページは見つかりませんでした", "ko": "페이지를 찾을 수 없습니다"}.get(s.lang, "Page not found")
        html = _doc(s.lang, msg[:40], "", f"<main><h1>{esc(msg)}</h1></main>")
    h, b = _enc(s.platform, html)
    return status, h, b


def search_response(s: ListingSpec, n: int = 6) -> Resp:
    q = s.brand
    title = SEARCH_TEXT.get(s.lang, SEARCH_TEXT["en"]).format(q=q)
    items = []
    ld_items = []
    for i in range(n):
        name = f"{s.brand} {s.title} #{i + 1}" if i % 2 == 0 else f"Other {s.title} {i}"
        if s.platform == "amazon":
            items.append(f'<div data-component-type="s-search-result" data-asin="B0TEST{i:04d}"><h2>{esc(name)}</h2>'
                         f'<span class="a-price"><span class="a-offscreen">{esc(fmt_price(s.price, s.currency))}</span></span></div>')
        else:
            items.append(f'<li class="search-item"><a href="/item/{i}">{esc(name)}</a> <span class="price">'
                         f'{esc(fmt_price(s.price, s.currency))}</span> <button>Add to cart</button></li>')
        ld_items.append({"@type": "ListItem", "position": i + 1,
                         "item": {"@type": "Product", "name": name, "offers": _offer(s)}})
    head = _jsonld({"@context": "https://schema.org", "@type": "SearchResultsPage",
                    "mainEntity": {"@type": "ItemList", "itemListElement": ld_items}}) if s.platform != "amazon" else ""
    html = _doc(s.lang, title, head, f"<main><h1>{esc(title)}</h1><ul>{''.join(items)}</ul></main>")
    h, b = _enc(s.platform, html)
    return 200, h, b


def captcha_response(s: ListingSpec) -> Resp:
    if s.platform == "amazon":
        t = AMAZON_TEXT.get(s.lang, AMAZON_TEXT["en"])
        html = _doc(s.lang, "Amazon.co.jp" if s.lang == "ja" else "Amazon", "",
                    f'<div class="a-box"><h4>{esc(t["captcha"])}</h4><form method="get" action="/errors/validateCaptcha">'
                    '<img src="https://images-na.ssl-images-amazon.com/captcha/abc/Captcha_x.jpg">'
                    '<input id="captchacharacters" name="field-keywords" type="text"><button type="submit">Continue</button></form></div>')
        h, b = _enc("amazon", html)
        return 200, h, b  # Amazon serves its robot check with 200
    if s.platform == "coupang":
        html = ("<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>You don't have permission "
                "to access this server.<P>Reference&#32;&#35;18&#46;a1b2c3</BODY></HTML>")
        return 403, [("Content-Type", "text/html"), ("Server", "AkamaiGHost")], html.encode()
    html = _doc(s.lang, "Just a moment...", "",
                '<div id="challenge-platform"><h1>Verify you are human</h1><p>Checking your browser before accessing.</p>'
                '<div class="g-recaptcha" data-sitekey="x"></div></div>')
    return 503, [("Content-Type", "text/html; charset=utf-8"), ("Retry-After", "30")], html.encode()


def server_error_response() -> Resp:
    return 503, [("Content-Type", "text/html")], b"<html><body><h1>503 Service Unavailable</h1></body></html>"


# ----------------------------------------------------------------------------------------- dossier listings
FAMILY_BY_HOST = (("amazon.", "amazon"), ("rakuten.co.jp", "rakuten"), ("shopping.yahoo.co.jp", "yahoo"),
                  ("coupang.com", "coupang"), ("gmarket.co.kr", "gmarket"), ("walmart.", "walmart"),
                  ("target.com", "target"), ("dm.de", "dm"), ("boots.com", "boots"), ("carrefour.fr", "carrefour"),
                  ("ebay.", "ebay"), ("chemistwarehouse.", "chemist_warehouse"), ("11st.co.kr", "11st"),
                  ("iherb.com", "iherb"), ("woolworths.com.au", "woolworths"), ("rossmann.de", "rossmann"))


def family_for_url(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    for frag, fam in FAMILY_BY_HOST:
        if frag in host:
            return fam
    return "generic"


def spec_for_listing(dspec, url: str, product_index: int = 0, **kw) -> ListingSpec:
    """The page a dossier's listing URL shows (from samples.spec.DossierSpec)."""
    p = dspec.products[product_index]
    fam = family_for_url(url)
    title = p.name_local if dspec.lang in ("ja", "ko") else p.name
    if not title.startswith(dspec.brand) and not title.startswith(dspec.brand_local):
        title = f"{dspec.brand} {title}"
    asin = None
    if fam == "amazon":
        import re
        m = re.search(r"/dp/([A-Z0-9]{10})", url)
        asin = m.group(1) if m else None
    base = ListingSpec(platform=fam, lang=dspec.lang, brand=dspec.brand, title=title, price=p.price,
                       currency=dspec.currency, gtin=p.gtin, sku=asin or p.sku, seller=f"{dspec.brand} Official")
    return replace(base, **kw)


# ----------------------------------------------------------------------------------------- WARC corpus
def write_capture(archive: WarcArchive, url: str, when: datetime, resp: Resp | None, *,
                  error: str | None = None, location_chain: Iterable[tuple[str, Resp]] = ()) -> list[str]:
    """Archive one fetch of `url` at `when`: a response (with optional redirect hops) or a fetch error."""
    ids = []
    if error:
        rid, _ = archive.write_error(url=url, captured_at=when, error=error, detail=error, listing_url=url)
        return [rid]
    t = when
    hops = [(url, resp)] + list(location_chain) if resp else list(location_chain)
    for u, (status, headers, body) in hops:
        rid, _ = archive.write_exchange(url=u, captured_at=t, status=status, reason="", response_headers=headers,
                                        body=body, listing_url=url, ip="93.184.215.14")
        ids.append(rid)
        t = t + timedelta(milliseconds=400)
    return ids


def redirect(location: str, status: int = 301) -> Resp:
    return status, [("Location", location), ("Content-Type", "text/html")], b"<html><body>Moved</body></html>"


def history(evaluated_at: datetime, scenario: str) -> list[tuple[float, str]]:
    """(days before the evaluation instant, page variant) for the standard observation histories."""
    return {
        "stable": [(16, "live"), (9, "live"), (2, "live")],
        "gap": [(16, "live"), (9, "out_of_stock"), (2, "live")],
        "gap_gone": [(16, "live"), (9, "gone"), (2, "live")],
        "too_old": [(30, "live"), (22, "live"), (12, "live")],
        "too_few": [(3, "live")],
        "short_span": [(6, "live"), (4, "live"), (2, "live")],
        "blocked_between": [(16, "live"), (12, "captcha"), (9, "live"), (5, "timeout"), (2, "live")],
        "now_gone": [(16, "live"), (9, "live"), (2, "gone")],
        "now_oos": [(16, "live"), (9, "live"), (2, "out_of_stock")],
        "late_gone": [(16, "live"), (9, "live"), (2, "live"), (-3, "gone")],
    }[scenario]


def variant_response(s: ListingSpec, variant: str) -> Resp | None:
    return {"live": lambda: product_response(s), "out_of_stock": lambda: product_response(replace(s, in_stock=False)),
            "gone": lambda: gone_response(s, 404), "gone200": lambda: gone_response(s, 200),
            "search": lambda: search_response(s), "captcha": lambda: captcha_response(s),
            "5xx": server_error_response, "timeout": lambda: None}[variant]()


def write_listing_history(path_dir: Path, url: str, s: ListingSpec, evaluated_at: datetime, scenario: str) -> WarcArchive:
    archive = WarcArchive(path_dir)
    for days, variant in history(evaluated_at, scenario):
        when = evaluated_at - timedelta(days=days)
        resp = variant_response(s, variant)
        write_capture(archive, url, when, resp, error="timeout" if resp is None else None)
    return archive


def write_dossier_warc(dspec, out_dir: Path, scenario: str = "stable", evaluated_at: datetime | None = None,
                       filename: str | None = "captures.warc.gz") -> list[Path]:
    """Captures for every listing of a sample dossier: one WARC file in `out_dir` (per day if filename=None)."""
    at = evaluated_at or dspec.submitted_at
    archive = WarcArchive(out_dir, filename)
    for i, url in enumerate(dspec.listings):
        s = spec_for_listing(dspec, url, product_index=min(i, len(dspec.products) - 1))
        for days, variant in history(at, scenario):
            resp = variant_response(s, variant)
            write_capture(archive, url, at - timedelta(days=days), resp, error="timeout" if resp is None else None)
    return archive.files()


# ----------------------------------------------------------------------------------------- fixture server
@dataclass
class FixtureSite:
    """Responses by (host, path?query); robots.txt per host. Host is the request's Host header."""

    routes: dict[tuple[str, str], Resp] = field(default_factory=dict)
    robots: dict[str, str] = field(default_factory=dict)
    hits: list[tuple[str, str]] = field(default_factory=list)
    delay: dict[tuple[str, str], float] = field(default_factory=dict)
    compress: bool = True  # gzip bodies when the client accepts it (as real shops do)

    def set(self, url: str, resp: Resp) -> None:
        p = urlsplit(url)
        self.routes[((p.hostname or "").lower(), (p.path or "/") + (f"?{p.query}" if p.query else ""))] = resp

    def get(self, host: str, target: str) -> Resp:
        host = host.split(":")[0].lower()
        self.hits.append((host, target))
        if target == "/robots.txt":
            txt = self.robots.get(host, "User-agent: *\nDisallow: /cart\n")
            return 200, [("Content-Type", "text/plain")], txt.encode()
        return self.routes.get((host, target), (404, [("Content-Type", "text/html")], b"<html><body>Not Found</body></html>"))


def serve_fixture_site(site: FixtureSite) -> tuple[ThreadingHTTPServer, int]:
    """Start a loopback-only HTTP server for `site` in a daemon thread; returns (server, port)."""
    import gzip as _gzip
    import time as _time

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            status, headers, body = site.get(self.headers.get("Host", ""), self.path)
            d = site.delay.get((self.headers.get("Host", "").split(":")[0].lower(), self.path))
            if d:
                _time.sleep(d)
            gz = (site.compress and "gzip" in (self.headers.get("Accept-Encoding") or "") and len(body) > 200
                  and status == 200 and not any(k.lower() == "content-encoding" for k, _ in headers))
            if gz:
                body = _gzip.compress(body)
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            if gz:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (body cap, timeout): expected in tests

        def log_message(self, *a):  # keep test output clean
            pass

    class LoopbackServer(ThreadingHTTPServer):
        def server_bind(self):  # skip HTTPServer's getfqdn(): no name lookup at all
            import socketserver
            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = "localhost", self.server_address[1]

        def handle_error(self, request, client_address):  # a client that hangs up is not an error here
            pass

    srv = LoopbackServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, srv.server_address[1]


def utc(y: int, m: int, d: int, h: int = 0) -> datetime:
    return datetime(y, m, d, h, tzinfo=timezone.utc)
