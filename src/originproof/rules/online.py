"""Online-listing rules. PLATFORM is judged from the URL and the registry, sharpened by the observed
page; LISTING and STABLE from the platform-side observations (evidence/listings), never from anything
the seller supplies. Observations after the evaluation instant are ignored here (the monitor uses them
for later re-checks); block/captcha/timeout/5xx observations neither count nor break stability."""
from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from originproof.text.names import contains_name, name_similarity
from originproof.facts import ListingFacts, Unread
from originproof.facts.listings import Observation
from originproof.rules import subjects as S
from originproof.rules.base import RuleContext, failed, not_applicable, passed, rule, unknown, unread_finding

# What a seller can do when a listing page does not show clearly what it sells and whether it is in stock.
LISTING_PAGE = ("请提供该品牌商品本身的商品详情页链接（页面显示品牌、商品名称及库存/可购买状态）",
                "Supply the link to the brand's own product page (one that shows the brand, the product name and "
                "whether it is in stock or can be bought)")

NA_EN, NA_ZH = "Online route not used", "未使用线上平台路径"


@rule("DIST.ONLINE.PLATFORM", severity="nonconforming", scope="listing",
      title_en="Well-known platform of the origin country, product page", title_zh="发源地知名电商平台商品页")
def platform(ctx: RuleContext):
    m = ctx.manifest
    subs = S.listings(ctx.facts)
    if not subs:
        yield not_applicable("DIST.ONLINE.PLATFORM", "distribution.online", NA_EN, NA_ZH)
        return
    origin = m.brand.origin_country.upper()
    for i, sub in enumerate(subs):
        url = m.distribution.online[i].url.strip()
        ev = [{"url": url}]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            yield failed("DIST.ONLINE.PLATFORM", sub, f"“{url}” is not a web address (http/https)",
                         f"“{url}” 不是有效的网页链接（http/https）", severity="nonconforming", evidence=ev,
                         remedy=("请提供发源地知名电商平台的商品页链接",
                                 "Supply the product-page link on a well-known platform of the origin country"), url=url)
            continue
        # A platform of the registry, or a registered large chain's own web shop.
        p = ctx.registry.platform_for_url(url) or ctx.registry.chain_shop_for_url(url)
        if p is None:
            yield failed("DIST.ONLINE.PLATFORM", sub,
                         f"{parts.hostname} is not a registered well-known e-commerce platform of {origin}",
                         f"{parts.hostname} 不在 {origin} 知名电商平台名录中", severity="nonconforming", evidence=ev,
                         remedy=(f"请提供 {origin} 知名电商平台（如名录所列）的商品页链接",
                                 f"Supply a product page on a registered well-known platform of {origin}"),
                         host=parts.hostname)
            continue
        if p.country != origin:
            yield failed("DIST.ONLINE.PLATFORM", sub,
                         f"{p.name} is a platform of {p.country}, not of the brand's origin country {origin}",
                         f"{p.name} 属于 {p.country} 平台，不是品牌发源地 {origin} 的平台", severity="nonconforming",
                         evidence=ev, remedy=(f"请提供 {origin} 本地平台的商品页链接",
                                              f"Supply a listing on a platform of {origin}"),
                         platform=p.id, platform_country=p.country)
            continue
        by_url = ctx.registry.is_product_url(p, url)
        lf = ctx.facts.listings[i] if i < len(ctx.facts.listings) else None
        # The latest observation that showed what kind of page the link is (a gone page does not).
        seen = _latest_conclusive([o for o in _usable(ctx, lf) if o.state != "gone"]) \
            if isinstance(lf, ListingFacts) and lf.observed else None
        if seen is not None:
            ev = [{"url": url}, seen.pointer()]
        final_p = ctx.registry.platform_for_url(seen.final_url) if seen is not None and seen.final_url else None
        if seen is not None and seen.page_kind == "offsite":
            yield failed("DIST.ONLINE.PLATFORM", sub, f"The link leaves {p.name}: {seen.detail}",
                         f"该链接跳转离开了 {p.name}（{seen.final_url}）", severity="nonconforming", evidence=ev,
                         remedy=("请提供直接位于名录平台上的商品页链接",
                                 "Supply the product page's own address on the registered platform"),
                         platform=p.id, final_url=seen.final_url, decided_by="page")
            continue
        if final_p is not None and final_p.id != p.id and final_p.country != origin:
            yield failed("DIST.ONLINE.PLATFORM", sub, f"The link redirects to {final_p.name}, a platform of "
                         f"{final_p.country}, not of {origin}", f"该链接跳转至 {final_p.country} 的平台 {final_p.name}，"
                         f"不是 {origin} 本地平台", severity="nonconforming", evidence=ev,
                         remedy=(f"请提供 {origin} 本地平台的商品页链接", f"Supply a listing on a platform of {origin}"),
                         platform=p.id, final_platform=final_p.id, decided_by="page")
            continue
        # A gone page says nothing about what kind of page the link was: the URL decides then.
        observed = seen.is_product_page if seen is not None else None
        is_product = observed if observed is not None else by_url
        if is_product is False:
            yield failed("DIST.ONLINE.PLATFORM", sub,
                         f"The link on {p.name} is not a product page (search, category or store page)",
                         f"该 {p.name} 链接不是商品详情页（而是搜索/分类/店铺页）", severity="nonconforming", evidence=ev,
                         remedy=("请提供具体商品的详情页链接", "Supply the link of the product's own page"),
                         platform=p.id, decided_by="page" if observed is not None else "url")
        elif is_product is True:
            yield passed("DIST.ONLINE.PLATFORM", sub, f"Product page on {p.name} ({p.country})",
                         f"{p.name}（{p.country}）商品详情页", evidence=ev, platform=p.id,
                         decided_by="page" if observed is not None else "url")
        else:
            yield unknown("DIST.ONLINE.PLATFORM", sub,
                          f"{p.name} is a registered platform of {origin}, but whether the link is a product page "
                          "could not be decided", f"{p.name} 为名录平台，但无法判断链接是否为商品详情页",
                          evidence=ev, platform=p.id)


