"""The product's brand, settled by agreement between the page's sources.

Every source's brand is a candidate (structured data, meta tags, page state, platform markup, printed
captions and bylines); this module adds the two weak witnesses a page offers on top — the product's
own name naming the brand, and a breadcrumb step that does (shops file products under their brand) —
and then decides whether a brand is read at all:

- a value that says "no brand" (Unbranded, Generic, Does not apply …: registry/data/listings) is none;
- embedded page state alone never gives the brand: its objects are matched to the page by name only,
  and shops fill their brand keys with their own name or internal codes. It needs another witness,
  such as the product's name;
- the shop's own name (og:site_name, the domain) is no witness of itself: a title that ends in the
  site's name does not confirm a "brand" that is that name;
- where sources disagree and the better value is not clearly better supported, no brand is read:
  a wrong brand fails a listing, a missing one leaves it to the other checks.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from rapidfuzz import fuzz

from originproof.evidence.listings.reconcile import Candidates, Choice
from originproof.evidence.listings.visible import clean_brand, norm
from originproof.evidence.listings.vocab import no_brand_words
from originproof.registry import Registry

CORROBORATING = {"state", "title", "breadcrumb"}  # kinds of source that never give a brand alone
TITLE_CONF = 0.4
CRUMB_CONF = 0.4
MARGIN = 0.1  # the chosen brand's pooled confidence over the best other one, or no brand
MAX_LEN = 60
_SEPARATORS = re.compile(r"\s+[|｜\-–—:»]\s+|\s*[|｜]\s*")


def fold(text: str) -> str:
    """Case, accents, width and spacing folded: "Nördkind" and "nordkind" are one name."""
    t = unicodedata.normalize("NFKD", norm(text).casefold())
    return re.sub(r"\s+", " ", "".join(ch for ch in t if not unicodedata.combining(ch))).strip()


def _dense(text: str) -> bool:
    # Scripts written without spaces between words: a name inside them has no word boundary.
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)


def names_in(name: str, text: str) -> bool:
    """`name` appears in `text` as whole words (anywhere, in scripts written without spaces)."""
    n, t = fold(name), fold(text)
    if not n or not t:
        return False
    if _dense(n):
        return n in t
    return re.search(rf"(?<!\w){re.escape(n)}(?!\w)", t) is not None


def brand_value(raw: Any) -> str | None:
    """The brand a field states, or None for an empty, placeholder, "no brand", address or banner value."""
    if raw is None or isinstance(raw, bool):
        return None
    t = clean_brand(str(raw)).strip(" -–—:;,.")
    if not t or len(t) > MAX_LEN or not re.search(r"[^\W\d_]", t):
        return None  # nothing, or no letter: an internal number
    if re.search(r"://|^www\.|^/|\.(?:html?|php|aspx?)\b", t, re.I):
        return None  # an address where a name belongs
    if fold(t) in no_brand_words():
        return None
    return t


def site_names(meta: dict[str, str], og: dict[str, str], url: str | None) -> list[str]:
    """The shop's own names: og:site_name, application-name and the domain's name ("acme" of acme.co.uk)."""
    out = [meta.get(k) or og.get(k) for k in ("og:site_name", "application-name", "apple-mobile-web-app-title")]
    if url:
        dom = Registry.registered_domain(url)
        if dom:
            out.append(dom.split(".", 1)[0])
    return [fold(n) for n in out if n and fold(n)]


def is_site_name(value: str, sites: list[str]) -> bool:
    v = fold(value)
    squeezed = re.sub(r"\W", "", v)
    return any(v == s or (len(v) >= 3 and names_in(v, s)) or (squeezed and squeezed == re.sub(r"\W", "", s))
               for s in sites)


def product_name(titles: list[str | None], sites: list[str]) -> str:
    """The product's name from its titles, without the parts that name the shop ("Acme Mug | Shop")."""
    out = []
    for t in titles:
        if not t:
            continue
        parts = [p for p in _SEPARATORS.split(norm(t)) if p]
        kept = [p for p in parts if not is_site_name(p, sites)] if len(parts) > 1 else parts
        out.append(" ".join(kept))
    return " · ".join(dict.fromkeys(out))


def add_witnesses(cands: Candidates, name: str, crumbs: list[str], sites: list[str]) -> None:
    """Values that name no brand go; then the product's name and the breadcrumb trail witness every brand
    they name — but the shop's own name, and never alone: a title's first word or a category step
    ("Puzzle", "Montre") is as often a kind of product as a maker."""
    kept = []
    for c in cands.by_field.get("brand", []):
        if c.source == "visible:brand-box" and is_site_name(c.value, sites):
            continue  # a logo beside the title
        if (v := brand_value(c.value)):
            c.value = v
            kept.append(c)
    cands.by_field["brand"] = kept
    # The first step is home; the last is often the product itself, which is its name again.
    steps = [c for c in crumbs[1:] if not is_site_name(c, sites) and fuzz.ratio(fold(c), fold(name)) < 80]
    seen = set()
    for c in kept[:]:
        key = fold(c.value)
        if key in seen or is_site_name(c.value, sites):
            continue
        seen.add(key)
        if len(key) < 3 and not _dense(key) and not c.value.isupper():
            continue  # "on", "jj": a code that any title may spell; "HP", "LG" are names
        if names_in(c.value, name):
            cands.add("brand", c.value, "title", TITLE_CONF)
        if any(names_in(c.value, step) for step in steps):
            cands.add("brand", c.value, "breadcrumb", CRUMB_CONF)


def settle(cands: Candidates) -> tuple[Choice | None, str]:
    """The brand to read (None: no brand, or none good enough) and why not, when not."""
    ch = cands.choose("brand")
    if ch is None:
        return None, ""
    kinds = {w.split(":", 1)[0] for w in ch.witnesses}
    if not (kinds - CORROBORATING) and len(kinds) < 2:
        return None, f"brand {ch.value!r} only from weak sources ({', '.join(sorted(kinds))}), unconfirmed"
    # A value that holds the chosen one or is held by it ("Acme" / "Acme Wear") is the same brand read
    # more or less widely, not a contrary reading.
    contrary = [(score, value) for (value, _src), score in zip(ch.rejected, ch.scores)
                if not (names_in(value, ch.value) or names_in(ch.value, value))]
    if contrary and ch.confidence - contrary[0][0] < MARGIN:
        return None, f"brand sources disagree ({ch.value!r} / {contrary[0][1]!r})"
    return ch, ""
