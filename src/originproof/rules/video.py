"""Rules judged from the store-visit videos themselves (reader: evidence/video): continuity, the
purchase stages, the receipt, the recording metadata and reuse. The seller's claims are only what
the video is compared with, never evidence for a pass."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterator

from originproof.text.dates import clipped_fits
from originproof.text.names import contains_name, fold, name_similarity
from originproof.evidence.video.fingerprint import NEAR_DUPLICATE, video_distance
from originproof.evidence.video.geo import haversine_km
from originproof.facts import Unread, VideoFacts
from originproof.rules import subjects as S
from originproof.rules.authenticity import reviewer_hits
from originproof.rules.base import (DEFERRED_TO_SUBMISSION, REUSE_AT_SUBMISSION, RuleContext, failed, not_applicable,
                                    passed, rule, unknown, unread_finding)
from originproof.rules.offline import visit_receipt

NA_EN, NA_ZH = "Offline route not used", "未使用线下门店路径"
STAGES = ("store", "shelf_pick", "payment", "receipt")
STAGE_EN = {"store": "store environment", "shelf_pick": "goods taken from the shelf", "payment": "payment",
            "receipt": "receipt printed"}
STAGE_ZH = {"store": "门店环境", "shelf_pick": "从货架取货", "payment": "付款", "receipt": "打印小票"}
CUT_MIN_CONFIDENCE = 0.75  # a detected cut below this is reported as uncertain (warn)
NAME_OCR_SIMILARITY = 80  # a printed store name this close to one of the claimed chain's names is that chain
LOW_CONF_STORE = ("store name read with low confidence", "门店名称识别置信度低")


def _videos(ctx: RuleContext, code: str) -> Iterator[tuple[int, str, Any, VideoFacts | None, Any]]:
    """(i, subject, visit, facts, finding-if-unread) per visit; n/a when the route is unused."""
    subs = S.visits(ctx.facts)
    if not subs:
        yield -1, "distribution.offline", None, None, not_applicable(code, "distribution.offline", NA_EN, NA_ZH)
        return
    for i, sub in enumerate(subs):
        visit = ctx.manifest.distribution.offline[i]
        v = ctx.facts.videos[i] if i < len(ctx.facts.videos) else None
        if not isinstance(v, VideoFacts):
            yield i, sub, visit, None, unread_finding(code, sub, v if isinstance(v, Unread) else None)
        else:
            yield i, sub, visit, v, None


def _created(v: VideoFacts) -> datetime | None:
    val = v.get("created_at")
    try:
        return datetime.fromisoformat(val) if val else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------- continuity
@rule("DIST.OFFLINE.VIDEO_CONTINUOUS", severity="fraud", scope="visit", needs_reader="video",
      title_en="One continuous take", title_zh="视频连续无剪辑")
def continuous(ctx: RuleContext):
    code = "DIST.OFFLINE.VIDEO_CONTINUOUS"
    for i, sub, visit, v, pre in _videos(ctx, code):
        if pre is not None:
            yield pre
            continue
        if not v.continuity_checked:
            yield unknown(code, sub, "The video could not be decoded far enough to check continuity",
                          "视频无法充分解码，未能核查连续性", evidence=[{"file": visit.video}])
            continue
        sure = [d for d in v.discontinuities if d.kind != "uncertain" and d.confidence >= CUT_MIN_CONFIDENCE]
        unsure = [d for d in v.discontinuities if d not in sure]
        if sure:
            ts = ", ".join(f"{d.t:.1f} s" for d in sure)
            yield failed(code, sub, f"The video is not one continuous take: {sure[0].kind.replace('_', ' ')} at {ts}",
                         f"视频并非一镜到底：在 {ts} 处存在剪辑/拼接或时间戳跳变", severity="fraud",
                         evidence=[{"file": visit.video, "t": round(d.t, 2)} for d in sure],
                         remedy=("请提供未经剪辑的原始连续录像（从进店到打印小票一镜到底）",
                                 "Supply the unedited original recording, one continuous take from the store "
                                 "entrance to the printed receipt"),
                         discontinuities=[d.model_dump() for d in sure])
        elif unsure:
            ts = ", ".join(f"{d.t:.1f} s" for d in unsure)
            yield failed(code, sub, f"Possible discontinuity at {ts} that could not be classified with confidence",
                         f"在 {ts} 处疑似不连续，无法确定，需人工复核", severity="fraud", status="warn",
                         evidence=[{"file": visit.video, "t": round(d.t, 2)} for d in unsure],
                         remedy=("如为原始连续录像，请提供手机中的原始文件", "If this is an original continuous take, "
                                 "supply the original file from the phone"),
                         discontinuities=[d.model_dump() for d in unsure])
        else:
            yield passed(code, sub, "One continuous take: no cut, splice or timestamp jump found",
                         "视频连续：未发现剪辑、拼接或时间戳跳变", evidence=[{"file": visit.video}])


# ----------------------------------------------------------------------------- stages
def ordered_stages(marks: list[Any]) -> dict[str, Any]:
    """The stage marks that show the purchase in its natural order along the take: the first store
    mark, then the first shelf pick after it, the first payment after that, the first receipt after
    that. Where no such chain exists, each stage's first mark (so the order can be reported)."""
    ms = sorted(marks, key=lambda m: m.t)
    chain: dict[str, Any] = {}
    t = -1.0
    for st in STAGES:
        m = next((m for m in ms if m.stage == st and m.t > t), None)
        if m is None:
            break
        chain[st] = m
        t = m.t
    if len(chain) == len(STAGES):
        return chain
    first: dict[str, Any] = {}
    for m in ms:
        first.setdefault(m.stage, m)
    return first


