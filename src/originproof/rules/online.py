"""Online-listing rules. PLATFORM is judged from the URL and the registry (and the observed page
when one exists); LISTING and STABLE need the platform-side observations (evidence/listings)."""
from __future__ import annotations

from urllib.parse import urlsplit

from originproof.facts import ListingFacts
from originproof.rules import subjects as S
from originproof.rules.base import RuleContext, failed, not_applicable, passed, pending, rule, unknown

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
        p = ctx.registry.platform_for_url(url)
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
        observed = lf.get("is_product_page") if isinstance(lf, ListingFacts) and lf.observed else None
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


def _pending(code: str, ctx: RuleContext):
    subs = S.listings(ctx.facts)
    if not subs:
        return [not_applicable(code, "distribution.online", NA_EN, NA_ZH)]
    return pending(code, subs, "listing observation")


@rule("DIST.ONLINE.LISTING", severity="nonconforming", scope="listing", needs_reader="listing",
      title_en="Listing offers the product, in stock", title_zh="商品在售且有货")
def listing(ctx: RuleContext):
    yield from _pending("DIST.ONLINE.LISTING", ctx)


@rule("DIST.ONLINE.STABLE", severity="nonconforming", scope="listing", needs_reader="listing",
      title_en="Listing live and stable", title_zh="链接稳定在售")
def stable(ctx: RuleContext):
    yield from _pending("DIST.ONLINE.STABLE", ctx)