# --------------------------------------------------------------------------------- observations
STATE_ZH = {"live": "在售", "out_of_stock": "缺货", "gone": "已下架/不存在", "not_product": "非商品页",
            "blocked": "被拦截（验证码/封锁）", "error": "抓取失败", "unknown": "无法判断"}
NEGATIVE = ("gone", "out_of_stock", "not_product")


def _listing(ctx: RuleContext, i: int):
    items = ctx.facts.listings
    return items[i] if i < len(items) else None


def _usable(ctx: RuleContext, lf: ListingFacts) -> list[Observation]:
    """Observations at or before the evaluation instant, oldest first (later ones are for re-checks)."""
    at = ctx.facts.evaluated_at
    return sorted((o for o in lf.observations if o.captured_at <= at), key=lambda o: o.captured_at)


def _observations(ctx: RuleContext, i: int) -> tuple[str, object, list[Observation] | None]:
    """(url, listing facts, usable observations) of listing i; observations None when it was never observed."""
    url = ctx.manifest.distribution.online[i].url.strip()
    lf = _listing(ctx, i)
    if not isinstance(lf, ListingFacts) or not lf.observed:
        return url, lf, None
    return url, lf, _usable(ctx, lf)


def _latest_conclusive(obs: list[Observation]) -> Observation | None:
    conc = [o for o in obs if o.conclusive]
    return conc[-1] if conc else None


def brand_match(ctx: RuleContext, o: Observation) -> tuple[bool | None, float, str]:
    """Does the observed page offer the dossier brand's product? (match, confidence, how decided)."""
    m = ctx.manifest
    names = [n for n in [m.brand.name, *m.brand.local_names] if n]
    thr = ctx.policy.reading.name_match_threshold
    gtins = {p.gtin.strip() for p in m.products if p.gtin}
    conf = o.field_confidence
    pos: list[tuple[float, str]] = []
    if o.gtin and o.gtin in gtins:
        pos.append((conf.get("gtin", 0.6), "gtin"))
    if o.brand and any(name_similarity(o.brand, n) >= thr or contains_name(o.brand, n) for n in names):
        pos.append((conf.get("brand", 0.6), "brand"))
    if o.title and any(contains_name(o.title, n) for n in names):
        pos.append((conf.get("title", 0.6), "title"))
    if pos:
        c, how = max(pos)
        return True, c, how
    if o.brand:
        return False, conf.get("brand", 0.6), "brand"
    return None, 0.0, "none"