@rule("DIST.OFFLINE.VIDEO_STAGES", severity="nonconforming", scope="visit", needs_reader="video",
      title_en="Whole purchase shown in order", title_zh="完整购买流程")
def stages(ctx: RuleContext):
    code = "DIST.OFFLINE.VIDEO_STAGES"
    for i, sub, visit, v, pre in _videos(ctx, code):
        if pre is not None:
            yield pre
            continue
        if not v.stages_checked:
            yield unknown(code, sub, "The purchase stages could not be read from the video", "未能从视频中识别购买流程",
                          evidence=[{"file": visit.video}])
            continue
        first = ordered_stages(v.stage_marks)
        timeline = [{"stage": m.stage, "t": m.t, "thumbnail": m.thumbnail, "cue": m.cue}
                    for m in sorted(v.stage_marks, key=lambda m: m.t)]
        ev = [{"file": visit.video, "t": round(first[s].t, 2)} for s in STAGES if s in first]
        missing = [s for s in STAGES if s not in first]
        if missing:
            yield failed(code, sub, "The video does not show " + ", ".join(STAGE_EN[s] for s in missing),
                         "视频未展示：" + "、".join(STAGE_ZH[s] for s in missing), severity="nonconforming",
                         evidence=ev or [{"file": visit.video}],
                         remedy=("请提供完整展示门店环境、从货架取货、付款、打印小票全过程的购买视频",
                                 "Supply a video that shows the whole purchase: the store, taking the goods from the "
                                 "shelf, paying, and the receipt being printed"),
                         missing=missing, timeline=timeline)
            continue
        seen = sorted(STAGES, key=lambda s: first[s].t)
        if seen != list(STAGES):
            yield failed(code, sub, "The purchase stages are out of order: " + " → ".join(
                f"{STAGE_EN[s]} ({first[s].t:.1f} s)" for s in seen),
                "购买流程顺序不符：" + " → ".join(f"{STAGE_ZH[s]}（{first[s].t:.1f} 秒）" for s in seen),
                severity="nonconforming", evidence=ev,
                remedy=("请提供按 门店环境→取货→付款→打印小票 顺序连续拍摄的购买视频",
                        "Supply a video that shows store → shelf pick → payment → receipt in that order"),
                order=seen, timeline=timeline)
            continue
        low = [s for s in STAGES if first[s].confidence < ctx.policy.reading.min_field_confidence]
        if low:
            yield unknown(code, sub, "Stages found, but " + ", ".join(STAGE_EN[s] for s in low) + " only with low confidence",
                          "已识别流程，但“" + "、".join(STAGE_ZH[s] for s in low) + "”置信度不足，需人工核查",
                          evidence=ev, timeline=timeline)
            continue
        yield passed(code, sub, "Whole purchase shown in order: " + " → ".join(f"{STAGE_EN[s]} {first[s].t:.1f} s" for s in STAGES),
                     "完整购买流程按序展示：" + " → ".join(f"{STAGE_ZH[s]} {first[s].t:.1f} 秒" for s in STAGES),
                     evidence=ev, timeline=timeline)


