"""Read one captured page: what kind of page it is and the canonical listing fields.

The page is parsed once (lxml) and every source it offers is read once: structured data (JSON-LD with
nested @graph and offer lists, microdata, RDFa where declared — extruct on the same tree), OpenGraph and
product meta tags, embedded state (state.py), the platform's own markup (markup.py), and the visible page
(visible.py: buy box, buy buttons, status labels, prices beside the title, captions, bylines) and the URL.
Each gives candidates with a confidence; reconcile.py chooses each field by the evidence for it, so
agreeing sources outweigh any single one. Every field records the source that gave it, the others that
agreed and the pooled confidence; the visible page alone never reaches the confidence a pass or a fail
needs.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import extruct
import lxml.html
from lxml import etree
from rapidfuzz import fuzz
from stdnum import ean
from w3lib.encoding import html_to_unicode

from originproof.evidence.listings import brand as B
from originproof.evidence.listings import identifiers as I
from originproof.evidence.listings import markup as M
from originproof.evidence.listings.reconcile import Candidates
from originproof.evidence.listings.state import read_state
from originproof.evidence.listings.visible import Visible, clean_brand, norm, prune, read_visible, url_ids
from originproof.evidence.listings.vocab import (availability_of, buy_phrases, find_phrase, instock_phrases,
                                                 oos_phrases)
from originproof.registry import Registry

CONF = {"json-ld": 0.95, "microdata": 0.95, "rdfa": 0.93, "opengraph": 0.9, "platform": 0.9, "zone": 0.85,
        "title": 0.85, "url": 0.8, "state": 0.85, "meta": 0.85, "visible": 0.7, "buybox": 0.7, "button": 0.7,
        "text": 0.6}
PRODUCT_TYPES = {"product", "productgroup", "individualproduct", "productmodel", "vehicle", "drug",
                 "dietarysupplement"}
LIST_TYPES = {"searchresultspage", "collectionpage", "itemlist", "offercatalog"}
MAX_HTML_CHARS = 3_000_000


@dataclass
class Read:
    value: Any
    source: str  # the strongest source of the value (json-ld, microdata, state, platform:amazon, zone, url …)
    conf: float | None = None  # as reconciled over every source; None: the source kind's own trust
    also: tuple[str, ...] = ()  # other sources that gave the same value

    @property
    def confidence(self) -> float:
        if self.conf is not None:
            return self.conf
        return CONF.get(self.source.split(":", 1)[0], 0.6)


@dataclass
class PageReading:
    state: str = "unknown"  # live | out_of_stock | gone | blocked | error | not_product | unknown
    detail: str = ""
    fields: dict[str, Read] = field(default_factory=dict)
    page_kind: str | None = None  # product | search | category | storefront | login | block | gone | error

    def get(self, name: str) -> Any:
        r = self.fields.get(name)
        return r.value if r else None


# ------------------------------------------------------------------------------------------ helpers
def _has(text: str, phrases: tuple[str, ...]) -> str | None:
    low = text.casefold()
    return next((p for p in phrases if p.casefold() in low), None)


def decode_html(body: bytes, content_type: str | None) -> str:
    _enc, text = html_to_unicode(content_type, body)
    return text[:MAX_HTML_CHARS]


_parsers = threading.local()  # an lxml parser is not to be shared between threads


def parse_html(html: str):
    """The page's one lxml tree. Every element is an HtmlElement found by a C-level lookup: lxml.html's
    own lookup (a Python call per element touched, to give forms and inputs their own classes) costs
    as much as the rest of the reading on a large page, and no reader here uses those classes."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity))
        _parsers.parser = parser
    return lxml.html.fromstring(html, parser=parser)


# Signs as shops print them (longest first where one contains another: "NT$" before "$").
_CURRENCY_SIGNS = [("US$", "USD"), ("A$", "AUD"), ("AU$", "AUD"), ("C$", "CAD"), ("NZ$", "NZD"), ("S$", "SGD"),
                   ("HK$", "HKD"), ("NT$", "TWD"), ("R$", "BRL"), ("￥", "JPY"), ("¥", "JPY"), ("円", "JPY"),
                   ("₩", "KRW"), ("원", "KRW"), ("€", "EUR"), ("£", "GBP"), ("CHF", "CHF"), ("฿", "THB"),
                   ("₹", "INR"), ("₽", "RUB"), ("₺", "TRY"), ("₪", "ILS"), ("zł", "PLN"), ("Kč", "CZK"),
                   ("元", "CNY"), ("$", None)]
