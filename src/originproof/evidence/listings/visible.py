"""The visible page: what a shopper sees around the product's title.

Read from the one lxml tree after hidden elements are dropped (a "sold out" notice kept in the page
with display:none is not shown to anyone). Everything here is generic — buy buttons and stock
wordings from the vocabularies in registry/data/listings, prices by the class names every shop
theme uses ("price", "old-price" …), identifiers and brands only after a printed caption — and
weaker than structured data on its own; reconcile.py raises a value that several sources agree on."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

from originproof.evidence.listings import markup as M
from originproof.evidence.listings import vocab as V

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASS = {"hidden", "d-none", "hide", "is-hidden", "u-hidden", "display-none", "invisible", "visuallyhidden"}
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "head")
# Class/id words of the price before a reduction (shown struck through) …
_OLD_PRICE = re.compile(r"(?:^|[\s_-])(?:old|was|regular|before|original|previous|list)(?:$|[\s_-])|"
                        r"old-?price|price-?old|was-?price|price-?was|regular-?price|list-?price|compare|strike|"
                        r"crossed|line-?through|rrp|msrp|uvp", re.I)  # "old" as a word: "holder" is not old
# … and of amounts that are not the product's price at all.
_NOT_PRICE = re.compile(r"saving|save|discount|instal|month|unit|per-|perunit|shipping|delivery|points|"
                        r"reward|filter|range|minimum|maximum|total|cart|basket|bag", re.I)
_STRUCK_TAGS = {"del", "s", "strike"}
_PRICE_TEXT = re.compile(r"\d")
# "price" in the class names of shop themes, in the languages they are written in. Matched on case-folded
# names: re.I costs four times as much, and this runs on every element of the page.
_PRICE_CLASS = re.compile(r"price|preis|prix|prezzo|precio|preco|preço|cena|cijena|hinta|pris|fiyat|kakaku|jiage")
_UNIT_PRICE = re.compile(r"/\s*(?:kg|g|l|ml|m|cm|100\s*g|100\s*ml|unit|st|stk|pc|pcs|each)\b|\bper\b|\bpro\b|\bje\b", re.I)


def norm(text: str | None) -> str:
    # split() breaks on exactly the characters \s matches, at a quarter of a regular expression's cost.
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _classes(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _hidden(el) -> bool:
    if not el.attrib:
        return False
    # aria-hidden is not here: it hides from screen readers, not from the eye (a page behind an open
    # dialog marks its whole content aria-hidden).
    if el.get("hidden") is not None:
        return True
    st = el.get("style")
    if st and _HIDDEN_STYLE.search(st):
        return True
    cls = el.get("class")
    return bool(cls) and any(c.casefold() in _HIDDEN_CLASS for c in cls.split())


# Each contains() is a call per element of the page: the attribute's presence is tested first (and
# short-circuits), and a few short needles cover the class names _hidden then confirms ("hid": hidden,
# hide; "-none": d-none, display-none).
_PRUNE_XPATH = ("//script|//style|//noscript|//template|//svg|//head|//comment()|//processing-instruction()|"
                "//*[@hidden or (@style and (contains(@style,'none') or contains(@style,'hidden') or "
                "contains(@style,'NONE'))) or (@class and (contains(@class,'hid') or contains(@class,'Hid') or "
                "contains(@class,'-none') or contains(@class,'invisible')))]")


def prune(tree) -> None:
    """Drop scripts, styles and hidden elements in place (structured data has been read before)."""
    # Comments and processing instructions (non-string tags) are never shown either.
    # XPath (in C) finds the few candidates; _hidden confirms them with exact class tokens.
    doomed = tree.xpath(_PRUNE_XPATH)
    doomed = [el for el in doomed if not isinstance(el.tag, str) or el.tag in _DROP_TAGS or _hidden(el)]
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        parent.remove(el)
        if tail and tail.strip():  # keep the text that followed the element
            prev = parent[-1] if len(parent) else None
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail


@dataclass
class Visible:
    text: str = ""
    title: str | None = None
    title_at: int = -1  # offset of the title in `text`
    title_el: object = None  # the title's element (h1)
    root: object = None  # the pruned page body
    availability: list[tuple[str, str, float]] = field(default_factory=list)  # (value, source, confidence)
    prices: list[tuple[str, str, float]] = field(default_factory=list)  # (raw text, source, confidence)
    struck: list[str] = field(default_factory=list)  # raw texts of struck-through / "was" prices
    sku: list[tuple[str, str, float]] = field(default_factory=list)
    brand: list[tuple[str, str, float]] = field(default_factory=list)
    crumbs: list[str] = field(default_factory=list)  # the breadcrumb trail's names, outermost first


def _own_text(el) -> str:
    if not isinstance(el.tag, str):
        return ""
    return norm(" ".join(el.itertext()))


def read_visible(tree, title_hint: str | None = None) -> Visible:
    """`title_hint`: the product's name from structured data or the page's <title>, to tell the product's
    heading from a site's logo or section headings."""
    v = Visible()
    body = tree.find(".//body")
    root = body if body is not None else tree
    v.text = norm(" ".join(root.itertext()))
    # One list of the page's elements, walked by every reader below (lxml makes a new Python proxy per
    # element on every walk; holding them once keeps the page in milliseconds).
    els = [e for e in root.iter() if isinstance(e.tag, str)]
    # … and each one's class and id, read once for the readers that look for named elements.
    cls = [f"{e.get('class') or ''} {e.get('id') or ''}" for e in els]
    v.root = root
    h1 = _title_heading(els, title_hint)
    if h1 is not None:
        v.title = _own_text(h1)[:300]
        v.title_at = v.text.find(v.title[:60])
        v.title_el = h1
    at = els.index(h1) if h1 is not None else -1
    _availability(els, cls, at, v)
    _prices(els, cls, at, v)
    _captions(els, v)
    _byline(h1, v)
    _brand_box(els, cls, at, v)
    _id_box(els, at, v)
    v.crumbs = _crumbs(els, cls, at)
    return v