# ----------------------------------------------------------------------------- receipt
def _as_date(val: Any) -> date | None:
    try:
        return date.fromisoformat(str(val)[:10]) if val else None
    except ValueError:
        return None


@rule("DIST.OFFLINE.RECEIPT", severity="nonconforming", scope="visit", needs_reader="video",
      title_en="Receipt matches", title_zh="小票相符")
def receipt(ctx: RuleContext):
    code = "DIST.OFFLINE.RECEIPT"
    m = ctx.manifest
    minc = ctx.policy.reading.min_field_confidence
    tol = ctx.policy.offline.receipt_date_tolerance_days
    remedy = ("请提供清晰可读、与所申报门店一致、列有本品牌商品且日期与视频拍摄日期相符的购物小票",
              "Supply a legible receipt from the claimed store that lists the brand's product and is dated the day "
              "the video was recorded")
    subs = S.visits(ctx.facts)
    if not subs:
        yield not_applicable(code, "distribution.offline", NA_EN, NA_ZH)
        return
    for i, sub in enumerate(subs):
        visit = m.distribution.offline[i]
        v = ctx.facts.videos[i] if i < len(ctx.facts.videos) else None
        photo = ctx.facts.receipt_photos[i] if i < len(ctx.facts.receipt_photos) else None
        rc = visit_receipt(ctx, i)
        if rc is None:
            photo_read_not_receipt = photo is not None and not isinstance(photo, Unread)
            video_has_none = isinstance(v, VideoFacts) and v.stages_checked and not any(
                s.stage == "receipt" for s in v.stage_marks)
            if (photo is None or photo_read_not_receipt) and video_has_none:
                ev = [{"file": visit.video}] + ([{"file": visit.receipt}] if visit.receipt else [])
                yield failed(code, sub, "No legible receipt: none is shown in the video"
                             + (" and the receipt photo is not a readable receipt" if photo_read_not_receipt else ""),
                             "未见清晰可读的小票：视频中未展示小票" + ("，小票照片也无法识别" if photo_read_not_receipt else ""),
                             severity="nonconforming", evidence=ev, remedy=remedy)
            else:
                why = (photo.reason if isinstance(photo, Unread) else
                       v.reason if isinstance(v, Unread) else "the receipt in the video could not be parsed")
                yield unknown(code, sub, f"The receipt could not be read ({why}); a person must check it",
                              f"小票未能读取（{why}），需人工核查", evidence=[{"file": visit.video}])
            continue
        problems: list[tuple[str, str, dict]] = []  # (en, zh, pointer)
        doubts: list[tuple[str, str]] = []  # (en, zh): what could not be settled, said in both languages
        name = rc.get("store_name")
        if not name and not rc.get("date") and not rc.get("items"):
            yield failed(code, sub, "The receipt is not legible (no store, date or items could be read)",
                         "小票无法辨认（未能读出门店、日期或商品）", severity="nonconforming",
                         evidence=[rc.pointer()], remedy=remedy)
            continue
        # Store ↔ claimed chain.
        country = visit.store.country.upper()
        claimed, _ = ctx.registry.match_chain(visit.store.chain, country)
        printed = None
        if rc.get("chain_id"):
            printed = next((c for c in ctx.registry.chains if c.id == rc.get("chain_id")), None)
        if printed is None and name:
            printed, _ = ctx.registry.match_chain(name, country)
            if printed is None:
                printed, _ = ctx.registry.match_chain(name)
        conf_name = rc.store_name.confidence if rc.store_name is not None else 0.0
        if name is None:
            doubts.append(("store name unreadable", "门店名称无法辨认"))
        elif printed is not None and claimed is not None:
            # A shaky OCR line still names another chain when it holds one of that chain's names whole (not a
            # near spelling) and the claimed chain appears nowhere on the receipt; a near spelling read with
            # low confidence may be the claimed chain's name misread, so a person checks it.
            claimed_absent = not any(len(fold(n)) >= 2 and contains_name(str(rc.text or ""), n) for n in claimed.names)
            whole = any(len(fold(n)) >= 3 and fold(n) in fold(str(name)) for n in printed.names)
            if printed.id != claimed.id and not (conf_name >= minc or printed.country != country
                                                 or (claimed_absent and whole)):
                doubts.append(LOW_CONF_STORE)
            elif printed.id != claimed.id:
                problems.append((f"the receipt is from {name} ({printed.display[0]}), not from the claimed {visit.store.chain}",
                                 f"小票门店为 {name}（{printed.display[1]}），与申报的 {visit.store.chain} 不符",
                                 rc.pointer("store_name")))
        elif claimed is not None and printed is None and max(
                [name_similarity(name, n) for n in claimed.names] + [0.0]) >= NAME_OCR_SIMILARITY:
            pass  # the claimed chain's name (in any of its scripts) read with an OCR slip
        elif name_similarity(name, visit.store.chain) < ctx.policy.reading.name_match_threshold and not (
                contains_name(name, visit.store.chain) or contains_name(visit.store.chain, name)):
            if conf_name >= minc:
                problems.append((f"the store printed on the receipt ({name}) does not match the claimed chain "
                                 f"{visit.store.chain}", f"小票门店（{name}）与申报连锁 {visit.store.chain} 不符",
                                 rc.pointer("store_name")))
            else:
                doubts.append(LOW_CONF_STORE)
        # The brand's product.
        names = [m.brand.name, *m.brand.local_names] + [p.name for p in m.products]
        gtins = [p.gtin for p in m.products if p.gtin]
        text = "\n".join([str(rc.text or "")] + [str(it.get("name", "")) for it in (rc.get("items") or [])])
        listed = any(contains_name(text, n) for n in names if n and len(fold(n)) >= 3) or any(
            g in text.replace(" ", "") for g in gtins)
        if not listed:
            if rc.get("items") or rc.text:
                problems.append(("the receipt does not list the brand's product (name or GTIN)",
                                 "小票未列出本品牌商品（名称或商品条码）", rc.pointer("items")))
            else:
                doubts.append(("items unreadable", "商品明细无法辨认"))
        # Date ↔ recording date. A date far from the recording is first suspected as a misread: another
        # date printed on the receipt, or the other reading (photo / video frames), that matches the
        # recording day settles it; it fails only when read confidently and nothing contradicts it.
        rdate = _as_date(rc.get("date"))
        created = _created(v) if isinstance(v, VideoFacts) else None
        by_clock = _clock_fit(ctx, rc, v, created, country) if rdate is None and created is not None else None
        if rdate is None and by_clock is None:
            doubts.append(("date unreadable", "日期无法辨认"))
        elif rdate is None:
            pass  # the date is cut off in the picture; its time and what is left of it place it in the recording
        elif created is None:
            doubts.append(("the video has no recording date to compare with", "视频无拍摄日期可供比对"))
        else:
            days = abs((rdate - created.date()).days)
            if days > tol:
                others = [d for d in (_as_date(x) for x in (rc.dates_seen or [])) if d is not None]
                others += [d for d in (_as_date(r.get("date")) for r in _readings(ctx, i)) if d is not None]
                if any(abs((d - created.date()).days) <= tol for d in others):
                    rdate, days = next(d for d in others if abs((d - created.date()).days) <= tol), 0
                elif rc.date.confidence >= minc and not _misread_like(rdate, created.date()):
                    problems.append((f"the receipt is dated {rdate}, {days} days from the recording date {created.date()}",
                                     f"小票日期 {rdate} 与视频拍摄日期 {created.date()} 相差 {days} 天",
                                     rc.pointer("date")))
                else:
                    doubts.append((f"date read as {rdate}, {days} days from the recording date — possibly misread",
                                   f"日期读作 {rdate}，与拍摄日期相差 {days} 天，可能为误读"))
        facts = {"store_name": name, "chain_id": printed.id if printed else None, "date": rc.get("date"),
                 "source": "+".join(rc.sources) if rc.sources else ("photo" if rc is photo else "video")}
        if problems:
            yield failed(code, sub, "Receipt does not match: " + "; ".join(p[0] for p in problems),
                         "小票不符：" + "；".join(p[1] for p in problems), severity="nonconforming",
                         evidence=[p[2] for p in problems], remedy=remedy, **facts)
        elif doubts:
            yield unknown(code, sub, "Receipt only partly read: " + ", ".join(d[0] for d in doubts)
                          + "; a person must check it",
                          "小票仅部分可读：" + "；".join(d[1] for d in doubts) + "，需人工核查", evidence=[rc.pointer()], **facts)
        elif by_clock is not None:
            frag, at = rc.get("date_clipped"), f"{by_clock:%H:%M} {by_clock.tzname()}"
            yield passed(code, sub, f"Receipt from {name} lists the brand's product; its date is cut off in the picture "
                         f"(…{frag}), but the time it prints ({at}) falls within the recording and the rest of the "
                         f"date fits the recording date",
                         f"小票（{name}）列有本品牌商品；其日期在画面中被截去（…{frag}），但所印时间（{at}）"
                         f"落在拍摄时段内，余下的日期部分与拍摄日期相符",
                         evidence=[rc.pointer("store_name"), rc.pointer("date_clipped")], **facts)
        else:
            yield passed(code, sub, f"Receipt from {name} lists the brand's product and matches the recording date",
                         f"小票（{name}）列有本品牌商品，日期与拍摄日期相符",
                         evidence=[rc.pointer("store_name"), rc.pointer("date")], **facts)