_COUNTRY_DOLLAR = {"US": "USD", "AU": "AUD", "CA": "CAD", "NZ": "NZD", "SG": "SGD"}


def parse_price(text: Any, country: str | None = None) -> tuple[str | None, str | None]:
    """(decimal string, ISO 4217) from "￥1,280", "1.280,50 €", "₩15,900", "$14.99" …"""
    if text is None:
        return None, None
    s = norm(str(text))
    cur = None
    for sign, code in _CURRENCY_SIGNS:
        if sign in s:
            cur = code or _COUNTRY_DOLLAR.get((country or "").upper())
            break
    m = re.search(r"\b(JPY|KRW|USD|EUR|GBP|AUD|CAD|NZD|SGD|CHF|THB|HKD|TWD|CNY|INR|RUB|TRY|ILS|PLN|CZK|HUF|RON|"
                  r"SEK|NOK|DKK|BRL|MXN|CLP|PKR|BYN|HRK|ZAR|MYR|IDR|PHP|VND|AED|SAR)\b", s)
    if m:
        cur = m.group(1)
    num = re.search(r"\d[\d.,'\s]*", s)
    if not num:
        return None, cur
    n = num.group(0).strip().replace("'", "").replace(" ", "")
    if "," in n and "." in n:
        n = n.replace(".", "").replace(",", ".") if n.rfind(",") > n.rfind(".") else n.replace(",", "")
    elif "," in n:
        head, _, tail = n.rpartition(",")
        n = n.replace(",", "") if len(tail) == 3 else f"{head.replace(',', '')}.{tail}"
    elif n.count(".") > 1 or (n.count(".") == 1 and len(n.rpartition(".")[2]) == 3 and cur in ("KRW", "JPY")):
        n = n.replace(".", "")
    n = n.rstrip(".")
    try:
        d = Decimal(n)
    except InvalidOperation:
        return None, cur
    return format(d.normalize(), "f"), cur


def _first(v: Any) -> Any:
    if isinstance(v, list):
        return v[0] if v else None
    return v


def _name_of(v: Any) -> str | None:
    v = _first(v)
    if isinstance(v, dict):
        v = _first(v.get("name") or v.get("@value"))
    if isinstance(v, (str, int, float)):
        s = norm(str(v))
        return s or None
    return None


def _type_names(item: dict[str, Any]) -> set[str]:
    t = item.get("@type")
    ts = t if isinstance(t, list) else [t]
    return {str(x).rsplit("/", 1)[-1].rsplit("#", 1)[-1].casefold() for x in ts if x}


