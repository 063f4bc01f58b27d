"""Store-visit rules judged from the claim, sharpened by what the video and receipt show."""
from __future__ import annotations

from originproof.facts import VideoFacts
from originproof.rules import subjects as S
from originproof.rules.base import RuleContext, failed, not_applicable, passed, rule, unknown
from originproof.text.names import fold

NA_EN, NA_ZH = "Offline route not used", "未使用线下门店路径"


def visit_receipt(ctx: RuleContext, i: int):
    """The receipt facts for visit i: the receipt photo and the receipt frames of the video, agreed
    field by field when both were read (evidence.receipts.agree); else whichever was read."""
    photos = ctx.facts.receipt_photos
    photo = None
    if i < len(photos) and photos[i] is not None and getattr(photos[i], "doc_type", None) == "receipt":
        photo = photos[i]
    vids = ctx.facts.videos
    video = vids[i].receipt_facts if i < len(vids) and isinstance(vids[i], VideoFacts) else None
    if photo is None or video is None:
        return photo if photo is not None else video
    from originproof.evidence.receipts.agree import agree
    p = photo.model_copy(deep=True)
    p.sources = list(dict.fromkeys((p.sources or []) + ["photo"]))
    return agree(p, video, prefer="a")


@rule("DIST.OFFLINE.STORE_COUNTRY", severity="nonconforming", scope="visit",
      title_en="Store in the origin country", title_zh="门店位于品牌发源地")
def store_country(ctx: RuleContext):
    m = ctx.manifest
    subs = S.visits(ctx.facts)
    if not subs:
        yield not_applicable("DIST.OFFLINE.STORE_COUNTRY", "distribution.offline", NA_EN, NA_ZH)
        return
    origin = m.brand.origin_country.upper()
    for i, sub in enumerate(subs):
        visit = m.distribution.offline[i]
        claimed = visit.store.country.upper()
        ev = [{"file": visit.video}]
        if claimed != origin:
            yield failed("DIST.OFFLINE.STORE_COUNTRY", sub,
                         f"The store is claimed to be in {claimed}, not in the brand's origin country {origin}",
                         f"门店所在国家为 {claimed}，不是品牌发源地 {origin}", severity="nonconforming", evidence=ev,
                         remedy=(f"请提供品牌发源地（{origin}）门店的购买视频",
                                 f"Supply a purchase video from a store in {origin}"),
                         claimed=claimed, origin=origin)
            continue
        # What the evidence itself says (GPS, receipt) overrides the claim.
        contradictions = []
        vid = ctx.facts.videos[i] if i < len(ctx.facts.videos) else None
        if isinstance(vid, VideoFacts) and vid.location_country is not None and vid.location_country.value:
            gps = str(vid.location_country.value).upper()
            if gps != origin:
                contradictions.append(("gps", gps, {"file": visit.video, "t": 0.0}))
        rc = visit_receipt(ctx, i)
        if rc is not None and rc.get("country") and str(rc.get("country")).upper() != origin:
            contradictions.append(("receipt", str(rc.get("country")).upper(), rc.pointer("country")))
        if contradictions:
            src, where, ptr = contradictions[0]
            yield failed("DIST.OFFLINE.STORE_COUNTRY", sub,
                         f"The {'video GPS' if src == 'gps' else 'receipt'} places the store in {where}, not in {origin}",
                         f"{'视频定位' if src == 'gps' else '小票'}显示门店位于 {where}，而非品牌发源地 {origin}",
                         severity="nonconforming", evidence=[ptr],
                         remedy=(f"请提供在 {origin} 门店实际拍摄的视频", f"Supply a video really recorded in a store in {origin}"),
                         source=src, observed=where, origin=origin)
            continue
        parts = [("claim", "the claim", "申报")]
        if isinstance(vid, VideoFacts) and vid.location_country:
            parts.append(("gps", "video GPS", "视频定位"))
        if rc is not None and rc.get("country"):
            parts.append(("receipt", "receipt", "小票"))
        basis = "+".join(p[0] for p in parts)  # facts keep the codes; messages say them in words
        yield passed("DIST.OFFLINE.STORE_COUNTRY", sub, f"Store in {origin} (per {', '.join(p[1] for p in parts)})",
                     f"门店位于 {origin}（依据：{'、'.join(p[2] for p in parts)}）", evidence=ev, basis=basis)


@rule("DIST.OFFLINE.STORE_QUALIFIED", severity="nonconforming", scope="visit",
      title_en="Qualifying chain store", title_zh="大型商超或知名连锁药房")
def store_qualified(ctx: RuleContext):
    m = ctx.manifest
    subs = S.visits(ctx.facts)
    if not subs:
        yield not_applicable("DIST.OFFLINE.STORE_QUALIFIED", "distribution.offline", NA_EN, NA_ZH)
        return
    thr = ctx.policy.reading.name_match_threshold
    for i, sub in enumerate(subs):
        store = m.distribution.offline[i].store
        country = store.country.upper()
        chain, score = ctx.registry.match_chain(store.chain, country, threshold=thr)
        ev = [{"file": m.distribution.offline[i].video}]
        if chain is None:
            elsewhere = ctx.registry.chain_in_other_country(store.chain, country)
            extra_en = f" ({elsewhere.display[0]} is a chain of {elsewhere.country})" if elsewhere else ""
            extra_zh = f"（{elsewhere.display[1]} 是 {elsewhere.country} 的连锁）" if elsewhere else ""
            forbidden = country in ctx.registry.pharmacy_chain_forbidden
            hint_en = (" Pharmacy chains are not permitted there; use a supermarket or a drugstore chain (dm, Rossmann …)"
                       if forbidden else "")
            hint_zh = "；该国法律不允许连锁药房，请改用大型超市或连锁药妆店（如 dm、Rossmann）" if forbidden else ""
            yield failed("DIST.OFFLINE.STORE_QUALIFIED", sub,
                         f"“{store.chain}” is not a registered large supermarket/hypermarket or well-known chain "
                         f"pharmacy of {country}{extra_en}.{hint_en}",
                         f"“{store.chain}” 不在 {country} 大型商超/知名连锁药房名录中{extra_zh}{hint_zh}",
                         severity="nonconforming", evidence=ev,
                         remedy=("请提供名录内大型商超或知名连锁药房的购买视频；如该连锁确属知名连锁，请联系平台补充名录",
                                 "Supply a video from a listed large supermarket or well-known chain pharmacy; if this "
                                 "chain qualifies, ask the platform to add it to the registry"),
                         claimed_chain=store.chain, best_score=round(score, 1))
            continue
        en, zh = chain.display  # the registry's name where the claim spells it another way (イオン → AEON)
        yield passed("DIST.OFFLINE.STORE_QUALIFIED", sub, f"“{store.chain}” is a registered {chain.kind} chain of {country}"
                     + (f" ({en})" if fold(en) != fold(store.chain) else ""),
                     f"“{store.chain}” 属于 {country} 名录内连锁" + (f"（{zh}）" if fold(zh) != fold(store.chain) else ""),
                     evidence=ev,
                     chain_id=chain.id, kind=chain.kind)
