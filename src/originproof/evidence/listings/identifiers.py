"""The shop's own identifier of the product (its SKU or product code), settled by what the page shows.

Structured data's `sku` is often a stock unit the shopper never sees: the selected size or colour of a
variant, or a warehouse number behind a product code the page prints. Where the page prints a code for
the product — under a caption ("Product code: 123456") or in the element its theme names for it — and
the structured value is nowhere on the page, the printed code is the product's identifier as the shop
shows it, and it is read instead. A structured value the page also prints, or one with no printed code
against it, stands as reconcile.py chose it.
"""
from __future__ import annotations

import re

from originproof.evidence.listings.reconcile import Candidates, Choice, _key

PRINTED = ("visible:caption", "visible:id-box")  # sources that read a code printed for the shopper
MIN_SHOWN = 4  # a shorter code may be spelt by any page's text by chance: it cannot be told unshown


def _folded(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def settle(cands: Candidates, page_text: str) -> tuple[Choice | None, str]:
    """The identifier to read, and a note when a printed code was preferred to an unprinted one."""
    ch = cands.choose("sku")
    every = cands.by_field.get("sku") or []
    printed = [c for c in every if c.source in PRINTED]
    if ch is None or not printed:
        return ch, ""
    shown = {_key("sku", c.value) for c in printed}
    chosen = _key("sku", ch.value)
    if chosen in shown or len(chosen) < MIN_SHOWN or chosen in _folded(page_text):
        return ch, ""
    # The printed codes and every source that agrees with one of them, chosen between as usual.
    sub = Candidates({"sku": [c for c in every if _key("sku", c.value) in shown]})
    alt = sub.choose("sku")
    if alt is None:
        return ch, ""
    alt.rejected = [(ch.value, ch.source), *alt.rejected]
    alt.scores = [ch.confidence, *alt.scores]
    return alt, f"sku {ch.value!r} ({ch.source}) is not shown on the page; the printed code {alt.value!r} is read"