def _clock_fit(ctx: RuleContext, rc: Any, v: Any, created: datetime, country: str) -> datetime | None:
    """The moment a receipt whose date is cut off in the picture was printed, when the time it prints falls
    within the recording (± the policy's minutes for till clocks that run off; a phone stamps the start or
    the end of a take) in one of the country's time zones, on a day that what is left of its date fits;
    None otherwise. Agreement to the minute is what stands in for the missing digits."""
    from datetime import time, timedelta
    from zoneinfo import ZoneInfo

    frag, hhmm = rc.get("date_clipped"), rc.get("time")
    if not frag or not hhmm or created.tzinfo is None:
        return None
    try:
        h, mi = (int(x) for x in str(hhmm).split(":")[:2])
        clock = time(h, mi)
    except ValueError:
        return None
    span_min = float(v.get("duration_s") or 0) / 60 + ctx.policy.offline.receipt_clock_tolerance_minutes
    for tz in ctx.registry.time_zones(country):
        zone = ZoneInfo(tz)
        local = created.astimezone(zone)
        for k in (0, -1, 1):
            day = local.date() + timedelta(days=k)
            printed = datetime.combine(day, clock, zone)
            if abs((printed - created).total_seconds()) / 60 <= span_min and clipped_fits(str(frag), day, country):
                return printed
    return None