def _title_heading(els, hint: str | None):
    """The product's heading: the h1 closest to the product's name (a logo or a section can be an h1
    too); without h1, a heading h2 that carries the name."""
    heads = [h for h in els if h.tag == "h1" and _own_text(h)][:8]
    if hint:
        from rapidfuzz import fuzz
        h = hint.casefold()
        scored = [(fuzz.token_set_ratio(_own_text(x).casefold(), h), -i, x)
                  for i, x in enumerate(heads or [e for e in els if e.tag == "h2"][:30])]
        scored = [s for s in scored if s[0] >= 60] or ([] if not heads else [(0, 0, heads[0])])
        return max(scored, key=lambda s: s[:2])[2] if scored else None
    return heads[0] if heads else None


# ------------------------------------------------------------------------------------ availability
def _short_own(el) -> str:
    # A button's words are its own text and its few children's (an icon, a label span).
    return " ".join(filter(None, [el.text, *(c.text for c in el[:3] if isinstance(c.tag, str))]))


def _buy_buttons(els) -> tuple[int, int]:
    """(enabled, disabled) buy buttons: a button, input, link, clickable image (an image button) or
    role=button element whose words say add-to-cart or buy."""
    buy = V.buy_phrases()
    enabled = disabled = 0
    for el in els:
        if el.tag not in ("button", "input", "a", "img") and el.get("role") != "button":
            continue
        if el.tag == "input" and (el.get("type") or "").casefold() not in ("submit", "button", "image"):
            continue
        if el.tag == "a" and len(el) > 3:
            continue  # a link wrapping a block (a product tile) is not a buy button
        label = " ".join(filter(None, (el.get("value"), el.get("title"), el.get("aria-label"), el.get("name"),
                                       el.get("id"), el.get("class"), el.get("data-action"), el.get("alt"),
                                       _short_own(el) if el.tag not in ("input", "img") else "")))
        # Class names and ids spell the wording with hyphens ("add-to-cart"); every such phrase of the
        # vocabulary also stands with spaces, so the label is searched once, spaced.
        if len(label) > 300 or not V.find_phrase(label.replace("_", " ").replace("-", " "), buy):
            continue
        off = el.get("disabled") is not None or el.get("aria-disabled") == "true" or \
            "disabled" in (el.get("class") or "").casefold()
        if off:
            disabled += 1
        else:
            enabled += 1
    return enabled, disabled


def _short_texts(elements, limit: int = 80):
    """Own texts of status-sized elements: a stock label is a few words, a sentence that mentions
    "sold out" (delivery terms, a notice for all products) is not a statement about this product."""
    for e in elements:
        if not isinstance(e.tag, str) or len(e) > 8:
            continue
        raw = e.text_content()  # C-level and cheap: sizes the element before its words are normalised
        if not raw or len(raw) > 4 * limit or raw.isspace():
            continue
        t = _own_text(e)
        if t and len(t) <= limit:
            yield e, t


