"""Closed-loop rules (逻辑闭环): the production documents must agree with each other."""
from __future__ import annotations

import re
from datetime import date

from originproof.facts import EvidenceFacts, Unread
from originproof.rules.base import LEGIBLE_COPY, RuleContext, failed, passed, rule, unknown
from originproof.rules.production import (date_of, entity_same, eval_date, factory_entities, ptr, read_docs,
                                          text_covers_products, unread_docs, usable)

SLOTS = ("certificate_of_origin", "factory_licence", "production_agreement", "customs_declaration")


def _unread_block(code: str, ctx: RuleContext, slots: tuple[str, ...]):
    """A chain rule is unknown while a source it needs is unread."""
    un = [u for s in slots for u in unread_docs(ctx, s)]
    if un:
        return unknown(code, "dossier", "Not decided: a production document it needs could not be read yet "
                       f"({'; '.join(u.reason for u in un)[:200]})", "未判定：所需生产文件尚未能读取，需人工核查",
                       evidence=[{"file": f} for u in un for f in u.files], remedy=LEGIBLE_COPY)
    return None


@rule("CHAIN.MANUFACTURER", severity="fraud", needs_reader="document",
      title_en="One manufacturer across documents", title_zh="生产商一致")
def manufacturer(ctx: RuleContext):
    code, thr = "CHAIN.MANUFACTURER", ctx.policy.reading.name_match_threshold
    blocked = _unread_block(code, ctx, SLOTS[:3])
    if blocked:
        yield blocked
        return
    ents = factory_entities(ctx)
    if len({e["source"] for e in ents}) < 2:
        yield unknown(code, "dossier", "Fewer than two documents name the manufacturer legibly; nothing to compare",
                      "可读取生产商的文件少于两份，无法比对", remedy=LEGIBLE_COPY)
        return
    # Union the entities that are provably the same (registration number or comparable name).
    parent = list(range(len(ents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    verdict: dict[tuple[int, int], bool | None] = {}
    for i in range(len(ents)):
        for j in range(i + 1, len(ents)):
            v = entity_same(ents[i], ents[j], thr)
            verdict[(i, j)] = v
            if v:
                parent[find(i)] = find(j)
    groups = {find(i) for i in range(len(ents))}
    ev = [e["doc"].pointer(e["field"]) for e in ents]
    names = {e["source"]: e["names"][0] for e in ents}
    if len(groups) == 1:
        yield passed(code, "dossier", "One manufacturer across certificate, licence and agreement",
                     "原产地证、工厂资质与协议的生产商一致", evidence=ev, manufacturer=names)
        return
    conflict = [(i, j) for (i, j), v in verdict.items() if v is False and find(i) != find(j)]
    if conflict:
        i, j = conflict[0]
        a, b = ents[i], ents[j]
        yield failed(code, "dossier", f"Different manufacturers: {a['source']} names '{a['names'][0]}', "
                     f"{b['source']} names '{b['names'][0]}'",
                     f"生产商不一致：{a['source']} 为“{a['names'][0]}”，{b['source']} 为“{b['names'][0]}”",
                     severity="fraud", evidence=[a["doc"].pointer(a["field"]), b["doc"].pointer(b["field"])],
                     remedy=("请提交同一生产企业的原产地证、工厂资质与生产协议，或撤回不实材料",
                             "Supply certificate, licence and agreement of the one factory that makes the goods, or "
                             "withdraw the documents that do not belong"), manufacturer=names)
        return
    yield unknown(code, "dossier", "The manufacturer's names are printed in different scripts with no registration "
                  "number or bilingual name linking them; a person must check", "生产商名称文字不同且无登记号或双语名称可对应，需人工核查",
                  evidence=ev, manufacturer=names)


@rule("CHAIN.ORIGIN", severity="fraud", needs_reader="document",
      title_en="One country of origin across documents", title_zh="原产国一致")
def origin(ctx: RuleContext):
    code, claim = "CHAIN.ORIGIN", ctx.manifest.brand.origin_country.upper()
    seen: list[tuple[str, str, dict]] = []
    uncertain = []
    for d in read_docs(ctx, "certificate_of_origin"):
        (seen if usable(d.origin_country, ctx) else uncertain).append(
            ("certificate_of_origin", d.get("origin_country"), d.pointer("origin_country")))
    for d in read_docs(ctx, "factory_licence"):
        (seen if usable(d.country, ctx) else uncertain).append(("factory_licence", d.get("country"), d.pointer("address")))
    for d in read_docs(ctx, "customs_declaration"):
        if usable(d.lines, ctx):
            for l in d.get("lines") or []:
                if l.get("origin_country") and text_covers_products(ctx, l.get("goods_name") or ""):
                    seen.append(("customs_declaration", l["origin_country"], d.pointer("lines")))
    wrong = [s for s in seen if s[1] != claim]
    if wrong:
        yield failed(code, "dossier", "Countries of origin disagree: " + ", ".join(f"{s[0]} says {s[1]}" for s in wrong)
                     + f", the brand claims {claim}", "原产国不一致：" + "，".join(f"{s[0]} 为 {s[1]}" for s in wrong)
                     + f"，品牌声明为 {claim}", severity="fraud", evidence=[s[2] for s in wrong],
                     remedy=("请提交原产国与品牌发源地一致的全部生产文件，或撤回不实材料",
                             "Supply production documents that all show the brand's origin country, or withdraw the "
                             "ones that do not"), origins={s[0]: s[1] for s in seen}, claimed=claim)
        return
    blocked = _unread_block(code, ctx, ("certificate_of_origin", "factory_licence", "customs_declaration"))
    if blocked:
        yield blocked
        return
    if uncertain or not seen:
        yield unknown(code, "dossier", "A document's country of origin could not be read with confidence",
                      "部分文件的原产国无法可靠读取，需人工核查", evidence=[s[2] for s in uncertain], remedy=LEGIBLE_COPY)
        return
    yield passed(code, "dossier", f"Every production document points to {claim}", f"所有生产文件的原产国均为 {claim}",
                 evidence=[s[2] for s in seen][:6], origins={s[0]: s[1] for s in seen})


def _receipt_items(ctx: RuleContext) -> list[tuple[str, dict, list[str]]]:
    out = []
    sources = list(ctx.facts.receipt_photos)
    for v in ctx.facts.videos:
        r = getattr(v, "receipt", None) if isinstance(v, EvidenceFacts) else None
        sources.append(r if isinstance(r, EvidenceFacts) else None)
    for r in sources:
        if isinstance(r, EvidenceFacts) and r.doc_type == "receipt" and usable(getattr(r, "items", None), ctx):
            out.append(("receipt", r.pointer("items"),
                        [f"{i.get('name') or ''} {i.get('gtin') or ''}" for i in r.get("items") or []]))
    return out


@rule("CHAIN.PRODUCTS", severity="nonconforming", needs_reader="document",
      title_en="Same goods across documents", title_zh="货物一致")
def products(ctx: RuleContext):
    code = "CHAIN.PRODUCTS"
    sources: list[tuple[str, dict, list[str]]] = []
    hs: dict[str, set[str]] = {}
    for d in read_docs(ctx, "production_agreement"):
        if usable(d.products, ctx):
            sources.append(("production_agreement", d.pointer("products"), list(d.get("products") or [])))
    for d in read_docs(ctx, "certificate_of_origin"):
        if usable(d.goods, ctx):
            goods = d.get("goods") or []
            sources.append(("certificate_of_origin", d.pointer("goods"), [g.get("description") or "" for g in goods]))
            hs.setdefault("certificate_of_origin", set()).update(
                re.sub(r"\D", "", g.get("hs_code") or "")[:4] for g in goods if text_covers_products(ctx, g.get("description") or ""))
    for d in read_docs(ctx, "customs_declaration"):
        if usable(d.lines, ctx):
            lines = d.get("lines") or []
            sources.append(("customs_declaration", d.pointer("lines"), [l.get("goods_name") or "" for l in lines]))
            hs.setdefault("customs_declaration", set()).update(
                re.sub(r"\D", "", l.get("hs_code") or "")[:4] for l in lines if text_covers_products(ctx, l.get("goods_name") or ""))
    sources += _receipt_items(ctx)
    for i, l in enumerate(ctx.facts.listings):
        if isinstance(l, EvidenceFacts) and usable(getattr(l, "title", None), ctx):
            sources.append((f"listing[{i}]", l.pointer("title"), [l.get("title") or ""]))
    # Receipts and listings abbreviate names and are judged by their own DIST rules: they can confirm
    # the goods here, but only the production documents can contradict each other.
    missing = [s for s in sources if not any(text_covers_products(ctx, t) for t in s[2])
               and not s[0].startswith(("receipt", "listing"))]
    if missing:
        yield failed(code, "dossier", "These documents do not show the brand's goods: " + ", ".join(s[0] for s in missing),
                     "以下材料未显示本品牌商品：" + "，".join(s[0] for s in missing), severity="nonconforming",
                     evidence=[s[1] for s in missing],
                     remedy=("请提交同一批本品牌商品的协议、原产地证和报关单", "Supply agreement, certificate and declaration "
                             "for the same goods of this brand"), sources=[s[0] for s in missing])
        return
    heads = [h - {""} for h in hs.values() if h - {""}]
    if len(heads) == 2 and not (heads[0] & heads[1]):
        yield failed(code, "dossier", f"HS headings disagree between certificate ({sorted(hs['certificate_of_origin'])}) and "
                     f"declaration ({sorted(hs['customs_declaration'])})", "原产地证与报关单的 HS 品目不一致",
                     severity="nonconforming", evidence=[s[1] for s in sources if s[0] in hs],
                     remedy=("请核对并提交 HS 编码一致的原产地证与报关单", "Supply certificate and declaration whose HS "
                             "headings agree"))
        return
    blocked = _unread_block(code, ctx, ("certificate_of_origin", "production_agreement", "customs_declaration"))
    if blocked:
        yield blocked
        return
    if len({s[0] for s in sources}) < 2:
        yield unknown(code, "dossier", "Fewer than two documents list goods legibly; nothing to compare",
                      "可读取货物信息的材料少于两份，无法比对", remedy=LEGIBLE_COPY)
        return
    yield passed(code, "dossier", "The same goods across " + ", ".join(sorted({s[0] for s in sources})),
                 "各材料所列货物一致", evidence=[s[1] for s in sources][:6])


@rule("CHAIN.TIMELINE", severity="nonconforming", needs_reader="document",
      title_en="Dates cohere", title_zh="时间线一致")
def timeline(ctx: RuleContext):
    code, today = "CHAIN.TIMELINE", eval_date(ctx)
    blocked = _unread_block(code, ctx, SLOTS)
    if blocked:
        yield blocked
        return
    lic = [(d, date_of(d, "issue_date"), date_of(d, "expiry_date")) for d in read_docs(ctx, "factory_licence")
           if usable(d.issue_date, ctx)]
    agr = [(d, date_of(d, "signed_on")) for d in read_docs(ctx, "production_agreement") if usable(d.signed_on, ctx)]
    coo = [(d, date_of(d, "issue_date")) for d in read_docs(ctx, "certificate_of_origin") if usable(d.issue_date, ctx)]
    cus = [(d, date_of(d, "declared_on")) for d in read_docs(ctx, "customs_declaration") if usable(d.declared_on, ctx)]
    problems: list[tuple[str, str, list[dict]]] = []

    def valid_on(day: date) -> bool:
        return any(i <= day and (e is None or day <= e) for _d, i, e in lic)
    for d, s in agr:
        if lic and not valid_on(s):
            problems.append((f"the licence was not in force when the agreement was signed ({s})",
                             f"协议签订日 {s} 工厂资质不在有效期内", [d.pointer("signed_on")] + [l[0].pointer("issue_date") for l in lic]))
    for d, c in coo:
        if lic and not valid_on(c):
            problems.append((f"the licence was not in force when the goods were certified ({c})",
                             f"原产地证签发日 {c} 工厂资质不在有效期内", [d.pointer("issue_date")] + [l[0].pointer("issue_date") for l in lic]))
        for a, s in agr:
            if s > c:
                problems.append((f"the agreement ({s}) is dated after the certificate of origin ({c})",
                                 f"协议签订日 {s} 晚于原产地证签发日 {c}", [a.pointer("signed_on"), d.pointer("issue_date")]))
        for u, k in cus:
            if c > k:
                problems.append((f"the certificate of origin ({c}) is dated after the customs declaration ({k})",
                                 f"原产地证签发日 {c} 晚于报关单申报日 {k}", [d.pointer("issue_date"), u.pointer("declared_on")]))
    for label, items in (("licence", [(d, i) for d, i, _e in lic]), ("agreement", agr), ("certificate", coo),
                         ("declaration", cus)):
        for d, day in items:
            if day > today:
                f = {"licence": "issue_date", "agreement": "signed_on", "certificate": "issue_date",
                     "declaration": "declared_on"}[label]
                problems.append((f"the {label} is dated {day}, after submission ({today})", f"{label} 日期 {day} 晚于提交日",
                                 [d.pointer(f)]))
    if problems:
        yield failed(code, "dossier", "Dates do not cohere: " + "; ".join(p[0] for p in problems[:3]),
                     "时间线不一致：" + "；".join(p[1] for p in problems[:3]), severity="nonconforming",
                     evidence=[e for p in problems[:3] for e in p[2]],
                     remedy=("请核对各文件日期（资质有效期内签订协议、协议早于原产地证、原产地证早于报关单），提交正确文件",
                             "Supply documents whose dates cohere: licence in force at signing and certification, "
                             "agreement before certificate, certificate before declaration, all before submission"))
        return
    have = sum(bool(x) for x in (lic, agr, coo, cus))
    needed = sum(bool(read_docs(ctx, s)) for s in SLOTS)
    if have < 2 or have < needed:
        yield unknown(code, "dossier", "Some documents' dates could not be read with confidence", "部分文件日期无法可靠读取，需人工核查", remedy=LEGIBLE_COPY)
        return
    yield passed(code, "dossier", "Licence, agreement, certificate and declaration dates cohere", "各文件日期前后一致",
                 evidence=[x[0].pointer(f) for items, f in ((lic, "issue_date"), (agr, "signed_on"), (coo, "issue_date"),
                                                             (cus, "declared_on")) for x in items[:1]])


__all__ = ["Unread"]
