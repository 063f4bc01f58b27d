"""Read one captured page: what kind of page it is and the canonical listing fields.

Order of trust: structured data (JSON-LD, microdata, RDFa, OpenGraph) → the platform's own markup
(markup.py) → visible text. Each field records where it came from; confidence follows the source, so
a value guessed from loose page text can never support a `pass` on its own.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import extruct
import html_text
import lxml.html
from stdnum import ean
from w3lib.encoding import html_to_unicode

from originproof.evidence.listings import markup as M
from originproof.registry import Registry

CONF = {"json-ld": 0.95, "microdata": 0.95, "rdfa": 0.93, "opengraph": 0.9, "platform": 0.9, "zone": 0.85,
        "title": 0.85, "url": 0.8, "text": 0.6}
PRODUCT_TYPES = {"product", "productgroup", "individualproduct", "productmodel", "vehicle", "drug",
                 "dietarysupplement"}
LIST_TYPES = {"searchresultspage", "collectionpage", "itemlist", "offercatalog"}
MAX_HTML_CHARS = 3_000_000
_LC = "translate(@class,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
PRICE_ZONE = ("//*[@itemprop='price' or " + " or ".join(f"contains({_LC},'{w}')" for w in
                                                        ("price", "preis", "prix", "prezzo", "precio", "kakaku"))
              + " or contains(@id,'price')][string-length(normalize-space(.)) < 40]")  # a product page is far below this; beyond it only the head is read


@dataclass
class Read:
    value: Any
    source: str

    @property
    def confidence(self) -> float:
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
def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def _has(text: str, phrases: tuple[str, ...]) -> str | None:
    low = text.casefold()
    return next((p for p in phrases if p.casefold() in low), None)


def decode_html(body: bytes, content_type: str | None) -> str:
    _enc, text = html_to_unicode(content_type, body)
    return text[:MAX_HTML_CHARS]


_CURRENCY_SIGNS = [("US$", "USD"), ("A$", "AUD"), ("AU$", "AUD"), ("C$", "CAD"), ("NZ$", "NZD"), ("S$", "SGD"),
                   ("HK$", "HKD"), ("￥", "JPY"), ("¥", "JPY"), ("円", "JPY"), ("₩", "KRW"), ("원", "KRW"),
                   ("€", "EUR"), ("£", "GBP"), ("CHF", "CHF"), ("฿", "THB"), ("$", None)]
_COUNTRY_DOLLAR = {"US": "USD", "AU": "AUD", "CA": "CAD", "NZ": "NZD", "SG": "SGD"}


def parse_price(text: Any, country: str | None = None) -> tuple[str | None, str | None]:
    """(decimal string, ISO 4217) from "￥1,280", "1.280,50 €", "₩15,900", "$14.99" …"""
    if text is None:
        return None, None
    s = _norm(str(text))
    cur = None
    for sign, code in _CURRENCY_SIGNS:
        if sign in s:
            cur = code or _COUNTRY_DOLLAR.get((country or "").upper())
            break
    m = re.search(r"\b(JPY|KRW|USD|EUR|GBP|AUD|CAD|NZD|SGD|CHF|THB)\b", s)
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
        s = _norm(str(v))
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


def read_structured(html: str, url: str | None) -> Structured:
    st = Structured()
    try:
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


def _main_product(st: Structured) -> tuple[str, dict[str, Any]] | None:
    """The page's own product: the one with offers, else the first; None on a list of many."""
    if not st.products:
        return None
    names = {(_name_of(p.get("name")) or "").casefold() for _s, p in st.products}
    if st.list_types and len(names) > 1:
        return None
    with_offers = [p for p in st.products if p[1].get("offers")]
    top = [p for p in with_offers if not p[1].get("isSimilarTo")]
    return (top or with_offers or st.products)[0]


def _availability_word(v: Any) -> str | None:
    v = _first(v)
    if isinstance(v, dict):
        v = v.get("@id") or v.get("name")
    if not v:
        return None
    w = re.sub(r"[^a-z]", "", str(v).rsplit("/", 1)[-1].rsplit("#", 1)[-1].casefold())
    if w in M.SCHEMA_IN_STOCK:
        return "in_stock"
    if w in M.SCHEMA_OUT_OF_STOCK:
        return "out_of_stock"
    return None


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
            t = _norm(r if isinstance(r, str) else r.text_content())
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


def _clean_brand(text: str) -> str:
    for pat in M.BRAND_PATTERNS:
        m = pat.match(text)
        if m:
            return _norm(m.group(1))
    return text


def _availability_text(text: str) -> str | None:
    if _has(text, M.OOS_PHRASES):
        return "out_of_stock"
    if _has(text, M.INSTOCK_PHRASES):
        return "in_stock"
    return None