def _stock_words(texts) -> tuple[str | None, str | None]:
    """The first out-of-stock and the first in-stock wording among short texts (a text saying both
    — "not in stock" — counts as out of stock only)."""
    oos, ins = V.oos_phrases(), V.instock_phrases()
    texts = [t for _e, t in texts]
    joined = "\n".join(texts)
    if not V.find_phrase(joined, oos):  # the usual case, in one search instead of one per text
        return None, V.find_phrase(joined, ins)
    first_oos = first_in = None
    for t in texts:
        if (p := V.find_phrase(t, oos)):
            first_oos = first_oos or p
        elif first_in is None:
            first_in = V.find_phrase(t, ins)
    return first_oos, first_in


def _availability(els, cls: list[str], at: int, v: Visible) -> None:
    oos, ins = V.oos_phrases(), V.instock_phrases()
    enabled, disabled = _buy_buttons(els)
    # Elements named for availability or stock: what they say is meant about this product.
    zone_oos, zone_in = _stock_words(_short_texts(_zone(els, cls)))
    if zone_oos and not zone_in:
        # A shop that renders both labels and toggles them with CSS is not read from its labels; an
        # enabled buy button beside an "unavailable" label leaves the label weaker than the button.
        v.availability.append(("out_of_stock", "zone", 0.65 if enabled else 0.85))
    elif zone_in and not zone_oos:
        v.availability.append(("in_stock", "zone", 0.8))
    # Status labels right under the title: the buy box of most shops.
    if at >= 0:
        box_oos, box_in = _stock_words(_short_texts(els[at + 1: at + 201], 60))
        if box_oos and not box_in:
            v.availability.append(("out_of_stock", "buybox", 0.7))
        elif box_in and not box_oos:
            v.availability.append(("in_stock", "buybox", 0.7))
    if enabled:
        v.availability.append(("in_stock", "button", 0.7))
    elif disabled:
        v.availability.append(("out_of_stock", "button", 0.7))
    if not v.availability and (V.find_phrase(v.text, oos) or V.find_phrase(v.text, ins)):
        # Last resort: a status-sized label anywhere on the page (never a sentence that mentions stock);
        # the page's text is searched first so a page without such words is not walked again.
        any_oos, any_in = _stock_words(_short_texts((e for e in els if len(e) <= 2), 40))
        if any_oos:
            v.availability.append(("out_of_stock", "text", 0.6))
        elif any_in:
            v.availability.append(("in_stock", "text", 0.6))
    if not v.availability and V.find_phrase(v.text, ins + V.buy_phrases()):
        # Buy wording in running text says little, but only ever that the product can be bought.
        v.availability.append(("in_stock", "text", 0.55))


_ZONE_WORDS = re.compile(r"availab|stock|soldout|sold-out", re.I)


_ZONE_NEEDLE = re.compile(r"vailab|tock|oldout|old-out|old_out")  # case-sensitive: cheap on every element


def _zone(els, cls: list[str], limit: int = 60) -> list:
    """Elements whose id or class names availability or stock ("Availability", "in-stock", "soldOut" …):
    found by a case-sensitive needle, confirmed by the word list."""
    return [el for el, c in zip(els, cls) if _ZONE_NEEDLE.search(c) and _ZONE_WORDS.search(c)][:limit]


# ------------------------------------------------------------------------------------ price
def _struck(el) -> bool:
    """Shown as the price before a reduction: struck through, or classed "old"/"was" beside a current price
    (a theme that classes its only price "price-old" shows no reduction: that price is the price)."""
    for a in [el, *el.iterancestors()][:4]:
        if a.tag in _STRUCK_TAGS:
            return True
        if _OLD_PRICE.search(_classes(a)):
            return _beside_current(a)
    return False


_TAX = re.compile(r"tax|vat|netto|brutto|excl|incl", re.I)


def _beside_current(old) -> bool:
    box = old.getparent()
    for _ in range(2):
        if box is None:
            return False
        inside = set(old.iter())
        around = set(old.iterancestors())
        for e in box.iter():
            # Another element: neither the old price nor its parts nor a box that holds it.
            if not isinstance(e.tag, str) or not e.attrib or e in inside or e in around:
                continue
            cls = _classes(e).casefold()
            # (the same price with or without tax is no reduction either)
            if _PRICE_CLASS.search(cls) and not _OLD_PRICE.search(cls) and not _NOT_PRICE.search(cls) \
                    and not _TAX.search(cls) \
                    and e.tag not in _STRUCK_TAGS and _PRICE_TEXT.search(_own_text(e)):
                return True
        box = box.getparent()
    return False


