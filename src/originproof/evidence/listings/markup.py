"""Platform markup and multilingual page phrases: data, read by evidence/listings/page.py.

Structured data (JSON-LD, microdata, RDFa, OpenGraph) is always read first; the XPath selectors below
fill what a big platform's own markup carries and its structured data lacks (Amazon has no JSON-LD
Product, Coupang and Gmarket put price and stock in their own classes …). Keys of PLATFORM_MARKUP
are platform families; `FAMILY_OF` maps registry platform ids to them. Selectors are best-effort
(the platforms change their markup); every value they yield is checked like any other reading.
"""
from __future__ import annotations

import re

# field → XPath expressions, first hit wins. Markers: an element that proves the page kind.
PLATFORM_MARKUP: dict[str, dict[str, list[str]]] = {
    "amazon": {
        "title": ["//span[@id='productTitle']", "//h1[@id='title']"],
        "brand": ["//a[@id='bylineInfo']", "//tr[contains(@class,'po-brand')]/td[last()]"],
        "availability": ["//div[@id='availability']", "//div[@id='outOfStock']", "//div[@id='availabilityInsideBuyBox_feature_div']"],
        # Only the product's own column and buy box: carousels of other products carry a-price too.
        "price": ["//div[@id='corePrice_feature_div' or @id='corePriceDisplay_desktop_feature_div' or @id='apex_desktop']"
                  "//span[contains(@class,'a-price')]/span[contains(@class,'a-offscreen')]",
                  "//span[@id='priceblock_ourprice' or @id='priceblock_dealprice' or @id='priceblock_saleprice']",
                  "//span[@id='price_inside_buybox' or @id='newBuyBoxPrice']",
                  "//div[@id='centerCol' or @id='buybox' or @id='rightCol']"
                  "//span[contains(@class,'a-price')]/span[contains(@class,'a-offscreen')]"],
        "sku": ["//input[@id='ASIN']/@value", "//div[@id='dp']/@data-asin"],
        "seller": ["//a[@id='sellerProfileTriggerId']", "//div[@id='merchant-info']//a", "//div[@id='merchant-info']"],
        "product_marker": ["//span[@id='productTitle']", "//div[@id='dp-container']", "//input[@id='ASIN']"],
        "search_marker": ["//div[@data-component-type='s-search-result']", "//span[@data-component-type='s-search-results']"],
        "instock_marker": ["//input[@id='add-to-cart-button']", "//input[@id='buy-now-button']"],
        "block_marker": ["//form[contains(@action,'validateCaptcha')]", "//input[@id='captchacharacters']"],
    },
    "rakuten": {
        "title": ["//span[contains(@class,'item_name')]", "//h1[contains(@class,'item_name')]"],
        "price": ["//span[contains(@class,'price2')]", "//div[@id='priceCalculationConfig']/@data-price"],
        "seller": ["//span[contains(@class,'shop-name')]", "//a[contains(@class,'shop-name')]"],
        "product_marker": ["//span[contains(@class,'item_name')]", "//div[@id='rakutenLimitedId_cart']"],
        "instock_marker": ["//button[contains(@class,'cart-button')][not(@disabled)]", "//input[@value='買い物かごに入れる']"],
        "oos_marker": ["//div[contains(@class,'soldout')]", "//span[contains(@class,'soldout')]"],
    },
    "yahoo": {
        "title": ["//h1[contains(@class,'elName')]", "//p[contains(@class,'elName')]"],
        "price": ["//p[contains(@class,'elPriceNumber')]", "//span[contains(@class,'elPriceNumber')]"],
        "seller": ["//p[contains(@class,'elStoreName')]", "//a[contains(@class,'elStoreName')]"],
        "product_marker": ["//div[@id='itm_cat']", "//h1[contains(@class,'elName')]"],
        "oos_marker": ["//p[contains(@class,'elSoldOut')]"],
    },
    "coupang": {
        "title": ["//h2[contains(@class,'prod-buy-header__title')]", "//h1[contains(@class,'product-title')]"],
        "brand": ["//a[contains(@class,'prod-brand-name')]", "//div[contains(@class,'prod-brand-name')]"],
        "price": ["//span[contains(@class,'total-price')]/strong", "//div[contains(@class,'prod-sale-price')]//span[contains(@class,'total-price')]"],
        "seller": ["//a[contains(@class,'prod-sale-vendor-name')]", "//div[contains(@class,'prod-sale-vendor')]"],
        "product_marker": ["//div[contains(@class,'prod-atf')]", "//h2[contains(@class,'prod-buy-header__title')]"],
        "search_marker": ["//ul[@id='productList']"],
        "instock_marker": ["//button[contains(@class,'prod-buy-btn')][not(@disabled)]"],
        "oos_marker": ["//div[contains(@class,'oos-label')]", "//div[contains(@class,'prod-not-find-known__buy')]"],
    },
    "gmarket": {
        "title": ["//h1[contains(@class,'itemtit')]"],
        "price": ["//strong[contains(@class,'price_real')]"],
        "seller": ["//span[contains(@class,'text__seller')]", "//a[contains(@class,'link__seller')]"],
        "product_marker": ["//div[@id='itemcase_basic']", "//h1[contains(@class,'itemtit')]"],
        "search_marker": ["//div[contains(@class,'box__component-itemcard')]"],
        "oos_marker": ["//div[contains(@class,'box__soldout')]"],
    },
    "11st": {
        "title": ["//h1[contains(@class,'title')]"],
        "price": ["//span[contains(@class,'value')]"],
        "product_marker": ["//div[contains(@class,'c_product_info')]"],
        "oos_marker": ["//div[contains(@class,'c_product_soldout')]"],
        "instock_marker": ["//button[contains(@class,'c_product_btn_buy')][not(@disabled)]"],
    },
    "walmart": {
        "title": ["//h1[@itemprop='name']", "//h1[@id='main-title']"],
        "price": ["//span[@itemprop='price']"],
        "seller": ["//a[@data-testid='seller-name-link']"],
        "product_marker": ["//h1[@id='main-title']", "//div[@data-testid='product-title']"],
        "instock_marker": ["//button[@data-automation-id='atc']"],
    },
    "target": {
        "title": ["//h1[@data-test='product-title']"],
        "price": ["//span[@data-test='product-price']"],
        "product_marker": ["//h1[@data-test='product-title']"],
        "oos_marker": ["//div[@data-test='soldOutBlock']", "//div[@data-test='outOfStockMessage']"],
        "instock_marker": ["//button[@data-test='shipItButton']"],
    },
    "iherb": {
        "title": ["//h1[@id='name']"],
        "brand": ["//div[@id='brand']//a", "//a[@class='brand-name']"],
        "price": ["//div[@id='price']", "//b[contains(@class,'s24')]"],
        "availability": ["//div[@id='stock-status']", "//strong[contains(@class,'text-primary')]"],
        "product_marker": ["//h1[@id='name']"],
    },
    "ebay": {
        "title": ["//h1[contains(@class,'x-item-title__mainTitle')]", "//h1[@id='itemTitle']"],
        "price": ["//div[contains(@class,'x-price-primary')]", "//span[@id='prcIsum']"],
        "seller": ["//div[contains(@class,'x-sellercard-atf__info__about-seller')]", "//span[contains(@class,'mbg-nw')]"],
        "product_marker": ["//h1[contains(@class,'x-item-title__mainTitle')]", "//div[@id='mainContent']//h1"],
        "search_marker": ["//ul[contains(@class,'srp-results')]"],
        "gone_marker": ["//div[contains(@class,'d-statusmessage')]//*[contains(., 'terminat') or contains(., 'ended')]"],
        "instock_marker": ["//a[@id='binBtn_btn']", "//a[contains(@class,'ux-call-to-action')]"],
    },
    "woolworths": {
        "title": ["//h1[contains(@class,'shelfProductTile-title')]", "//h1[contains(@class,'product-title')]"],
        "price": ["//div[contains(@class,'price-dollars')]/.."],
        "product_marker": ["//div[contains(@class,'product-detail')]"],
        "oos_marker": ["//div[contains(@class,'unavailable-tag')]"],
    },
    "chemist_warehouse": {
        "title": ["//div[contains(@class,'product-name')]/h1", "//h1[contains(@class,'product-name')]"],
        "price": ["//span[contains(@class,'product__price')]", "//div[contains(@class,'product__price')]"],
        "product_marker": ["//section[contains(@class,'product-display')]"],
        "oos_marker": ["//div[contains(@class,'out-of-stock')]"],
        "instock_marker": ["//button[contains(@class,'addToCartButton')][not(@disabled)]"],
    },
    "dm": {
        "title": ["//h1[@data-dmid='detail-page-headline-product-title']"],
        "brand": ["//a[@data-dmid='detail-page-headline-brand-name']", "//span[@data-dmid='detail-page-headline-brand-name']"],
        "price": ["//span[@data-dmid='price-localized']"],
        "availability": ["//div[@data-dmid='online-availability-container']"],
        "product_marker": ["//h1[@data-dmid='detail-page-headline-product-title']"],
    },
    "rossmann": {
        "title": ["//h1[contains(@class,'rm-product__title')]"],
        "brand": ["//a[contains(@class,'rm-product__brand')]"],
        "price": ["//div[contains(@class,'rm-price__current')]"],
        "product_marker": ["//div[contains(@class,'rm-productdetail')]"],
    },
    "boots": {
        "title": ["//h1[@id='estore_product_title']", "//div[@id='estore_product_title']/h1"],
        "price": ["//div[@id='PDP_productPrice']"],
        "product_marker": ["//div[@id='estore_pdp_trcol']", "//h1[@id='estore_product_title']"],
        "oos_marker": ["//div[@id='estore_pdp_outofstock']"],
    },
    "carrefour": {
        "title": ["//h1[contains(@class,'product-title')]"],
        "price": ["//p[contains(@class,'product-price__amount')]"],
        "product_marker": ["//div[contains(@class,'product-details')]"],
        "oos_marker": ["//div[contains(@class,'product-unavailable')]"],
    },
}

