"""Roll-ups over the per-element findings: DIST.OFFLINE.MIN_STORES and DIST.ROUTE."""
from __future__ import annotations

from originproof.text.names import fold
from originproof.findings import Finding
from originproof.rules import subjects as S
from originproof.rules.base import DEFERRED_TO_SUBMISSION, RuleContext, failed, not_applicable, passed, rule, unknown
from originproof.rules.offline import visit_receipt


def _on(prior: tuple[Finding, ...], subject: str) -> list[Finding]:
    return [f for f in prior if f.subject == subject or f.subject.startswith(subject + ".")]


def _element_status(prior: tuple[Finding, ...], subject: str) -> str:
    """fail if any finding on the element fails; pass if all pass (n/a ignored); else unknown."""
    sts = [f.status for f in _on(prior, subject)]
    sts = [s for s in sts if s != "n/a"]
    if "fail" in sts:
        return "fail"
    if sts and all(s == "pass" for s in sts):
        return "pass"
    return "unknown"


def store_identity(ctx: RuleContext, i: int) -> tuple[str, str]:
    """Chain + branch/address: from the legible receipt, else as claimed."""
    store = ctx.manifest.distribution.offline[i].store
    chain, _ = ctx.registry.match_chain(store.chain, store.country)
    chain_key = chain.id if chain else fold(store.chain)
    rc = visit_receipt(ctx, i)
    place = None
    if rc is not None:
        place = rc.get("branch") or rc.get("address")
        name = rc.get("store_name")
        if name:
            rc_chain, _ = ctx.registry.match_chain(name, store.country)
            chain_key = rc_chain.id if rc_chain else chain_key
    place = place or store.branch or store.address or ""
    return chain_key, fold(place)


@rule("DIST.OFFLINE.MIN_STORES", severity="nonconforming", title_en="At least 3 distinct stores",
      title_zh="至少 3 家不同门店")
def min_stores(ctx: RuleContext):
    m = ctx.manifest
    subs = S.visits(ctx.facts)
    need = ctx.policy.offline.min_stores
    if not subs:
        yield not_applicable("DIST.OFFLINE.MIN_STORES", "dossier", "Offline route not used", "未使用线下门店路径")
        return
    ids = [store_identity(ctx, i) for i in range(len(subs))]
    status = [_element_status(ctx.prior, s) for s in subs]
    claimed = set(ids)
    ok = {ids[i] for i, st in enumerate(status) if st == "pass"}
    not_failed = {ids[i] for i, st in enumerate(status) if st != "fail"}
    ev = [{"file": v.video} for v in m.distribution.offline]
    facts = dict(required=need, claimed_distinct=len(claimed), passing_distinct=len(ok),
                 remaining_distinct=len(not_failed))
    if len(claimed) < need or len(not_failed) < need:
        few = len(claimed) if len(claimed) < need else len(not_failed)
        stores, verb = ("distinct store", "is") if few == 1 else ("distinct stores", "are")
        why_en = (f"{stores} {verb} claimed" if len(claimed) < need else
                  f"{stores} {'remains' if few == 1 else 'remain'} after removing failing visits")
        why_zh = "家不同门店" if len(claimed) < need else "家门店在剔除不合格视频后仍有效"
        yield failed("DIST.OFFLINE.MIN_STORES", "dossier", f"Only {few} {why_en}; at least {need} are required",
                     f"仅 {few} {why_zh}，至少需要 {need} 家", severity="nonconforming", evidence=ev,
                     remedy=(f"请补充至少 {need} 家不同大型商超/知名连锁药房的完整购买视频（同一门店多段视频只计一家）",
                             f"Add complete purchase videos from at least {need} different qualifying stores "
                             "(several videos of one store count once)"), **facts)
    elif len(ok) >= need:
        yield passed("DIST.OFFLINE.MIN_STORES", "dossier", f"{len(ok)} distinct stores with passing visits",
                     f"{len(ok)} 家不同门店的视频均合格", evidence=ev, **facts)
    else:
        # Stores not failed and not yet confirmed: a person confirms them, except those whose only open
        # point is the reuse check a pre-check leaves to the submission.
        open_stores = not_failed - ok
        at_submission = {ids[i] for i, st in enumerate(status) if st == "unknown" and ids[i] in open_stores and all(
            f.facts.get("deferred_to") == DEFERRED_TO_SUBMISSION["deferred_to"]
            for f in _on(ctx.prior, subs[i]) if f.status == "unknown")}
        by_person = len(open_stores - at_submission)
        en = [f"{len(not_failed)} distinct stores claimed: {len(ok)} confirmed"]
        zh = [f"申报 {len(not_failed)} 家不同门店：{len(ok)} 家已确认"]
        if by_person:
            en.append(f"{by_person} still to be confirmed by a person")
            zh.append(f"{by_person} 家待人工核查确认")
        if at_submission:
            en.append(f"{len(at_submission)} to be confirmed when the dossier is submitted (reuse check), nothing to do now")
            zh.append(f"{len(at_submission)} 家将在提交档案时完成复用核查，目前无需处理")
        yield unknown("DIST.OFFLINE.MIN_STORES", "dossier", ", ".join(en), "，".join(zh), evidence=ev,
                      to_confirm_by_person=by_person, to_confirm_at_submission=len(at_submission), **facts)


@rule("DIST.ROUTE", severity="nonconforming", title_en="A distribution route passes completely",
      title_zh="至少一条流通路径完整通过")
def route(ctx: RuleContext):
    m = ctx.manifest
    routes: dict[str, str] = {}
    if m.distribution.offline:
        els = [_element_status(ctx.prior, s) for s in S.visits(ctx.facts)]
        ms = next((f.status for f in ctx.prior if f.rule == "DIST.OFFLINE.MIN_STORES"), "unknown")
        allst = els + [ms]
        routes["offline"] = "fail" if "fail" in allst else ("pass" if all(s == "pass" for s in allst) else "unknown")
    if m.distribution.online:
        els = [_element_status(ctx.prior, s) for s in S.listings(ctx.facts)]
        enough = len(els) >= ctx.policy.online.min_listings
        routes["online"] = "fail" if ("fail" in els or not enough) else (
            "pass" if all(s == "pass" for s in els) else "unknown")
    vals = list(routes.values())
    if "pass" in vals:
        r = next(k for k, v in routes.items() if v == "pass")
        yield passed("DIST.ROUTE", "dossier", f"The {r} route passes completely", f"{'线下门店' if r == 'offline' else '线上平台'}路径完整通过",
                     routes=routes)
    elif vals and all(v == "fail" for v in vals):
        yield failed("DIST.ROUTE", "dossier", "No distribution route passes: " + ", ".join(f"{k} fails" for k in routes),
                     "流通证明未通过：" + "、".join(("线下门店" if k == "offline" else "线上平台") + "路径不合格" for k in routes),
                     severity="nonconforming",
                     remedy=("请按各项发现修正：线下需 3 家以上合格门店的完整购买视频，或线上需发源地知名平台的稳定在售链接",
                             "Fix the findings of the route: 3+ qualifying stores with complete purchase videos, or "
                             "stable live listings on well-known platforms of the origin country"), routes=routes)
    else:
        yield unknown("DIST.ROUTE", "dossier", "Whether a distribution route passes is not yet decided",
                      "流通证明路径尚未能完全判定", routes=routes)