# What would get a listing observed when the check had neither a web archive nor live observation,
# said to whoever reads the report: on the command line, the flags; through the service, the seller
# has nothing to do — observing listings is the operator's configuration.
NO_OBSERVATION_REMEDY = {
    "cli": ("请加 --web-archive 提供该链接的平台侧抓取存档（WARC 文件），或加 --allow-network 实时抓取后重新检查",
            "Check again with --web-archive FILE.warc.gz (platform-side captures of this listing) or with "
            "--allow-network (observe it live)"),
    "service": ("商家无需操作：本服务尚未配置平台侧的链接抓取（网页存档或实时抓取），由运营方配置后重新核查，在此之前由人工复核",
                "Nothing for the seller to do: this service has no platform-side observation of listings configured "
                "(a web archive or live observation); its operator configures one and the listing is judged at a "
                "re-check — until then a person reviews it"),
}


def _not_observed(ctx: RuleContext, code: str, sub: str, lf, url: str):
    if lf is None:
        return unknown(code, sub, "The listing was not read", "未读取该链接", evidence=[{"url": url}])
    if isinstance(lf, Unread):
        return unread_finding(code, sub, lf)
    if ctx.facts.listings_observable is False:
        # The reader's note names the command line's flags; the remedy says what this reader can do.
        return unknown(code, sub, "Not judged: the listing was not observed from the platform side (this check "
                       "had neither a web archive nor live observation of listings)",
                       "未判定：本次检查未配置平台侧抓取（既无网页存档，也未启用实时抓取），无法核验该链接",
                       evidence=[{"url": url}], remedy=NO_OBSERVATION_REMEDY[ctx.facts.entry],
                       reason="no observation configured")
    why = "; ".join(lf.notes) or "no platform-side observation of this URL"
    return unknown(code, sub, f"Not judged: the listing has not been observed from the platform side ({why})",
                   "未判定：平台侧尚无该链接的抓取记录（需提供网页存档或由监控抓取）", evidence=[{"url": url}],
                   reason=why)


def _only_inconclusive(code: str, sub: str, obs: list[Observation], url: str):
    ev = [o.pointer() for o in obs[-3:]] or [{"url": url}]
    states = sorted({o.state for o in obs})
    return unknown(code, sub, "Every observation so far was blocked, a captcha, a timeout or a server error "
                   f"({', '.join(states) or 'none before the evaluation instant'}); live or gone cannot be told",
                   "截至评估时点的抓取均被拦截、验证码、超时或服务器错误，无法判断是否在售", evidence=ev,
                   observations=len(obs), states=states)


_TZ: dict[str, ZoneInfo] = {}


def _when(o: Observation, tz: str = "Asia/Shanghai") -> str:
    """Capture time for messages, in the policy's time zone (CST by default), to the minute."""
    z = _TZ.setdefault(tz, ZoneInfo(tz))
    return o.captured_at.astimezone(z).strftime("%Y-%m-%d %H:%M %z")


@rule("DIST.ONLINE.LISTING", severity="nonconforming", scope="listing", needs_reader="listing",
      title_en="Listing offers the product, in stock", title_zh="商品在售且有货")