FAMILY_OF: dict[str, str] = {
    **{pid: "amazon" for pid in ("jp_amazon", "us_amazon", "gb_amazon", "de_amazon", "fr_amazon", "it_amazon",
                                   "es_amazon", "nl_amazon", "ca_amazon", "au_amazon", "sg_amazon")},
    "jp_rakuten_ichiba": "rakuten", "jp_yahoo_shopping": "yahoo", "kr_coupang": "coupang",
    "kr_gmarket": "gmarket", "kr_auction": "gmarket", "kr_11st": "11st", "us_walmart": "walmart",
    "ca_walmart": "walmart", "us_target": "target", "us_iherb": "iherb",
    **{pid: "ebay" for pid in ("us_ebay", "gb_ebay", "it_ebay", "au_ebay")},
    "au_woolworths": "woolworths", "nz_woolworths": "woolworths", "au_chemist_warehouse": "chemist_warehouse",
    "nz_chemist_warehouse": "chemist_warehouse", "de_dm": "dm", "de_rossmann": "rossmann", "gb_boots": "boots",
    "fr_carrefour": "carrefour",
}

# Marketplaces that run one page template on every national storefront (amazon.se, ebay.nl …): a
# storefront the registry does not list yet is read with its family's markup, found by the name of its
# registered domain. Only the markup follows; country, currency and URL rules stay the registry's.
WORLDWIDE_TEMPLATES = {"amazon": "amazon", "ebay": "ebay"}