def _readings(ctx: RuleContext, i: int) -> list[Any]:
    """Each reading of visit i's receipt on its own: the photo and the video frames."""
    out = []
    photos = ctx.facts.receipt_photos
    if i < len(photos) and getattr(photos[i], "doc_type", None) == "receipt":
        out.append(photos[i])
    vids = ctx.facts.videos
    if i < len(vids) and isinstance(vids[i], VideoFacts) and vids[i].receipt_facts is not None:
        out.append(vids[i].receipt_facts)
    return out


def _misread_like(d: date, ref: date) -> bool:
    """A date that differs from the recording day the way OCR errs: same day and month in another year
    (a misread year digit), day and month swapped, or one digit of the day or month off."""
    if (d.month, d.day) == (ref.month, ref.day):
        return True
    if (d.month, d.day) == (ref.day, ref.month):
        return True
    same_year = d.year == ref.year
    return same_year and ((d.month == ref.month and sum(a != b for a, b in zip(f"{d.day:02d}", f"{ref.day:02d}")) == 1)
                          or (d.day == ref.day and sum(a != b for a, b in zip(f"{d.month:02d}", f"{ref.month:02d}")) == 1))


# ----------------------------------------------------------------------------- metadata
@rule("DIST.OFFLINE.VIDEO_ORIGINAL", severity="fraud", scope="visit", needs_reader="video",
      title_en="Original recording", title_zh="原始录像")
