"""Authenticity rules (弄虚作假): edited PDFs and images, signatures, reuse, identifiers."""
from __future__ import annotations

from originproof.rules import subjects as S
from originproof.rules.base import RuleContext, pending, rule


def _subjects(ctx: RuleContext) -> list[str]:
    return S.all_documents(ctx.facts) + S.visits(ctx.facts)


@rule("AUTH.PDF_EDITED", severity="fraud_if_official", scope="documents", needs_reader="forensics",
      title_en="PDF not edited after issue", title_zh="PDF 未被篡改")
def pdf_edited(ctx: RuleContext):
    yield from pending("AUTH.PDF_EDITED", S.all_documents(ctx.facts), "forensics")


@rule("AUTH.SIGNATURE", severity="fraud", scope="documents", needs_reader="forensics",
      title_en="Digital signatures intact", title_zh="电子签名完整")
def signature(ctx: RuleContext):
    yield from pending("AUTH.SIGNATURE", S.all_documents(ctx.facts), "forensics")


@rule("AUTH.IMAGE_EDITED", severity="fraud_if_official", scope="evidence", needs_reader="forensics",
      title_en="Images not edited", title_zh="图片未被篡改")
def image_edited(ctx: RuleContext):
    yield from pending("AUTH.IMAGE_EDITED", _subjects(ctx), "forensics")


@rule("AUTH.DUPLICATE", severity="fraud", scope="evidence", needs_reader="forensics",
      title_en="Evidence not reused", title_zh="证据未被重复使用")
def duplicate(ctx: RuleContext):
    yield from pending("AUTH.DUPLICATE", _subjects(ctx), "forensics")