def family_of_domain(registered_domain: str | None) -> str | None:
    """The template family of a storefront by its domain ("amazon.com.mx" → amazon), or None."""
    return WORLDWIDE_TEMPLATES.get((registered_domain or "").split(".", 1)[0].casefold())

# Byline texts around a brand name ("Visit the Hadaluna Store", "ブランド: ハダルナ" …): group 1 is the brand.
BRAND_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"^\s*visit the (.+?) store\s*$", r"^\s*brand\s*[:：]\s*(.+?)\s*$", r"^\s*ブランド\s*[:：]\s*(.+?)\s*$",
    r"^\s*(.+?)のストアを表示\s*$", r"^\s*besuche den (.+?)[- ]store\s*$", r"^\s*marke\s*[:：]\s*(.+?)\s*$",
    r"^\s*visitez la boutique (.+?)\s*$", r"^\s*marque\s*[:：]\s*(.+?)\s*$", r"^\s*visita lo store di (.+?)\s*$",
    r"^\s*marca\s*[:：]\s*(.+?)\s*$", r"^\s*브랜드\s*[:：]\s*(.+?)\s*$",
    # Amazon's store bylines in its other storefronts' languages.
    r"^\s*besuchen sie den (.+?)[- ]store\s*$", r"^\s*visiter la boutique (.+?)\s*$",
    r"^\s*visita la tienda de (.+?)\s*$", r"^\s*visite a loja (.+?)\s*$", r"^\s*bezoek de (.+?)[- ]winkel\s*$",
    r"^\s*(.+?)\s*のストアを表示\s*$", r"^\s*besök (.+?)[- ]butiken\s*$", r"^\s*odwiedź sklep (.+?)\s*$",
    r"^\s*(.+?) mağazasını ziyaret edin\s*$", r"^\s*زيارة متجر (.+?)\s*$",
)]

