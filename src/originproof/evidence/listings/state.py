"""Embedded page state: the JSON a shop's scripts carry (`__NEXT_DATA__`, `window.__INITIAL_STATE__ = {…}`,
`application/json` islands, analytics data layers).

Read generically, by schema-like keys (name, price, sku, brand, availability, gtin …) and never by a
site's path: every object with at least two product keys is a candidate, and the page's own product
is the candidate whose name is the page's title — a related product carries the same keys but another
name. Values found here are a source like any other (reconcile.py weighs them)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import chompjs
from rapidfuzz import fuzz

from originproof.evidence.listings.vocab import availability_of

MAX_SCRIPT_CHARS = 2_000_000  # a state blob is far smaller; beyond it the script is skipped
MAX_OBJECTS = 20_000  # dicts visited per page: a bound on pathological state


@lru_cache(maxsize=4096)
def _key(k: str) -> str:
    return re.sub(r"[^a-z0-9]", "", k.casefold())


# Keys in order of preference ("sku" before "productId" before a bare "id"). Google Analytics ecommerce
# items (item_name, item_id, item_brand …) use the same words.
NAME_KEYS = {"name", "title", "productname", "producttitle", "displayname", "itemname"}
ORDER = {
    "price": ("price", "saleprice", "currentprice", "finalprice", "offerprice", "sellingprice", "pricevalue",
              "priceamount", "actualprice", "specialprice", "productprice"),
    "sku": ("sku", "skuid", "productsku", "itemnumber", "itemno", "articlenumber", "articleno", "productcode",
            "itemcode", "productid", "itemid", "ecommprodid", "prodid"),
    "brand": ("brand", "brandname", "manufacturer", "productbrand", "itembrand", "vendor"),  # Shopify: vendor
    "gtin": ("gtin", "gtin13", "gtin12", "gtin14", "gtin8", "ean", "ean13", "upc", "barcode"),
    "availability": ("availability", "availabilitystatus", "stockstatus", "inventorystatus", "instock", "isinstock",
                     "available", "isavailable", "outofstock", "soldout", "isoutofstock", "issoldout"),
}
PRICE_KEYS, SKU_KEYS, BRAND_KEYS, GTIN_KEYS, AVAIL_KEYS = (set(ORDER[k]) for k in
                                                          ("price", "sku", "brand", "gtin", "availability"))
PRODUCT_KEYS = PRICE_KEYS | SKU_KEYS | BRAND_KEYS | AVAIL_KEYS | GTIN_KEYS
NEGATED = {"outofstock", "soldout", "isoutofstock", "issoldout"}


@dataclass
class StateProduct:
    name: str | None = None
    values: dict[str, Any] = field(default_factory=dict)  # price, sku, brand, availability, gtin
    similarity: float = 0.0  # of name to the page title, 0–100


def _scalar(v: Any) -> Any:
    if isinstance(v, dict):  # {"value": 12.5, "currency": …} / {"name": "Acme"}
        for k in ("value", "amount", "name", "raw", "formatted", "price", "current"):
            if k in v and not isinstance(v[k], (dict, list)):
                return v[k]
        return None
    if isinstance(v, list):
        return _scalar(v[0]) if len(v) == 1 else None
    return v


def _product_of(obj: dict[str, Any]) -> StateProduct | None:
    if len(obj) < 3:
        return None  # a name and two product keys at least
    keys = {_key(k): k for k in obj if isinstance(k, str)}
    hits = keys.keys() & PRODUCT_KEYS
    name_key = next((keys[k] for k in keys if k in NAME_KEYS), None)
    if len(hits) < 2 or name_key is None:
        return None
    name = _scalar(obj.get(name_key))
    if not isinstance(name, str) or not name.strip():
        return None
    p = StateProduct(name=name.strip())
    for group, label in ((PRICE_KEYS, "price"), (SKU_KEYS, "sku"), (BRAND_KEYS, "brand"), (GTIN_KEYS, "gtin")):
        # In the order of the key lists: "sku" before "productId" before a bare "id".
        for k in (k for k in ORDER[label] if k in keys):
            v = _scalar(obj[keys[k]])
            if isinstance(v, bool) or v in (None, "", 0):
                continue
            if isinstance(v, (str, int, float)):
                p.values[label] = v
                break
    for k in (k for k in ORDER["availability"] if k in keys):
        v = _scalar(obj[keys[k]])
        a = availability_of(v) if isinstance(v, (str, bool)) else None
        if a is None and isinstance(v, (int, float)) and not isinstance(v, bool) and k in ("instock", "available"):
            a = "in_stock" if v > 0 else "out_of_stock"
        if a and k in NEGATED:
            a = "out_of_stock" if a == "in_stock" else "in_stock"
        if a:
            p.values.setdefault("availability", a)
    return p if p.values else None


def _walk(obj: Any, out: list[dict[str, Any]], budget: list[int], depth: int = 0) -> None:
    if depth > 40 or budget[0] <= 0:
        return
    if isinstance(obj, dict):
        budget[0] -= 1
        out.append(obj)
        for v in obj.values():
            if isinstance(v, (dict, list)):
                _walk(v, out, budget, depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            if isinstance(v, (dict, list)):
                _walk(v, out, budget, depth + 1)


def _blobs(script: str, is_json: bool) -> list[Any]:
    script = script.strip()
    if is_json:
        try:
            return [json.loads(script)]
        except ValueError:
            return []
    # Inline scripts hold JavaScript object literals (unquoted keys, single quotes: data layers, stores);
    # chompjs reads every object and array literal of a script.
    out = []
    try:
        for obj in chompjs.parse_js_objects(script):
            if isinstance(obj, (dict, list)) and obj:
                out.append(obj)
    except Exception:  # noqa: BLE001 — a script that is no object literal simply has no state
        pass
    return out


def read_state(tree, title: str | None) -> StateProduct | None:
    """The page's own product in its embedded state, or None."""
    if not title:
        return None
    products: list[StateProduct] = []
    budget = [MAX_OBJECTS]
    for s in tree.iter("script"):
        typ = (s.get("type") or "").casefold()
        if "ld+json" in typ or (typ and "json" not in typ and "javascript" not in typ):
            continue
        text = s.text or ""
        if len(text) < 20 or len(text) > MAX_SCRIPT_CHARS or "{" not in text:
            continue
        for blob in _blobs(text, "json" in typ):
            objs: list[dict[str, Any]] = []
            _walk(blob, objs, budget)
            products += [p for p in map(_product_of, objs) if p is not None]
    if not products:
        return None
    t = title.casefold()
    for p in products:
        p.similarity = fuzz.token_set_ratio(p.name.casefold(), t)  # type: ignore[union-attr]
    best = max(products, key=lambda p: (p.similarity, len(p.values)))
    if best.similarity < 80:
        return None
    # Merge what other objects of the same name add (state often splits price and stock apart).
    for p in products:
        if p is not best and p.similarity >= best.similarity - 1e-9 and p.name == best.name:
            for k, v in p.values.items():
                best.values.setdefault(k, v)
    return best