# ------------------------------------------------------------------------------------------ main
def read_page(body: bytes, *, url: str | None, status: int | None = 200, content_type: str | None = None,
              registry: Registry | None = None) -> PageReading:
    pr = PageReading()
    html = decode_html(body or b"", content_type) if body else ""
    platform = registry.platform_for_url(url) if (registry is not None and url) else None
    family = M.FAMILY_OF.get(platform.id) if platform else None
    mk = M.PLATFORM_MARKUP.get(family or "", {})
    country = platform.country if platform else None
    try:
        tree = lxml.html.fromstring(html) if html.strip() else None
    except Exception:  # noqa: BLE001
        tree = None
    text = _norm(html_text.extract_text(tree, guess_layout=False)) if tree is not None else ""
    title_tag = _norm(tree.findtext(".//title") or "") if tree is not None else ""
    head = f"{title_tag} {text[:3000]}"

    st = read_structured(html, url) if html else Structured()
    main = _main_product(st)
    block_mark = bool(tree is not None and _xp_any(tree, mk.get("block_marker", [])))

    # ---- status first: the server's own answer outranks the body
    if status in (404, 410):
        pr.state, pr.page_kind, pr.detail = "gone", "gone", f"HTTP {status}"
        return pr
    # Block phrases count only on a page that shows no product of its own (a product page may mention cookies).
    product_mark = bool(tree is not None and _xp_any(tree, mk.get("product_marker", [])))
    if status in (401, 403, 407, 429) or block_mark or (main is None and not product_mark
                                                          and _has(head, M.BLOCK_PHRASES)):
        pr.state, pr.page_kind = "blocked", "block"
        pr.detail = f"HTTP {status}: block or captcha page" if status else "block or captcha page"
        return pr
    if status is not None and status >= 500:
        pr.state, pr.page_kind, pr.detail = "error", "error", f"HTTP {status}"
        return pr
    if status is not None and not (200 <= status < 300):
        pr.state, pr.page_kind, pr.detail = "error", "error", f"HTTP {status}"
        return pr
    if tree is None:
        pr.state, pr.page_kind, pr.detail = "error", "error", "empty page"
        return pr

    f = pr.fields
    # ---- structured data
    if main is not None:
        syn, p = main
        if (n := _name_of(p.get("name"))):
            f["title"] = Read(n, syn)
        if (b := _name_of(p.get("brand")) or _name_of(p.get("manufacturer"))):
            f["brand"] = Read(b, syn)
        for k in ("gtin13", "gtin", "gtin12", "gtin14", "gtin8", "ean", "isbn"):
            if (g := _valid_gtin(p.get(k))):
                f["gtin"] = Read(g, syn)
                break
        if (s := _name_of(p.get("sku")) or _name_of(p.get("productID")) or _name_of(p.get("mpn"))):
            f["sku"] = Read(s, syn)
        offers = _offers(p)
        avs = [a for a in (_availability_word(o.get("availability")) for o in offers) if a]
        if avs:
            f["availability"] = Read("in_stock" if "in_stock" in avs else "out_of_stock", syn)
            if any(str(_first(o.get("availability"))).lower().endswith("discontinued") for o in offers) \
                    and "in_stock" not in avs:
                pr.detail = "schema.org availability Discontinued"
        for o in offers:
            price = _first(o.get("price") or o.get("lowPrice"))
            if price is None and isinstance(o.get("priceSpecification"), dict):
                price = _first(o["priceSpecification"].get("price"))
            if price is not None:
                amt, cur = parse_price(price, country)
                if amt is not None:
                    f["price"] = Read(amt, syn)
                    cc = _name_of(o.get("priceCurrency")) or cur
                    if cc:
                        f["currency"] = Read(cc.upper(), syn)
                    break
        for o in offers:
            if (sl := _name_of(o.get("seller"))):
                f["seller"] = Read(sl, syn)
                break
    og = st.og
    og_product = og.get("og:type", "").casefold() in ("product", "og:product", "product.item")
    if og_product or any(k.startswith(("product:", "og:price:")) for k in og):
        if "title" not in f and og.get("og:title"):
            f["title"] = Read(_norm(og["og:title"]), "opengraph")
        if "brand" not in f and og.get("product:brand"):
            f["brand"] = Read(_norm(og["product:brand"]), "opengraph")
        og_av = og.get("product:availability") or og.get("og:availability")
        if "availability" not in f and og_av:
            a = _availability_word(og_av)
            if a:
                f["availability"] = Read(a, "opengraph")
        og_price = og.get("product:price:amount") or og.get("og:price:amount")
        if "price" not in f and og_price:
            amt, cur = parse_price(og_price, country)
            if amt:
                f["price"] = Read(amt, "opengraph")
                cc = og.get("product:price:currency") or og.get("og:price:currency") or cur
                if cc:
                    f["currency"] = Read(cc.upper(), "opengraph")
        if "gtin" not in f:
            for k in ("product:ean", "product:upc", "product:gtin", "product:isbn"):
                if (g := _valid_gtin(og.get(k))):
                    f["gtin"] = Read(g, "opengraph")
                    break
        if "sku" not in f and og.get("product:retailer_item_id"):
            f["sku"] = Read(_norm(og["product:retailer_item_id"]), "opengraph")

    # ---- platform markup
    src = f"platform:{family}"
    for name in ("title", "brand", "price", "seller", "sku"):
        if name in f or name not in mk:
            continue
        v = _xp_text(tree, mk[name])
        if not v:
            continue
        if name == "brand":
            f["brand"] = Read(_clean_brand(v), src)
        elif name == "price":
            amt, cur = parse_price(v, country)
            if amt:
                f["price"] = Read(amt, src)
                if cur and "currency" not in f:
                    f["currency"] = Read(cur, src)
        else:
            f[name] = Read(v, src)
    if "sku" not in f and family == "amazon" and url:
        m = re.search(r"/(?:dp|gp/product|gp/aw/d)/([A-Z0-9]{10})", urlsplit(url).path)
        if m:
            f["sku"] = Read(m.group(1), "url")
    mk_oos = _xp_any(tree, mk.get("oos_marker", []))
    mk_in = _xp_any(tree, mk.get("instock_marker", []))
    if "availability" not in f:
        av_text = _xp_text(tree, mk.get("availability", [])) if mk.get("availability") else None
        a = _availability_text(av_text) if av_text else None
        if a:
            f["availability"] = Read(a, src)
        elif mk_oos:
            f["availability"] = Read("out_of_stock", src)
        elif mk_in:
            f["availability"] = Read("in_stock", src)

    # ---- visible text
    if "availability" not in f:
        zone = " ".join(_norm(e.text_content()) for e in tree.xpath(M.AVAILABILITY_ZONE)[:20])
        a = _availability_text(zone) if zone else None
        if a:
            f["availability"] = Read(a, "zone")
        else:
            a = _availability_text(text)
            if a:
                f["availability"] = Read(a, "text")
    if "title" not in f:
        h1 = _xp_text(tree, ["//h1"])
        if h1 or title_tag:
            f["title"] = Read(h1 or title_tag, "title")
    if "price" not in f:
        pz = _xp_text(tree, [PRICE_ZONE])
        amt, cur = parse_price(pz, country) if pz else (None, None)
        if amt:
            f["price"] = Read(amt, "text")
            if cur and "currency" not in f:
                f["currency"] = Read(cur, "text")
    if "gtin" not in f:
        m = re.search(r"(?:JAN|EAN|GTIN|UPC|바코드|Barcode|Code EAN|Codice EAN)\s*(?:コード|code)?\s*[:：]?\s*(\d{8,14})",
                      text, re.IGNORECASE)
        if m and _valid_gtin(m.group(1)):
            f["gtin"] = Read(m.group(1), "text")
    if "currency" not in f and "price" in f and country:
        cur = {"JP": "JPY", "KR": "KRW", "US": "USD", "GB": "GBP", "AU": "AUD", "CA": "CAD", "NZ": "NZD",
               "SG": "SGD", "CH": "CHF", "TH": "THB"}.get(country, "EUR" if country in
                                                           ("DE", "FR", "IT", "ES", "NL") else None)
        if cur:
            f["currency"] = Read(cur, "text")

    # ---- what kind of page
    kind, kind_src = _page_kind(tree, st, main, og_product, mk, f, title_tag, text, url, platform, registry)
    gone_phrase = _has(head, M.GONE_PHRASES) or (_xp_text(tree, mk["gone_marker"]) if mk.get("gone_marker") else None)
    in_stock = f.get("availability") is not None and f["availability"].value == "in_stock" \
        and f["availability"].source.split(":")[0] in ("json-ld", "microdata", "rdfa", "opengraph", "platform")
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
               title_tag: str, text: str, url: str | None, platform, registry) -> tuple[str | None, str]:
    if tree.xpath("//input[@type='password']") and _has(title_tag + " " + (_xp_text(tree, ["//h1"]) or ""),
                                                          M.LOGIN_PHRASES):
        return "login", "text"
    if _xp_any(tree, mk.get("search_marker", [])):
        return "search", "platform"
    if main is not None:
        return "product", main[0]
    if st.list_types and len(st.products) > 1:
        return ("search" if "searchresultspage" in st.list_types else "category"), "json-ld"
    if _xp_any(tree, mk.get("product_marker", [])):
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