# Phrases, matched case-insensitively on NFKC text. Order matters only inside a caller.
BLOCK_PHRASES = (
    "robot check", "enter the characters you see", "type the characters you see", "not a robot",
    "ロボットではありません", "ロボットでないことを確認", "画像に表示されている文字を入力", "자동입력 방지", "보안문자를 입력", "access denied",
    "pardon our interruption", "verify you are human", "verify that you are human", "are you a human",
    "unusual traffic", "kein roboter", "pas un robot", "non sei un robot", "non sono un robot", "request blocked",
    "please enable cookies", "checking your browser", "captcha",
)
GONE_PHRASES = (
    "no longer available", "no longer sold", "is no longer for sale", "this listing has ended", "listing ended",
    "page not found", "couldn't find that page", "could not find that page", "looking for something?",
    "questa inserzione è terminata", "l'inserzione è terminata", "non è più disponibile", "non più disponibile",
    "nicht mehr verfügbar", "nicht mehr erhältlich", "seite wurde nicht gefunden", "n'est plus disponible",
    "n'est plus commercialisé", "page introuvable", "販売を終了", "販売終了", "掲載を終了", "掲載が終了",
    "お取り扱いしておりません", "ページが見つかりません", "ページは見つかりません", "存在しないか、削除された",
    "판매 종료", "판매종료", "판매가 종료", "페이지를 찾을 수 없습니다", "존재하지 않는 상품", "삭제된 상품",
)
OOS_PHRASES = (
    "out of stock", "currently unavailable", "sold out", "temporarily unavailable", "unavailable online",
    "在庫切れ", "品切れ", "売り切れ", "在庫なし", "入荷待ち", "품절", "일시품절", "재고 없음", "재고없음",
    "ausverkauft", "derzeit nicht verfügbar", "nicht auf lager", "online nicht verfügbar", "nicht lieferbar",
    "rupture de stock", "épuisé", "actuellement indisponible", "produit indisponible", "esaurito",
    "non disponibile", "attualmente non disponibile", "agotado", "no disponible",
)
INSTOCK_PHRASES = (
    "in stock", "add to cart", "add to basket", "add to trolley", "buy it now", "buy now", "left in stock",
    "在庫あり", "カートに入れる", "買い物かごに入れる", "今すぐ買う", "장바구니", "바로구매", "구매하기",
    "auf lager", "in den warenkorb", "sofort lieferbar", "lieferbar", "en stock", "ajouter au panier",
    "disponibile", "aggiungi al carrello", "compra subito", "añadir a la cesta",
)
SEARCH_PHRASES = (
    "search results", "results for", "検索結果", "の検索結果", "검색결과", "검색 결과", "suchergebnisse",
    "ergebnisse für", "résultats pour", "résultats de recherche", "risultati per", "risultati della ricerca",
    "resultados de", "shop all", "category:", "カテゴリ", "카테고리",
)
LOGIN_PHRASES = ("sign in", "sign-in", "log in", "login", "ログイン", "로그인", "anmelden", "connexion", "se connecter",
                 "accedi")

# Elements whose id/class names availability or buying: phrases inside them are read with more trust.
AVAILABILITY_ZONE = ("//*[contains(translate(@id,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz'),'availab') "
                     "or contains(translate(@class,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz'),'availab') "
                     "or contains(translate(@class,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz'),'stock') "
                     "or contains(translate(@id,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz'),'stock') "
                     "or contains(translate(@class,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz'),'soldout') "
                     "or contains(translate(@class,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz'),'sold-out')]")

# Hosts of bot-challenge services a shop may redirect to: a redirect there is a block, not a departure.
CHALLENGE_HOSTS = ("perfdrive.com", "captcha-delivery.com", "hcaptcha.com", "recaptcha.net", "challenges.cloudflare.com",
                   "geo.captcha-delivery.com")

# Compared after removing everything but a–z: "InStock", "in stock", "in_stock" are one word.
SCHEMA_IN_STOCK = {"instock", "limitedavailability", "onlineonly", "instoreonly", "availablefororder", "available"}
SCHEMA_OUT_OF_STOCK = {"outofstock", "soldout", "discontinued", "backorder", "preorder", "presale", "oos",
                       "pending", "unavailable"}