_REDUCTION = re.compile(r"[-−]\s*\d+(?:[.,]\d+)?\s*%")
_RANGE = re.compile(r"\d\s*(?:[-–—~]|to|bis|à|a|до|から)\s*\D{0,4}\d", re.I)
_AMOUNT = re.compile(r"\d+(?:[.,'\u00a0 ]\d{3})*(?:[.,]\d{1,2})?(?!\d)")


def _amount_value(a: str) -> float:
    from originproof.evidence.listings.page import parse_price
    amt, _cur = parse_price(a)
    return float(amt) if amt else 0.0


def _not_price(el) -> bool:
    return any(_NOT_PRICE.search(_classes(a)) for a in [el, *el.iterancestors()][:3])


def _plausible_price(raw: str) -> bool:
    # A phone number or an article number in a price box has many digits and no currency or decimals.
    digits = re.sub(r"\D", "", raw)
    return len(digits) <= 7 or bool(re.search(r"[$€£¥₩₹₽₺¤]|[.,]\d{2}\b|[A-Z]{3}", raw))


BUY_BOX = 300  # elements after the title that make up its buy box


def _prices(els, classes: list[str], at: int, v: Visible) -> None:
    seen = 0
    for i, (el, cls) in enumerate(zip(els, classes)):
        if i == at or not el.attrib:
            continue
        after_title = i > at
        since = i - at if at >= 0 else i + 1  # elements since the title
        cls = cls.casefold()
        if el.get("itemprop") == "price":
            raw = el.get("content") or _own_text(el)
            if raw and _PRICE_TEXT.search(raw):
                v.prices.append((raw, "visible:itemprop", 0.8))
            continue
        if not _PRICE_CLASS.search(cls) or len(el) > 6:
            continue
        raw = _own_text(el)
        if not raw or len(raw) > 40 or not _PRICE_TEXT.search(raw) or _UNIT_PRICE.search(raw) \
                or not _plausible_price(raw) or _not_price(el):
            continue
        if _struck(el):
            # Only the buy box's own old price: a struck amount in a promotion further down says nothing.
            if since <= BUY_BOX:
                v.struck.append(raw)
            continue
        amounts = _AMOUNT.findall(re.sub(r"[-−]?\s*\d+(?:[.,]\d+)?\s*%", " ", raw))
        if len(amounts) == 1 and _REDUCTION.search(raw):
            v.struck.append(amounts[0])  # "€ 18,00 -5%": the price a reduction is taken from
            continue
        if len(amounts) > 1:
            if len(amounts) == 2 and "%" in raw:
                # "€ 17,10 € 18,00 -5%": a reduction shown beside the price it reduces; the higher one is old.
                low, high = sorted(amounts, key=lambda a: _amount_value(a))
                v.struck.append(high)
                raw = low
            elif len(amounts) == 2 and _RANGE.search(raw):
                raw = amounts[0]  # "12,00 – 18,00": a price range starts at its lowest price
            else:
                continue  # several amounts in one box: its child elements carry them one by one
        if after_title and seen < 3:
            # The first current price after the product's title is the price next to it.
            v.prices.append((raw, "visible:near-title", 0.7 if seen == 0 else 0.5))
            seen += 1
    start = max(at, 0)
    for el in (e for e in els[start: start + BUY_BOX] if e.tag in _STRUCK_TAGS):
        raw = _own_text(el)
        if raw and len(raw) <= 40 and _PRICE_TEXT.search(raw):
            v.struck.append(raw)


# ------------------------------------------------------------------------------------ identifiers, brand
_ID_VALUE = r"([A-Za-z0-9][A-Za-z0-9\-./_]{1,40})"


@lru_cache(maxsize=None)
def _label_rx(labels: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(x) for x in labels)
    # One caption may join two labels of the same thing ("make/manufacturer:").
    return re.compile(rf"(?<!\w)(?:{alts})(?:\s*/\s*(?:{alts}))*(?!\w)\s*(?:[:#：.№]\s*|\s+|$)", re.I)


# A table row is read cell by cell: the caption's cell, then the next cell (a row may hold two pairs).
_CAPTION_TAGS = {"td", "th", "dt", "dd", "li", "span", "div", "p", "strong", "b", "label"}


