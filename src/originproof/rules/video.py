"""Rules judged from the store-visit videos themselves (reader: evidence/video)."""
from __future__ import annotations

from originproof.rules import subjects as S
from originproof.rules.base import RuleContext, not_applicable, pending, rule

NA_EN, NA_ZH = "Offline route not used", "未使用线下门店路径"


def _pending(code: str, ctx: RuleContext):
    subs = S.visits(ctx.facts)
    if not subs:
        return [not_applicable(code, "distribution.offline", NA_EN, NA_ZH)]
    return pending(code, subs, "video")


@rule("DIST.OFFLINE.VIDEO_CONTINUOUS", severity="fraud", scope="visit", needs_reader="video",
      title_en="One continuous take", title_zh="视频连续无剪辑")
def continuous(ctx: RuleContext):
    yield from _pending("DIST.OFFLINE.VIDEO_CONTINUOUS", ctx)


@rule("DIST.OFFLINE.VIDEO_STAGES", severity="nonconforming", scope="visit", needs_reader="video",
      title_en="Whole purchase shown in order", title_zh="完整购买流程")
def stages(ctx: RuleContext):
    yield from _pending("DIST.OFFLINE.VIDEO_STAGES", ctx)


@rule("DIST.OFFLINE.RECEIPT", severity="nonconforming", scope="visit", needs_reader="video",
      title_en="Receipt matches", title_zh="小票相符")
def receipt(ctx: RuleContext):
    yield from _pending("DIST.OFFLINE.RECEIPT", ctx)


@rule("DIST.OFFLINE.VIDEO_ORIGINAL", severity="fraud", scope="visit", needs_reader="video",
      title_en="Original recording", title_zh="原始录像")
def original(ctx: RuleContext):
    yield from _pending("DIST.OFFLINE.VIDEO_ORIGINAL", ctx)


@rule("DIST.OFFLINE.VIDEO_UNIQUE", severity="fraud", scope="visit", needs_reader="video",
      title_en="Video not reused", title_zh="视频未被重复使用")
def unique(ctx: RuleContext):
    yield from _pending("DIST.OFFLINE.VIDEO_UNIQUE", ctx)