def original(ctx: RuleContext):
    code = "DIST.OFFLINE.VIDEO_ORIGINAL"
    pol = ctx.policy.offline
    minc = ctx.policy.reading.min_field_confidence
    origin = ctx.manifest.brand.origin_country.upper() if ctx.manifest else ""
    remedy = ("请提供手机拍摄的原始视频文件（未经剪辑软件处理、保留拍摄时间与定位信息）",
              "Supply the original file from the recording phone (not passed through an editing app, with its "
              "recording time and location kept)")
    for i, sub, visit, v, pre in _videos(ctx, code):
        if pre is not None:
            yield pre
            continue
        ptr = {"file": visit.video, "t": 0.0}
        fails: list[tuple[str, str, str]] = []  # (en, zh, severity)
        warns: list[tuple[str, str]] = []
        created = _created(v)
        recorded_on = None  # set when the recording is merely too old
        ev_at = ctx.facts.evaluated_at
        if created is None:
            warns.append(("the recording has no creation time", "视频缺少拍摄时间"))
        else:
            if created.tzinfo is None or ev_at.tzinfo is None:
                created = created.replace(tzinfo=None)
                ev_at = ev_at.replace(tzinfo=None)
            if created > ev_at:
                fails.append((f"it was recorded on {created:%Y-%m-%d %H:%M} UTC, after the submission",
                              f"拍摄时间 {created:%Y-%m-%d %H:%M}（UTC）晚于提交时间", "fraud"))
            elif (ev_at - created).days > pol.video_max_age_days:
                recorded_on = created
                fails.append((f"it was recorded {(ev_at - created).days} days before the submission, more than "
                              f"{pol.video_max_age_days}", f"拍摄于提交前 {(ev_at - created).days} 天，超过 "
                              f"{pol.video_max_age_days} 天", "nonconforming"))
        for t in v.editing_tools:
            what = "transcoded by" if t.get("weak") else "processed by the editing tool"
            warns.append((f"{what} {t.get('tool')} ({t.get('tag')}: {t.get('value')})",
                          f"经过编辑/转码软件 {t.get('tool')} 处理（{t.get('tag')}: {t.get('value')}）"))
        loc = v.get("location")
        lc = v.location_country
        if lc is not None and lc.value and str(lc.value).upper() != origin:
            if lc.confidence >= minc:
                fails.append((f"its GPS position lies in {lc.value}, not in the origin country {origin}",
                              f"视频定位在 {lc.value}，不在品牌发源地 {origin}", "fraud"))
            else:
                warns.append((f"its GPS position lies near a border, possibly in {lc.value}",
                              f"视频定位靠近国界，可能位于 {lc.value}"))
        store_loc = visit.store.location
        dist = None
        if loc and store_loc is not None:
            dist = haversine_km(float(loc["lat"]), float(loc["lon"]), store_loc.lat, store_loc.lon)
            if dist > pol.gps_max_distance_km:
                fails.append((f"its GPS position is {dist:.1f} km from the claimed store (limit {pol.gps_max_distance_km:g} km)",
                              f"视频定位距申报门店 {dist:.1f} 公里（上限 {pol.gps_max_distance_km:g} 公里）", "fraud"))
        facts = {"created_at": v.get("created_at"), "device": v.get("device"), "gps": loc,
                 "gps_country": lc.value if lc is not None else None,
                 "gps_distance_km": round(dist, 2) if dist is not None else None,
                 "editing_tools": [t.get("tool") for t in v.editing_tools]}
        if recorded_on is not None and len(fails) == 1:
            # Only too old: an honest video of a visit long ago, not a doubtful one — said as a date
            # outside the window, and answered by a recent visit, not by "the original file".
            days = (ev_at - recorded_on).days
            yield failed(code, sub, f"The recording date {recorded_on:%Y-%m-%d} is outside the {pol.video_max_age_days}-day "
                         f"window before submission (recorded {days} days before it)",
                         f"视频拍摄日期 {recorded_on:%Y-%m-%d} 不在提交前 {pol.video_max_age_days} 天的期限内（拍摄于提交前 {days} 天）",
                         severity="nonconforming", evidence=[ptr],
                         remedy=(f"请补充一段近期到店购买的视频（拍摄于提交前 {pol.video_max_age_days} 天内）",
                                 f"Supply a video of a recent store visit (recorded within {pol.video_max_age_days} "
                                 "days before submission)"), **facts)
        elif fails:
            yield failed(code, sub, "Recording metadata contradicts the claim: " + "; ".join(f[0] for f in fails),
                         "录像元数据与申报不符：" + "；".join(f[1] for f in fails), severity="fraud", evidence=[ptr],
                         remedy=remedy, **facts)
        elif warns:
            yield failed(code, sub, "Recording metadata is doubtful: " + "; ".join(w[0] for w in warns),
                         "录像元数据存疑：" + "；".join(w[1] for w in warns), severity="fraud", status="warn",
                         evidence=[ptr], remedy=remedy, **facts)
        else:
            yield passed(code, sub, "Recording metadata is plausible (creation time, no editing traces"
                         + (", GPS at the store" if dist is not None else ", GPS in the origin country" if lc else "") + ")",
                         "录像元数据合理（拍摄时间、无编辑痕迹" + ("、定位与门店一致" if dist is not None else "") + "）",
                         evidence=[ptr], **facts)