def _flatten_rdfa(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """extruct's RDFa is a flat node list with IRIs: nest it by @id and shorten the keys."""
    nodes = {n.get("@id"): n for n in items if isinstance(n, dict)}

    def short(k: str) -> str:
        return k.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def conv(n: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": n.get("@type", [])}
        for k, vals in n.items():
            if k.startswith("@"):
                continue
            conv_vals = []
            for v in vals if isinstance(vals, list) else [vals]:
                if isinstance(v, dict) and "@value" in v:
                    conv_vals.append(v["@value"])
                elif isinstance(v, dict) and "@id" in v:
                    ref = nodes.get(v["@id"])
                    conv_vals.append(conv(ref, depth + 1) if ref is not None and depth < 4 else v["@id"])
            out[short(k)] = conv_vals[0] if len(conv_vals) == 1 else conv_vals
        return out
    return [conv(n) for n in nodes.values()]


def _walk(obj: Any, depth: int = 0):
    if depth > 6:
        return
    if isinstance(obj, dict):
        yield obj
        for k, v in obj.items():
            if k in ("@context",):
                continue
            yield from _walk(v, depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v, depth + 1)


@dataclass
class Structured:
    products: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (syntax, item)
    list_types: set[str] = field(default_factory=set)
    og: dict[str, str] = field(default_factory=dict)
    crumbs: list[str] = field(default_factory=list)  # a BreadcrumbList's names, outermost first
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)  # JSON-LD nodes by @id, for references


def _crumb_names(item: dict[str, Any]) -> list[str]:
    elems = item.get("itemListElement")
    elems = [e for e in (elems if isinstance(elems, list) else [elems]) if isinstance(e, dict)]

    def pos(e: dict[str, Any]) -> float:
        try:
            return float(_first(e.get("position")))
        except (TypeError, ValueError):
            return 0.0
    names = [_name_of(e.get("name")) or _name_of(e.get("item")) for e in sorted(elems, key=pos)]
    return [n for n in names if n and "://" not in n and not n.startswith("/")]  # a bare address is no name


def read_structured(html: str, url: str | None, tree=None) -> Structured:
    """Products and list types of JSON-LD, microdata and RDFa, and the OpenGraph tags — from the page's one
    lxml tree when given (RDFa needs its own DOM and is parsed only when the page declares RDFa types)."""
    st = Structured()
    data: dict[str, Any] = {}
    try:
        if tree is not None:
            data = extruct.extract(tree, base_url=url or "", syntaxes=["json-ld", "microdata", "opengraph"],
                                   uniform=True, errors="ignore")
            # pyRdfa is slow (up to a second on a large page): run it only where RDFa declares a product.
            if tree.xpath("//*[@typeof][contains(translate(@typeof,'PRODUCTOFER','productofer'),'product') or "
                          "contains(translate(@typeof,'PRODUCTOFER','productofer'),'offer')]"):
                data.update(extruct.extract(html, base_url=url or "", syntaxes=["rdfa"], uniform=True,
                                            errors="ignore"))
        else:
            data = extruct.extract(html, base_url=url or "", syntaxes=["json-ld", "microdata", "rdfa", "opengraph"],
                                   uniform=True, errors="ignore")
    except Exception:  # noqa: BLE001 — broken markup is read as "no structured data"
        data = {}
    # JSON-LD that extruct could not parse as a whole (trailing commas …) is retried leniently.
    if not data.get("json-ld"):
        data["json-ld"] = _lenient_json_ld(html)
    for syntax in ("json-ld", "microdata", "rdfa"):
        items = data.get(syntax) or []
        if syntax == "rdfa":
            items = _flatten_rdfa(items)
        seen_ids: set[int] = set()
        for it in _walk(items):
            tn = _type_names(it)
            if tn & PRODUCT_TYPES and id(it) not in seen_ids:
                seen_ids.add(id(it))
                st.products.append((syntax, it))
            if tn & LIST_TYPES:
                st.list_types |= tn & LIST_TYPES
            if "breadcrumblist" in tn and not st.crumbs:
                st.crumbs = _crumb_names(it)
            if syntax == "json-ld" and isinstance(it.get("@id"), str) and len(it) > 1:
                st.ids.setdefault(it["@id"], it)
    for og in data.get("opengraph") or []:
        for k, v in og.items():
            if k == "@type":
                st.og["og:type"] = str(v)
            elif not k.startswith("@"):
                st.og[k] = str(_first(v))
    return st


def _lenient_json_ld(html: str) -> list[Any]:
    out = []
    for m in re.finditer(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", html, re.S | re.I):
        raw = re.sub(r",\s*([}\]])", r"\1", m.group(1).strip())
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue
    return out


def _main_product(st: Structured, heading: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """The page's own product: among several, the one whose name is the page's heading (related products
    and lists carry Product items too); else the one with offers, else the first; None on a list of many."""
    if not st.products:
        return None
    if heading and len(st.products) > 1:
        h = heading.casefold()
        scored = [(fuzz.ratio((_name_of(p.get("name")) or "").casefold(), h), bool(p.get("offers")), -i, (syn, p))
                  for i, (syn, p) in enumerate(st.products)]
        best = max(scored, key=lambda x: x[:3])
        if best[0] >= 90:
            return best[3]
    names = {(_name_of(p.get("name")) or "").casefold() for _s, p in st.products}
    if st.list_types and len(names) > 1:
        return None
    with_offers = [p for p in st.products if p[1].get("offers")]
    top = [p for p in with_offers if not p[1].get("isSimilarTo")]
    return (top or with_offers or st.products)[0]


def _brand_of(p: dict[str, Any], st: Structured) -> tuple[str | None, bool]:
    """(brand, stated as such) as JSON-LD, microdata or RDFa give it: a name, a Brand or Organization
    object, a list of them, a reference to a node elsewhere in the graph ({"@id": …}), or the brand of the
    product group a variant belongs to; else the maker (schema.org `manufacturer`, not stated as the
    brand: a maker is often the brand, but can be its parent company or a contract maker)."""
    def named(v: Any) -> str | None:
        for x in (v if isinstance(v, list) else [v]):
            if isinstance(x, dict) and set(x) <= {"@id", "@type"} and isinstance(x.get("@id"), str):
                x = st.ids.get(x["@id"], x)
            if isinstance(x, dict) and "name" not in x and "@value" not in x:
                continue  # a bare reference we cannot follow
            if (n := _name_of(x)):
                return n
        return None
    group = _first(p.get("isVariantOf"))
    brand = named(p.get("brand")) or (named(group.get("brand")) if isinstance(group, dict) else None)
    if brand:
        return brand, True
    return named(p.get("manufacturer")), False


def _offers(p: dict[str, Any]) -> list[dict[str, Any]]:
    o = p.get("offers")
    out: list[dict[str, Any]] = []
    for x in o if isinstance(o, list) else [o]:
        if isinstance(x, dict):
            inner = x.get("offers")  # AggregateOffer with offers
            out.append(x)
            if isinstance(inner, list):
                out += [i for i in inner if isinstance(i, dict)]
            elif isinstance(inner, dict):
                out.append(inner)
    for v in p.get("hasVariant") or []:
        if isinstance(v, dict):
            out += _offers(v)
    return out


def _valid_gtin(v: Any) -> str | None:
    if v is None:
        return None
    s = re.sub(r"\D", "", str(_first(v)))
    if len(s) in (8, 12, 13, 14) and ean.is_valid(s):
        return s
    return None


# ------------------------------------------------------------------------------------------ markup
def _xp_text(tree, exprs: list[str]) -> str | None:
    for e in exprs:
        try:
            res = tree.xpath(e)
        except Exception:  # noqa: BLE001 — a bad selector in data must not break reading
            continue
        for r in res:
            t = norm(r if isinstance(r, str) else r.text_content())
            if t:
                return t
    return None


def _xp_any(tree, exprs: list[str]) -> bool:
    for e in exprs:
        try:
            if tree.xpath(e):
                return True
        except Exception:  # noqa: BLE001
            continue
    return False


def _availability_text(text: str) -> str | None:
    """A platform's availability box: its wording in the vocabularies (registry/data/listings)."""
    if find_phrase(text, oos_phrases()):
        return "out_of_stock"
    if find_phrase(text, instock_phrases() + buy_phrases()):
        return "in_stock"
    return None


# ------------------------------------------------------------------------------------------ sources
# Confidence of each kind of source for a field it states (reconcile.py pools agreeing sources).
WEAK_AVAILABILITY = {"buybox", "button", "text"}
WEAK_CAP = 0.75  # below the policy's 0.8: visible wording and buttons alone never decide a pass or fail
CONFIDENT = 0.8  # the policy's reading threshold (min_field_confidence)
STATE_CONF = 0.85
URL_SKU_CONF = 0.6


def _kind(source: str) -> str:
    return source.split(":", 1)[0]


def _price_key(amount: str | None) -> Decimal | None:
    try:
        return Decimal(amount) if amount is not None else None
    except InvalidOperation:
        return None


def _add_price(cands: Candidates, raw: Any, source: str, conf: float, country: str | None,
               currency: str | None = None) -> None:
    amt, cur = parse_price(raw, country)
    if amt is None or Decimal(amt) <= 0:
        return  # a zero price is a placeholder ("price on request"), not a price
    cands.add("price", amt, source, conf)
    cc = currency or cur
    if cc:
        cands.add("currency", str(cc).upper(), source, conf)


def _from_structured(main, st: Structured, country: str | None, cands: Candidates, pr: PageReading) -> None:
    if main is None:
        return
    syn, p = main
    conf = CONF[syn]
    cands.add("title", _name_of(p.get("name")), syn, conf)
    brand, stated = _brand_of(p, st)
    if brand:
        cleaned = B.brand_value(brand)
        title = (_name_of(p.get("name")) or "").casefold()
        # A "brand" that is the page's title or a site banner ("Shop name | Site") is a filled-in field.
        if cleaned and not (len(cleaned) > 40 or " | " in cleaned or cleaned.casefold() == title):
            weaker = (cleaned != brand) + (not stated)  # cleaned out of a byline; a maker, not a brand
            cands.add("brand", cleaned, f"{syn}:manufacturer" if not stated else syn, conf - 0.1 * weaker)
    for k in ("gtin13", "gtin", "gtin12", "gtin14", "gtin8", "ean", "isbn"):
        if (g := _valid_gtin(p.get(k))):
            cands.add("gtin", g, syn, conf)
            break
    offers = _offers(p)
    sku = _name_of(p.get("sku")) or next((_name_of(o.get("sku")) for o in offers if o.get("sku")), None)
    # productID is the shop's id; mpn is the maker's and only stands in when nothing else is given.
    for value, c in ((sku, conf), (_name_of(p.get("productID")), conf - 0.1), (_name_of(p.get("mpn")), 0.6)):
        if value and len(value) <= 40 and re.search(r"\d", value):
            value = re.sub(r"^(?:sku|isbn|ean|upc)\s*[:#]?\s*", "", value, flags=re.I)
            # An identifier has no spaces: "AB123 Watch" is a name with a code in it.
            cands.add("sku", value, syn, c if not re.search(r"\s", value) else 0.5)
            break
    avs = [a for a in (availability_of(o.get("availability")) for o in offers) if a]
    if not avs and p.get("availability") is not None:
        avs = [a for a in [availability_of(p.get("availability"))] if a]
    if avs:
        # One buyable offer (a size, a seller) makes the product buyable.
        cands.add("availability", "in_stock" if "in_stock" in avs else "out_of_stock", syn, conf)
        if any(str(_first(o.get("availability"))).lower().endswith("discontinued") for o in offers) \
                and "in_stock" not in avs:
            pr.detail = "schema.org availability Discontinued"
    prices = []
    for o in offers:
        price = _first(o.get("price") if o.get("price") not in (None, "") else o.get("lowPrice"))
        spec = o.get("priceSpecification")
        if price is None and isinstance(spec, (dict, list)):
            price = _first(_first(spec).get("price")) if isinstance(_first(spec), dict) else None
        if price is not None:
            prices.append((price, _name_of(o.get("priceCurrency"))))
    if prices:
        # The first offer states the product's price; the other offers (sizes, colours, sellers) stand as
        # slightly weaker candidates, so the one the page shows beside the title can win by agreement.
        _add_price(cands, prices[0][0], syn, conf, country, prices[0][1])
        for price, cur in prices[1:12]:
            _add_price(cands, price, syn, conf - 0.05, country, cur)
    for o in offers:
        if (sl := _name_of(o.get("seller"))):
            cands.add("seller", sl, syn, conf)
            break


def _meta_tags(tree) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in tree.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().casefold()
        val = m.get("content")
        if key and val and key not in out:
            out[key] = val.strip()
    return out


def _from_meta(meta: dict[str, str], og: dict[str, str], country: str | None, cands: Candidates) -> None:
    """OpenGraph product tags and the product meta tags shops put in the head (itemprop metas outside an item)."""
    get = lambda *ks: next((meta.get(k) or og.get(k) for k in ks if meta.get(k) or og.get(k)), None)  # noqa: E731
    og_product = (get("og:type") or "").casefold() in ("product", "og:product", "product.item", "product.group")
    if og_product or any(k.startswith(("product:", "og:price:")) for k in (*meta, *og)):
        if (t := get("og:title")):
            cands.add("title", norm(t), "opengraph", CONF["opengraph"] - 0.05)
    if (b := get("product:brand", "og:brand")):
        cands.add("brand", clean_brand(b), "opengraph", CONF["opengraph"])
    if (a := availability_of(get("product:availability", "og:availability"))):
        cands.add("availability", a, "opengraph", CONF["opengraph"])
    if (p := get("product:price:amount", "og:price:amount", "product:sale_price:amount", "og:price")):
        _add_price(cands, p, "opengraph", CONF["opengraph"], country,
                   get("product:price:currency", "og:price:currency"))
    for k in ("product:ean", "product:upc", "product:gtin", "product:isbn", "gtin13", "gtin"):
        if (g := _valid_gtin(get(k))):
            cands.add("gtin", g, "opengraph", CONF["opengraph"])
            break
    if (s := get("product:retailer_item_id", "product:sku")):
        cands.add("sku", norm(s), "opengraph", CONF["opengraph"])
    # itemprop metas that sit outside any itemscope (extruct reads only those inside an item).
    if (a := availability_of(meta.get("availability"))):
        cands.add("availability", a, "meta", 0.85)
    if (p := meta.get("price")):
        _add_price(cands, p, "meta", 0.8, country, meta.get("pricecurrency"))
    if (s := meta.get("sku")) and re.search(r"\d", s):
        cands.add("sku", norm(s), "meta", 0.8)
    if (b := meta.get("brand")):
        cands.add("brand", clean_brand(b), "meta", 0.8)


def _from_state(state, country: str | None, cands: Candidates) -> None:
    conf = STATE_CONF if state.similarity >= 95 else STATE_CONF - 0.1
    v = state.values
    if isinstance(v.get("price"), int) and v["price"] >= 100:
        # A whole number in page state may be in minor units (Shopify's product JSON keeps cents):
        # both readings stand, weaker, and another source's agreement decides between them.
        _add_price(cands, v["price"], "state", conf - 0.15, country)
        _add_price(cands, Decimal(v["price"]) / 100, "state:minor-units", conf - 0.2, country)
    elif "price" in v:
        _add_price(cands, v["price"], "state", conf, country)
    if "availability" in v:
        cands.add("availability", v["availability"], "state", conf - 0.05)
    if "sku" in v and re.search(r"\d", str(v["sku"])) and len(str(v["sku"])) <= 40:
        cands.add("sku", str(v["sku"]).strip(), "state", conf - 0.1)
    if isinstance(v.get("brand"), str) and len(v["brand"]) <= 60:
        cands.add("brand", clean_brand(v["brand"]), "state", conf - 0.05)
    if (g := _valid_gtin(v.get("gtin"))):
        cands.add("gtin", g, "state", conf)


def _from_platform(tree, mk: dict[str, list[str]], family: str | None, url: str | None, country: str | None,
                   cands: Candidates) -> None:
    src = f"platform:{family}"
    conf = CONF["platform"]
    for name in ("title", "brand", "price", "seller", "sku"):
        if name not in mk:
            continue
        v = _xp_text(tree, mk[name])
        if not v:
            continue
        if name == "brand":
            cands.add("brand", clean_brand(v), src, conf)
        elif name == "price":
            _add_price(cands, v, src, conf, country)
        else:
            cands.add(name, v, src, conf)
    if family == "amazon" and url:
        m = re.search(r"/(?:dp|gp/product|gp/aw/d)/([A-Z0-9]{10})", urlsplit(url).path)
        if m:
            cands.add("sku", m.group(1), "url", CONF["url"])
    av_text = _xp_text(tree, mk.get("availability", [])) if mk.get("availability") else None
    a = _availability_text(av_text) if av_text else None
    if a:
        cands.add("availability", a, src, conf)
    elif _xp_any(tree, mk.get("oos_marker", [])):
        cands.add("availability", "out_of_stock", src, conf)
    elif _xp_any(tree, mk.get("instock_marker", [])):
        cands.add("availability", "in_stock", src, conf)


def _from_visible(vis: Visible, url: str | None, country: str | None, cands: Candidates) -> None:
    for value, source, conf in vis.availability:
        cands.add("availability", value, source, conf)
    for raw, source, conf in vis.prices:
        _add_price(cands, raw, source, conf, country)
    for value, source, conf in vis.sku:
        cands.add("sku", value, source, conf)
    for value, source, conf in vis.brand:
        cands.add("brand", value, source, conf)
    # An identifier in the product's URL: weak alone, strong when the page states the same one.
    for tok in url_ids(url):
        cands.add("sku", tok, "url", URL_SKU_CONF)
    if not cands.has("gtin"):
        m = re.search(r"(?:JAN|EAN|GTIN|UPC|바코드|Barcode|Code EAN|Codice EAN)\s*(?:コード|code)?\s*[:：]?\s*(\d{8,14})",
                      vis.text, re.IGNORECASE)
        if m and _valid_gtin(m.group(1)):
            cands.add("gtin", m.group(1), "text", 0.6)


# ------------------------------------------------------------------------------------------ main
def read_page(body: bytes, *, url: str | None, status: int | None = 200, content_type: str | None = None,
              registry: Registry | None = None) -> PageReading:
    pr = PageReading()
    html = decode_html(body or b"", content_type) if body else ""
    platform = registry.platform_for_url(url) if (registry is not None and url) else None
    family = M.FAMILY_OF.get(platform.id) if platform else (
        M.family_of_domain(Registry.registered_domain(url)) if url else None)
    mk = M.PLATFORM_MARKUP.get(family or "", {})
    country = platform.country if platform else None
    try:
        tree = parse_html(html) if html.strip() else None
    except Exception:  # noqa: BLE001
        tree = None
    title_tag = norm(tree.findtext(".//title") or "") if tree is not None else ""

    # Every source is read once from the one tree, in the order that needs the tree whole: structured
    # data, page state and meta tags (in scripts and head), platform markup; then hidden parts are dropped
    # and the visible page is read.
    st = read_structured(html, url, tree) if tree is not None else Structured()
    main = _main_product(st, _xp_text(tree, ["//h1"]) if tree is not None else None)
    cands = Candidates()
    if tree is not None:
        _from_structured(main, st, country, cands, pr)
        meta = _meta_tags(tree)
        _from_meta(meta, st.og, country, cands)
        page_title = (cands.choose("title").value if cands.has("title") else None) \
            or _xp_text(tree, ["//h1"]) or title_tag
        state = read_state(tree, page_title)
        if state is not None:
            _from_state(state, country, cands)
        block_mark = _xp_any(tree, mk.get("block_marker", []))
        product_mark = _xp_any(tree, mk.get("product_marker", []))
        search_mark = _xp_any(tree, mk.get("search_marker", []))
        _from_platform(tree, mk, family, url, country, cands)
        gone_mark = _xp_text(tree, mk["gone_marker"]) if mk.get("gone_marker") else None
        prune(tree)
        hint = (cands.choose("title").value if cands.has("title") else None) or meta.get("og:title") or title_tag
        vis = read_visible(tree, hint)
        _from_visible(vis, url, country, cands)
        sites = B.site_names(meta, st.og, url)
        # The product's own name (structured data, the heading); a <title> tag also carries the shop's
        # slogans, authors and publishers, and is read only when there is nothing else.
        names = [cands.choose("title").value if cands.has("title") else None, vis.title]
        name = B.product_name(names if any(names) else [title_tag], sites)
        B.add_witnesses(cands, name, st.crumbs or vis.crumbs, sites)
    else:
        block_mark = product_mark = search_mark = False
        gone_mark = None
        vis = Visible()
    text = vis.text
    head = f"{title_tag} {text[:3000]}"

    # ---- status first: the server's own answer outranks the body
    if status in (404, 410):
        pr.state, pr.page_kind, pr.detail = "gone", "gone", f"HTTP {status}"
        return pr
    # Block phrases count only on a page that shows no product of its own (a product page may mention cookies).
    if status in (401, 403, 407, 429) or block_mark or (main is None and not product_mark
                                                          and _has(head, M.BLOCK_PHRASES)):
        pr.state, pr.page_kind = "blocked", "block"
        pr.detail = f"HTTP {status}: block or captcha page" if status else "block or captcha page"
        return pr
    if status is not None and not (200 <= status < 300):
        pr.state, pr.page_kind, pr.detail = "error", "error", f"HTTP {status}"
        return pr
    if tree is None:
        pr.state, pr.page_kind, pr.detail = "error", "error", "empty page"
        return pr

    f = pr.fields
    notes = []
    struck = {k for k in (_price_key(parse_price(t, country)[0]) for t in vis.struck) if k is not None}
    for name in ("title", "brand", "gtin", "sku", "price", "currency", "seller", "availability"):
        if name == "brand":
            ch, note = B.settle(cands)
            notes.append(note)
        elif name == "sku":
            ch, note = I.settle(cands, vis.text)
            notes.append(note)
        else:
            ch = cands.choose(name, struck if name == "price" else None)
        if ch is None:
            continue
        conf = ch.confidence
        if name == "availability" and not ({_kind(w) for w in ch.witnesses} - WEAK_AVAILABILITY):
            conf = min(conf, WEAK_CAP)  # the visible page alone never carries a pass or a fail
        if name == "availability" and ch.runner_up >= CONFIDENT:
            # Sources that each read confidently and disagree (markup "in stock", a "sold out" label and a
            # disabled button): the better-supported reading stands, but not strongly enough to decide alone.
            conf = min(conf, WEAK_CAP)
            pr.detail = pr.detail or f"availability sources disagree ({ch.rejected[0][1]} says {ch.rejected[0][0]})"
        f[name] = Read(ch.value, ch.source, conf, tuple(w for w in ch.witnesses if w != ch.source))
    pr.detail = "; ".join(filter(None, [pr.detail, *notes]))
    if "price" in f and "currency" in f and f["currency"].source != f["price"].source:
        # The currency of the chosen price's own source, when it gave one.
        same = [c for c in cands.by_field.get("currency", []) if c.source == f["price"].source]
        if same:
            f["currency"] = Read(same[0].value, same[0].source, same[0].confidence)
    if "currency" not in f and "price" in f and country:
        cur = {"JP": "JPY", "KR": "KRW", "US": "USD", "GB": "GBP", "AU": "AUD", "CA": "CAD", "NZ": "NZD",
               "SG": "SGD", "CH": "CHF", "TH": "THB"}.get(country, "EUR" if country in
                                                           ("DE", "FR", "IT", "ES", "NL") else None)
        if cur:
            f["currency"] = Read(cur, "text")
    if "title" not in f and (vis.title or title_tag):
        f["title"] = Read(vis.title or title_tag, "title")

    # ---- what kind of page
    og_product = st.og.get("og:type", "").casefold() in ("product", "og:product", "product.item")
    kind, kind_src = _page_kind(tree, st, main, og_product, mk, f, title_tag, text, url, platform, registry,
                                search_mark, product_mark)
    gone_phrase = _has(head, M.GONE_PHRASES) or gone_mark
    in_stock = f.get("availability") is not None and f["availability"].value == "in_stock" \
        and f["availability"].source.split(":")[0] in ("json-ld", "microdata", "rdfa", "opengraph", "platform",
                                                        "state", "meta")
    if gone_phrase and not in_stock:
        pr.state, pr.page_kind = "gone", "gone"
        pr.detail = f"page says the product is gone (“{gone_phrase}”)"
        pr.fields["is_product_page"] = Read(False, kind_src)
        return pr
    if "Discontinued" in pr.detail:
        pr.state, pr.page_kind = "gone", "gone"
        return pr
    pr.page_kind = kind
    if kind is None:
        pr.state = "unknown"
        pr.detail = "could not tell whether this is a product page"
        return pr
    f["is_product_page"] = Read(kind == "product", kind_src)
    if kind != "product":
        pr.state = "not_product"
        pr.detail = f"{kind} page, not a product page"
        return pr
    av = f.get("availability")
    pr.state = "out_of_stock" if av is not None and av.value == "out_of_stock" else "live"
    if av is None:
        f["availability"] = Read("unknown", "text")
    return pr


def _page_kind(tree, st: Structured, main, og_product: bool, mk: dict[str, list[str]], f: dict[str, Read],
               title_tag: str, text: str, url: str | None, platform, registry, search_mark: bool = False,
               product_mark: bool = False) -> tuple[str | None, str]:
    if tree.xpath("//input[@type='password']") and _has(title_tag + " " + (_xp_text(tree, ["//h1"]) or ""),
                                                          M.LOGIN_PHRASES):
        return "login", "text"
    if search_mark:
        return "search", "platform"
    if main is not None:
        return "product", main[0]
    if st.list_types and len(st.products) > 1:
        return ("search" if "searchresultspage" in st.list_types else "category"), "json-ld"
    if product_mark:
        return "product", "platform"
    if og_product:
        return "product", "opengraph"
    if _has(title_tag, M.SEARCH_PHRASES) or _has(_xp_text(tree, ["//h1"]) or "", M.SEARCH_PHRASES):
        return "search", "title"
    if st.list_types:
        return "category", "json-ld"
    by_url = registry.is_product_url(platform, url) if (registry is not None and platform and url) else None
    if by_url is False:
        return "category", "url"
    # No structured product, no platform marker: a page with a price, a buy button and one title is a
    # product page of a shop we have no reader for; several prices + buttons suggest a list.
    buttons = _has(text, M.INSTOCK_PHRASES + M.OOS_PHRASES)
    if "price" in f and buttons:
        return "product", "text"
    if by_url is True:
        return "product", "url"
    return None, "text"