def listing(ctx: RuleContext):
    code = "DIST.ONLINE.LISTING"
    subs = S.listings(ctx.facts)
    if not subs:
        yield not_applicable(code, "distribution.online", NA_EN, NA_ZH)
        return
    min_conf = ctx.policy.reading.min_field_confidence
    brand = ctx.manifest.brand.name

    def when(o: Observation) -> str:
        return _when(o, ctx.policy.timezone)
    for i, sub in enumerate(subs):
        url, lf, obs = _observations(ctx, i)
        if obs is None:
            yield _not_observed(ctx, code, sub, lf, url)
            continue
        o = _latest_conclusive(obs)
        if o is None:
            yield _only_inconclusive(code, sub, obs, url)
            continue
        ev = [o.pointer()]
        base = dict(state=o.state, observed_at=o.captured_at.isoformat(), http_status=o.http_status, title=o.title, brand=o.brand,
                    availability=o.availability, final_url=o.final_url)
        if o.state == "gone":
            yield failed(code, sub, f"The listing is gone: at the latest observation ({when(o)}) the page "
                         f"{'answered HTTP ' + str(o.http_status) if o.http_status in (404, 410) else 'said the product is no longer sold'}",
                         f"该链接已失效：最近一次抓取（{when(o)}）显示商品不存在或已停售", severity="nonconforming",
                         evidence=ev, remedy=("请撤回该链接，或提供品牌商品当前在售的发源地平台链接",
                                              "Withdraw this link or supply a listing where the brand's product is on sale now"),
                         **base)
        elif o.state == "not_product":
            what = o.detail or f"{o.page_kind or 'non-product'} page"
            yield failed(code, sub, f"The link does not show a product offer at the latest observation ({what})",
                         f"最近一次抓取显示该链接不是商品详情页（{what}）", severity="nonconforming", evidence=ev,
                         remedy=("请提供该品牌商品本身的详情页链接", "Supply the link of the brand's product page itself"),
                         page_kind=o.page_kind, **base)
        else:
            match, mconf, how = brand_match(ctx, o)
            if match is False and mconf >= min_conf:
                yield failed(code, sub, f"The page offers another brand's product (brand “{o.brand}”, title “{o.title}”), "
                             f"not {brand}", f"该页面销售的是其他品牌（{o.brand}）的商品，而非 {brand}",
                             severity="nonconforming", evidence=ev,
                             remedy=(f"请提供销售 {brand} 商品的链接", f"Supply a listing that offers {brand}'s product"),
                             matched_by=how, **base)
            elif o.state == "out_of_stock" and o.field_confidence.get("availability", 0) >= min_conf:
                yield failed(code, sub, f"The product is out of stock at the latest observation ({when(o)})",
                             f"最近一次抓取（{when(o)}）显示商品缺货", severity="nonconforming", evidence=ev,
                             remedy=("请在商品恢复有货后重新提交，或提供有货的链接",
                                     "Resubmit once the product is back in stock, or supply a listing that has it in stock"),
                             **base)
            elif match is None or mconf < min_conf:
                yield unknown(code, sub, "A product page was observed, but whether it offers the brand's product "
                              "could not be read with confidence", "已抓取到商品页，但无法可靠判断是否为该品牌商品",
                              evidence=ev, matched_by=how, **base, remedy=LISTING_PAGE)
            elif o.state == "live" and o.availability == "in_stock" \
                    and o.field_confidence.get("availability", 0) >= min_conf:
                yield passed(code, sub, f"On sale and in stock at the latest observation ({when(o)})",
                             f"最近一次抓取（{when(o)}）显示该品牌商品在售且有货", evidence=ev, matched_by=how, **base)
            else:
                yield unknown(code, sub, "The brand's product page was observed, but whether it is in stock could not "
                              "be read with confidence", "已抓取到该品牌商品页，但无法可靠判断是否有货", evidence=ev,
                              matched_by=how, **base, remedy=LISTING_PAGE)


@rule("DIST.ONLINE.STABLE", severity="nonconforming", scope="listing", needs_reader="listing",
      title_en="Listing live and stable", title_zh="链接稳定在售")