@lru_cache(maxsize=None)
def _label_start() -> re.Pattern[str]:
    alts = "|".join(re.escape(x) for x in V.sku_labels() + V.brand_labels())
    return re.compile(rf"\s*(?:{alts})(?!\w)")  # on case-folded text (the labels are): re.I is slow


def _captions(els, v: Visible) -> None:
    sku_rx, brand_rx = _label_rx(V.sku_labels()), _label_rx(V.brand_labels())
    start = _label_start()
    for el in els:
        if el.tag not in _CAPTION_TAGS or len(el) > 4:
            continue
        # Cheap look at the element's first words before reading all its text.
        head = (el.text or "").strip() or next(((c.text or "").strip() for c in el if isinstance(c.tag, str)), "")
        if not head or not start.match(head.casefold()):
            continue
        t = _own_text(el)
        if not t or len(t) > 90:
            continue
        m = sku_rx.match(t)
        if m:
            rest = t[m.end():].strip() or ("" if el.find(".//a") is not None else _next_text(el))
            mm = re.match(_ID_VALUE, rest or "")
            if mm and re.search(r"\d", mm.group(1)) and len(rest) - mm.end() < 40:
                v.sku.append((mm.group(1).rstrip("./-"), "visible:caption", 0.8))
            continue
        m = brand_rx.match(t)
        if m:
            rest = t[m.end():].strip()
            # "Brand: Acme", or a caption cell ("Brand") followed by the value's cell.
            if not rest:
                if el.find(".//a") is not None:
                    continue  # a link named "Brand" is navigation (a category), not a caption
                rest = _next_text(el)
            elif not t[:m.end()].rstrip().endswith((":", "：")):
                continue
            if rest and 1 < len(rest) <= 50 and not re.search(r"[.!?]\s", rest):
                v.brand.append((rest, "visible:caption", 0.75))


def _next_text(el) -> str:
    nxt = el.getnext()
    return _own_text(nxt)[:60] if nxt is not None else ""


_BRAND_CLASS = re.compile(r"brand|vendor|manufacturer", re.I)
BRAND_BOX = (15, 25)  # elements before and after the title that make up its box


def _brand_box(els, cls: list[str], at: int, v: Visible) -> None:
    """The element the shop's theme names for the brand beside the title ("product-brand",
    "product__vendor", "PdpTitle--brand"): the one closest to the title. Not a navigation bar's brand
    (the site's logo), nor one further away (a tile of another product)."""
    if at < 0:
        return
    near = sorted(range(max(0, at - BRAND_BOX[0]), min(len(els), at + BRAND_BOX[1] + 1)), key=lambda i: abs(i - at))
    for i in near:
        c = cls[i]
        if i == at or not _BRAND_CLASS.search(c) or "navbar" in c.casefold() or len(els[i]) > 3:
            continue
        t = clean_brand(_own_text(els[i]))
        if 1 < len(t) <= 40:
            v.brand.append((t, "visible:brand-box", 0.7))
            return


# Class, id or data-* names a shop theme gives the element that prints the product's own code
# ("product-sku", "product__reference", "ArticleNumber", "item-code"); a maker's model number is not one.
_ID_NAME = re.compile(r"sku|reference|(?:^|[^a-z])ref(?:$|[^a-z])|ordernumber|order-number|"
                      r"(?:product|item|article|art|style)[-_]?(?:code|number|num|no|nr|ref|id)(?:$|[^a-z])")
_CONTROLS = {"option", "select", "input", "button", "label", "textarea"}
ID_BOX = (15, 60)  # elements before and after the title that make up its box


def _id_box(els, at: int, v: Visible) -> None:
    """The product's own code printed beside the title in an element named for it, without a caption
    ("Art. <span class='article-number'>AB-1234</span>"): the one closest to the title."""
    if at < 0:
        return
    sku_rx = _label_rx(V.sku_labels())
    near = sorted(range(max(0, at - ID_BOX[0]), min(len(els), at + ID_BOX[1] + 1)), key=lambda i: abs(i - at))
    for i in near:
        el = els[i]
        if i == at or not el.attrib or len(el) > 3 or el.tag in _CONTROLS:
            continue  # a variant picker's options (sizes named "sku-option") are choices, not the product's code
        names = " ".join(f"{k} {val}" for k, val in el.attrib.items()
                         if k in ("class", "id", "itemprop") or k.startswith("data-"))
        if not _ID_NAME.search(names.casefold()):
            continue
        t = _own_text(el)
        if not t or len(t) > 60:
            continue
        m = sku_rx.match(t)
        rest = t[m.end():].strip() if m else t
        mm = re.fullmatch(_ID_VALUE, rest)
        if mm and re.search(r"\d", rest) and len(re.sub(r"\W", "", rest)) >= 4:
            v.sku.append((rest.rstrip("./-"), "visible:id-box", 0.7))
            return