# ----------------------------------------------------------------------------- reuse
@rule("DIST.OFFLINE.VIDEO_UNIQUE", severity="fraud", scope="visit", needs_reader="video",
      title_en="Video not reused", title_zh="视频未被重复使用")
def unique(ctx: RuleContext):
    code = "DIST.OFFLINE.VIDEO_UNIQUE"
    m = ctx.manifest
    vids = ctx.facts.videos
    remedy = ("请为每家门店提供各自独立拍摄的原始购买视频，不得重复使用或挪用他人视频",
              "Supply a separately recorded original video for each store visit; do not reuse a video or use "
              "someone else's")
    for i, sub, visit, v, pre in _videos(ctx, code):
        if pre is not None:
            yield pre
            continue
        same: list[tuple[int, float]] = []
        for j, o in enumerate(vids):
            if j == i or not isinstance(o, VideoFacts):
                continue
            if o.sha256 and o.sha256 == v.sha256:
                same.append((j, 0.0))
                continue
            if v.fingerprint and o.fingerprint:
                d = video_distance(v.fingerprint, o.fingerprint)
                if d <= NEAR_DUPLICATE:
                    same.append((j, d))
        hits = [h for h in ctx.facts.reuse if h.kind == "video" and h.file == visit.video and h.other_dossier
                not in ("this", ctx.facts.digest) and (
                    (h.other_merchant_id or "") != m.merchant.id or fold(h.other_brand or "") != fold(m.brand.name))]
        if same:
            yield failed(code, sub, "The video is a near-duplicate of the video of " + ", ".join(
                f"distribution.offline[{j}] (distance {d:.3f})" for j, d in same),
                "该视频与本档案中 " + "、".join(f"distribution.offline[{j}]" for j, _ in same) + " 的视频近似重复",
                severity="fraud", evidence=[{"file": visit.video}] + [{"file": m.distribution.offline[j].video} for j, _ in same],
                remedy=remedy, duplicates=[{"visit": j, "distance": d} for j, d in same])
        elif hits:
            # A seller is told only that its video was submitted before by another account; the other
            # dossier is for reviewers (facts.reviewer), never the other merchant or brand.
            yield failed(code, sub, "This video was submitted before by another account",
                         "该视频此前已由其他账户提交", severity="fraud", evidence=[{"file": visit.video}],
                         remedy=remedy, reviewer=reviewer_hits(hits))
        elif not ctx.facts.reuse_checked and ctx.facts.precheck:
            en, zh = REUSE_AT_SUBMISSION
            yield unknown(code, sub, f"Not a duplicate within this dossier; {en}", f"本档案内无重复；{zh}",
                          evidence=[{"file": visit.video}], **DEFERRED_TO_SUBMISSION)
        elif not ctx.facts.reuse_checked:
            yield unknown(code, sub, "Not a duplicate within this dossier; earlier dossiers were not searched",
                          "本档案内无重复；未检索历史档案，需人工核查", evidence=[{"file": visit.video}])
        else:
            yield passed(code, sub, "Not a near-duplicate of any other video in this or earlier dossiers",
                         "与本档案及历史档案中的视频均无近似重复", evidence=[{"file": visit.video}])