def stable(ctx: RuleContext):
    code = "DIST.ONLINE.STABLE"
    subs = S.listings(ctx.facts)
    if not subs:
        yield not_applicable(code, "distribution.online", NA_EN, NA_ZH)
        return
    pol = ctx.policy.online
    need, span_days, max_age = pol.stable_min_observations, pol.stable_min_span_days, pol.stable_max_age_days
    at = ctx.facts.evaluated_at

    def when(o: Observation) -> str:
        return _when(o, ctx.policy.timezone)
    for i, sub in enumerate(subs):
        url, lf, obs = _observations(ctx, i)
        if obs is None:
            yield _not_observed(ctx, code, sub, lf, url)
            continue
        min_conf = ctx.policy.reading.min_field_confidence

        def other_brand(o: Observation) -> bool | None:
            """A live page of another brand's product: True when read with confidence, None when doubtful
            (such an observation shows neither the listing live nor gone)."""
            if o.state != "live":
                return False
            match, mconf, _how = brand_match(ctx, o)
            return (True if mconf >= min_conf else None) if match is False else False
        other = {id(o): other_brand(o) for o in obs}  # each page's brand judged once
        conc = [o for o in obs if o.conclusive and other[id(o)] is not None]
        if not conc:
            doubtful = [o for o in obs if o.conclusive]
            yield (_only_inconclusive(code, sub, obs, url) if not doubtful else unknown(
                code, sub, f"The page was observed live {len(doubtful)} time(s), but whether it offers the brand's "
                "product could not be read with confidence", f"已抓取到 {len(doubtful)} 次在售页面，但无法可靠判断是否为该品牌商品",
                evidence=[o.pointer() for o in doubtful[-3:]], observations=len(obs), remedy=LISTING_PAGE))
            continue

        def negative(o: Observation) -> bool:
            return o.state in NEGATIVE or other[id(o)] is True
        live = [o for o in conc if not negative(o)]
        negs = [o for o in conc if negative(o)]
        last_neg = negs[-1] if negs else None
        run = [o for o in live if last_neg is None or o.captured_at > last_neg.captured_at]
        facts = dict(required_observations=need, required_span_days=span_days, max_age_days=max_age,
                     observations=len(obs), live_observations=len(live), inconclusive=len(obs) - len(conc))
        ev = [o.pointer() for o in (run or live or conc)[-need:]]
        if conc[-1] in negs:
            o = conc[-1]
            state_en, state_zh = (("another brand's product", "其他品牌的商品") if o.state == "live" else
                                  (o.state.replace('_', ' '), STATE_ZH.get(o.state, o.state)))
            yield failed(code, sub, f"Not live at the latest observation ({when(o)}: {state_en})",
                         f"最近一次抓取（{when(o)}）显示{state_zh}，链接不稳定",
                         severity="nonconforming", evidence=[o.pointer()],
                         remedy=("请提供持续在售的链接", "Supply a listing that stays on sale"), latest_state=o.state, **facts)
            continue
        span = (run[-1].captured_at - run[0].captured_at).total_seconds() / 86400 if run else 0.0
        age = (at - run[-1].captured_at).total_seconds() / 86400 if run else None
        facts.update(run_observations=len(run), run_span_days=round(span, 2),
                     latest_live_age_days=None if age is None else round(age, 2))
        if len(run) >= need and span >= span_days and age is not None and age <= max_age:
            yield passed(code, sub, f"Observed live {len(run)} times over {span:.0f} days, latest {age:.0f} days "
                         "before the evaluation instant, never gone or out of stock in between",
                         f"{span:.0f} 天内 {len(run)} 次抓取均在售，最近一次距评估时点 {age:.0f} 天，期间未下架或缺货",
                         evidence=ev, **facts)
            continue
        breaks = [o for o in negs if any(l.captured_at < o.captured_at for l in live)]
        if breaks:
            o = breaks[-1]
            yield failed(code, sub, f"Not stable: between live observations the listing was "
                         f"{o.state.replace('_', ' ')} on {when(o)}",
                         f"链接不稳定：两次在售抓取之间（{when(o)}）显示{STATE_ZH.get(o.state, o.state)}",
                         severity="nonconforming", evidence=[o.pointer(), *ev],
                         remedy=("请提供持续稳定在售的链接", "Supply a listing that has stayed on sale without interruption"),
                         break_state=o.state, break_at=o.captured_at.isoformat(), **facts)
            continue
        why_en, why_zh = [], []
        if len(run) < need:
            why_en.append(f"observed live {len(run)} time(s), {need} needed")
            why_zh.append(f"在售抓取 {len(run)} 次（需 {need} 次）")
        if span < span_days:
            why_en.append(f"the live observations span {span:.1f} days, {span_days} needed")
            why_zh.append(f"时间跨度 {span:.1f} 天（需 {span_days} 天）")
        if age is not None and age > max_age:
            why_en.append(f"the latest live observation is {age:.1f} days before the evaluation instant "
                          f"(at most {max_age})")
            why_zh.append(f"最近一次在售抓取距评估时点 {age:.1f} 天（不得超过 {max_age} 天）")
        yield unknown(code, sub, "Stability not established yet: " + "; ".join(why_en) +
                      " — the monitor keeps observing; a person must check",
                      "稳定性尚未确立：" + "；".join(why_zh) + "，需继续监控或人工核查", evidence=ev, **facts)