def _byline(h1, v: Visible) -> None:
    """A "by <brand>" or "Brand: X" line right around the title."""
    if h1 is None:
        return
    near = []
    parent = h1.getparent()
    if parent is not None:
        near = [e for e in parent if e is not h1][:6]
    for e in near:
        t = _own_text(e)
        if not t or len(t) > 80:
            continue
        cleaned = clean_brand(t)
        if cleaned != t:
            v.brand.append((cleaned, "visible:byline", 0.75))
            continue
        m = re.match(r"^by\s+(.{2,50})$", t, re.I)
        if m:
            v.brand.append((m.group(1).strip(), "visible:byline", 0.7))


_BRAND_TAIL = None


def clean_brand(text: str) -> str:
    """The brand inside a byline ("Visit the Acme Store", "Brand: Acme", "More from brand: Acme")."""
    global _BRAND_TAIL
    t = norm(text)
    for pat in M.BRAND_PATTERNS:
        m = pat.match(t)
        if m:
            return norm(m.group(1))
    if _BRAND_TAIL is None:
        alts = "|".join(re.escape(x) for x in V.brand_labels() if len(x) > 2)
        _BRAND_TAIL = re.compile(rf"(?:^|\s)(?:{alts})\s*[:：]\s*(.+?)\s*$", re.I)
    m = _BRAND_TAIL.search(t)
    return norm(m.group(1)) if m else t


# ------------------------------------------------------------------------------------ breadcrumb
_CRUMB_SEPARATORS = re.compile(r"^[\s>›»→/]*$")


def _crumbs(els, cls: list[str], at: int) -> list[str]:
    """The breadcrumb trail above the title: the element named for it ("breadcrumb" in its class, id or
    aria-label), else an unmarked trail — three links or more in a row with only arrows or slashes
    between them ("Home > Outdoor > Acme"; a "|" row is a menu)."""
    end = at if at >= 0 else len(els)
    for el, c in zip(els[:end], cls):
        if "readcrumb" in f"{c} {el.get('aria-label') or ''}".casefold():
            if el.tag == "li" and el.getparent() is not None:
                el = el.getparent()  # an item marked, its list not
            items = [e for e in el.iter("li")] or [e for e in el.iter("a")]
            names = [t for t in (_own_text(e).strip(" >›»/→‹«") for e in items) if t and len(t) <= 80]
            if names:
                return names
    for el in els[:end]:
        if len(el) < 3:
            continue
        links = [c for c in el if isinstance(c.tag, str)]
        if len(links) < 3 or any(c.tag != "a" for c in links):
            continue
        between = (el.text or "") + "".join(c.tail or "" for c in links[:-1])
        if between.strip() and _CRUMB_SEPARATORS.match(between):
            return [t for t in (_own_text(c) for c in links) if t]
    return []


# ------------------------------------------------------------------------------------ URL
_ID_PARAMS = {"id", "pid", "productid", "product_id", "itemid", "item_id", "item", "sku", "skuid", "goodsno",
              "goodscode", "prodid", "articleid", "no", "product", "p"}


def url_ids(url: str | None) -> list[str]:
    """Identifier-looking tokens of a product URL: an id parameter, else the last path token with digits."""
    if not url:
        return []
    parts = urlsplit(url)
    out = []
    for k, val in parse_qsl(parts.query):
        if k.casefold() in _ID_PARAMS and re.fullmatch(r"[A-Za-z]{0,3}\d{4,}", val):
            out.append(val)
    segs = [s for s in unquote(parts.path).split("/") if s]
    for seg in reversed(segs[-2:]):
        seg = re.sub(r"\.(?:html?|aspx?|php|jsp)$", "", seg, flags=re.I)
        toks = [t for t in re.split(r"[-_.,~]", seg) if re.fullmatch(r"[A-Za-z]{0,3}\d{5,}", t)]
        if toks:
            out.append(toks[-1])
            break
    return out
