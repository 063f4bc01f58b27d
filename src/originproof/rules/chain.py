"""Closed-loop rules (逻辑闭环): the production documents must agree with each other."""
from __future__ import annotations

from originproof.rules.base import RuleContext, pending, rule


@rule("CHAIN.MANUFACTURER", severity="fraud", needs_reader="document",
      title_en="One manufacturer across documents", title_zh="生产商一致")
def manufacturer(ctx: RuleContext):
    yield from pending("CHAIN.MANUFACTURER", ["dossier"], "document")


@rule("CHAIN.ORIGIN", severity="fraud", needs_reader="document",
      title_en="One country of origin across documents", title_zh="原产国一致")
def origin(ctx: RuleContext):
    yield from pending("CHAIN.ORIGIN", ["dossier"], "document")


@rule("CHAIN.PRODUCTS", severity="nonconforming", needs_reader="document",
      title_en="Same goods across documents", title_zh="货物一致")
def products(ctx: RuleContext):
    yield from pending("CHAIN.PRODUCTS", ["dossier"], "document")


@rule("CHAIN.TIMELINE", severity="nonconforming", needs_reader="document",
      title_en="Dates cohere", title_zh="时间线一致")
def timeline(ctx: RuleContext):
    yield from pending("CHAIN.TIMELINE", ["dossier"], "document")
