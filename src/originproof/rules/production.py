"""Production-proof rules (生产证明): the four documents and what they say."""
from __future__ import annotations

from originproof.dossier.manifest import PRODUCTION_SLOTS
from originproof.facts import EvidenceFacts, Unread
from originproof.rules import subjects as S
from originproof.rules.base import LEGIBLE_COPY, RuleContext, failed, passed, rule, unknown

SLOT_NAMES = {
    "certificate_of_origin": ("原产地证明", "certificate of origin", "PROD.COO.PRESENT"),
    "factory_licence": ("工厂注册及生产资质", "factory registration / production licence", "PROD.FACTORY.PRESENT"),
    "production_agreement": ("生产加工协议", "production / processing agreement", "PROD.AGREEMENT.PRESENT"),
    "customs_declaration": ("进口报关单", "Chinese import customs declaration", "PROD.CUSTOMS.PRESENT"),
}
REMEDY = {
    "certificate_of_origin": ("请提交发源地商会、海关或政府机构签发的原产地证书",
                              "Supply a certificate of origin issued by a chamber of commerce, customs or government body of the origin country"),
    "factory_licence": ("请提交工厂的有效注册证明及生产许可（或名录认可的替代文件，如 ISO 22716 证书加商业登记摘录）",
                        "Supply the factory's valid registration and production licence (or what the registry accepts in its place, e.g. ISO 22716 plus the company-register extract)"),
    "production_agreement": ("请提交品牌方与生产工厂签署的生产/加工协议",
                             "Supply the production / processing agreement between the brand owner and the factory"),
    "customs_declaration": ("请提交近 90 天内的进口货物报关单（跨境电商零售进口可提交申报清单）",
                            "Supply an import customs declaration (报关单; for CBEC retail imports the 申报清单) dated within the last 90 days"),
}


def _present(slot: str, ctx: RuleContext):
    zh, en, code = SLOT_NAMES[slot]
    subject = f"production.{slot}"
    docs = ctx.facts.docs(slot)
    files = ctx.manifest.production.documents(slot)
    if not files:
        yield failed(code, subject, f"No {en} supplied", f"未提交{zh}", severity="nonconforming", remedy=REMEDY[slot])
        return
    read = [d for d in docs if isinstance(d, EvidenceFacts)]
    match = [i for i, d in enumerate(docs) if isinstance(d, EvidenceFacts) and d.doc_type == slot]
    if match:
        d = docs[match[0]]
        yield passed(code, subject, f"{en.capitalize()} supplied and recognised", f"已提交并识别为{zh}",
                     evidence=[{"file": d.file}], documents=len(files))
        return
    unread = [d for d in docs if isinstance(d, Unread)]
    bad = [p for pages in files for p in pages if p in ctx.facts.bad_files]
    if len(bad) == sum(len(p) for p in files):
        yield failed(code, subject, f"The {en} supplied cannot be used (see INTAKE.FILE)",
                     f"所提交的{zh}文件不可用（见 INTAKE.FILE）", severity="nonconforming",
                     evidence=[{"file": b} for b in bad], remedy=REMEDY[slot])
    elif read and not unread:
        kinds = sorted({d.doc_type for d in read})
        yield failed(code, subject, f"The document(s) filed as {en} were recognised as {', '.join(kinds)}",
                     f"作为{zh}提交的文件被识别为：{', '.join(kinds)}", severity="nonconforming",
                     evidence=[{"file": d.file} for d in read], remedy=REMEDY[slot], recognised=kinds)
    else:
        yield unknown(code, subject, f"{en.capitalize()} supplied, but not yet recognised by a reader",
                      f"已提交{zh}，但尚未被读取识别", evidence=[{"file": p[0]} for p in files],
                      reasons=[u.reason for u in unread])


@rule("PROD.COO.PRESENT", severity="nonconforming", scope="document:certificate_of_origin",
      title_en="Certificate of origin supplied", title_zh="已提交原产地证明")
def coo_present(ctx: RuleContext):
    yield from _present("certificate_of_origin", ctx)


@rule("PROD.FACTORY.PRESENT", severity="nonconforming", scope="document:factory_licence",
      title_en="Factory licence supplied", title_zh="已提交工厂资质")
def factory_present(ctx: RuleContext):
    yield from _present("factory_licence", ctx)


@rule("PROD.AGREEMENT.PRESENT", severity="nonconforming", scope="document:production_agreement",
      title_en="Production agreement supplied", title_zh="已提交生产协议")
def agreement_present(ctx: RuleContext):
    yield from _present("production_agreement", ctx)


@rule("PROD.CUSTOMS.PRESENT", severity="nonconforming", scope="document:customs_declaration",
      title_en="Customs declaration supplied", title_zh="已提交报关单")
def customs_present(ctx: RuleContext):
    yield from _present("customs_declaration", ctx)


# =============================================================================== helpers shared with chain.py
import re  # noqa: E402
from datetime import date  # noqa: E402
from typing import Any, Callable, Iterator  # noqa: E402

from originproof.text.countries import country_from_name  # noqa: E402
from originproof.text.identifiers import (compact, customs_number_ok, guess_company_scheme,  # noqa: E402
                                                     uscc_valid, validate, confusable_with)
from originproof.text.names import fold, name_similarity  # noqa: E402
from originproof.evidence.common.ocr import script_of  # noqa: E402
from originproof.facts.base import Fact  # noqa: E402
from originproof.findings import Finding  # noqa: E402
from originproof.rules.base import unread_finding  # noqa: E402
from originproof.rules.dates import local_date, parse_iso_date  # noqa: E402

# HS headings per category where the registry has none (shared/ref/registries.md §7).
HS_FALLBACK = {
    "cosmetics": ["3303", "3304", "3401"],
    "personal_care": ["3305", "3306", "3307", "3401", "3304", "9603"],
    "mother_baby": ["1901", "0402", "0404", "9619", "3401", "2106", "3304", "3307", "3924", "6111", "6209"],
    "supplements": ["2106", "2936", "3004", "1504", "0409", "0410", "1302", "2101", "2202"],
    "food": ["04", "08", "09", "15", "16", "17", "18", "19", "20", "21", "22"],
}


def min_conf(ctx: RuleContext) -> float:
    return ctx.policy.reading.min_field_confidence


def usable(f: Fact | None, ctx: RuleContext) -> bool:
    return isinstance(f, Fact) and f.value not in (None, "", []) and f.confidence >= min_conf(ctx)


def ptr(doc: EvidenceFacts, *names: str) -> list[dict]:
    out = [doc.pointer(n) for n in names if isinstance(getattr(doc, n, None), Fact)]
    return out or [{"file": doc.file}]


def eval_date(ctx: RuleContext) -> date:
    return local_date(ctx.facts.evaluated_at, ctx.policy.timezone)


def date_of(doc: EvidenceFacts, name: str) -> date | None:
    return parse_iso_date(doc.get(name))


def doc_items(ctx: RuleContext, slot: str) -> Iterator[tuple[str, EvidenceFacts | Unread]]:
    for i, item in enumerate(ctx.facts.docs(slot)):
        yield f"production.{slot}[{i}]", item


def judge_docs(ctx: RuleContext, code: str, slot: str,
               fn: Callable[[str, EvidenceFacts], Iterator[Finding]]) -> Iterator[Finding]:
    """Run a per-document judgement on every document of a slot; unread or foreign documents are unknown."""
    zh, en, _ = SLOT_NAMES[slot]
    any_doc = False
    for subject, item in doc_items(ctx, slot):
        any_doc = True
        if isinstance(item, Unread):
            yield unread_finding(code, subject, item)
        elif item.doc_type != slot:
            yield unknown(code, subject, f"Not judged: this document was recognised as {item.doc_type}, not as a {en}",
                          f"未判定：该文件被识别为 {item.doc_type}，而非{zh}", evidence=[{"file": item.file}],
                          recognised=item.doc_type)
        else:
            yield from fn(subject, item)
    if not any_doc:
        yield unknown(code, f"production.{slot}", f"No {en} to judge (see {SLOT_NAMES[slot][2]})",
                      f"没有可判定的{zh}（见 {SLOT_NAMES[slot][2]}）")


def read_docs(ctx: RuleContext, slot: str) -> list[EvidenceFacts]:
    return [d for d in ctx.facts.docs(slot) if isinstance(d, EvidenceFacts) and d.doc_type == slot]


def unread_docs(ctx: RuleContext, slot: str) -> list[Unread]:
    return [d for d in ctx.facts.docs(slot) if isinstance(d, Unread)]


def brand_terms(ctx: RuleContext) -> list[str]:
    m = ctx.manifest
    return [n for n in [m.brand.name, *m.brand.local_names] if n and len(fold(n)) >= 2]


def owner_names(ctx: RuleContext) -> list[str]:
    m = ctx.manifest
    names = [m.brand.owner]
    for key in ("owner_aliases", "owner_local_names"):
        names += [str(x) for x in (getattr(m.brand, key, None) or [])]
    extra = getattr(m.brand, "model_extra", None) or {}
    for key in ("owner_aliases", "owner_local_names"):
        names += [str(x) for x in (extra.get(key) or [])]
    return [n for n in names if n]


def text_covers_products(ctx: RuleContext, text: str) -> bool:
    """A goods text names the brand (any script) or one of the dossier's products."""
    t = fold(text)
    if any(fold(b) in t for b in brand_terms(ctx)):
        return True
    for p in ctx.manifest.products:
        if p.gtin and compact(p.gtin) in re.sub(r"\s", "", text):
            return True
        if name_similarity(p.name, text) >= ctx.policy.reading.name_match_threshold:
            return True
    return False


def hs_allowed(ctx: RuleContext, category: str) -> list[str]:
    heads = [re.sub(r"\D", "", h) for h in ctx.registry.hs_headings(category)]
    return [h for h in heads if h] or HS_FALLBACK.get(category, [])


def hs_fits(ctx: RuleContext, hs: str) -> bool | None:
    """Whether an HS code fits the category of some product (None when no category has headings)."""
    code = re.sub(r"\D", "", hs or "")
    if len(code) < 4:
        return None
    judged = False
    for p in ctx.manifest.products:
        heads = hs_allowed(ctx, p.category)
        if not heads:
            continue
        judged = True
        if any(code.startswith(h) for h in heads):
            return True
        if p.hs_code and code[:4] == re.sub(r"\D", "", p.hs_code)[:4]:
            return True
    return False if judged else None


def names_match(a: str, b: str, threshold: float) -> bool | None:
    """True/False for comparable names; None when they are in different scripts (no bridge possible)."""
    if not a or not b:
        return None
    if name_similarity(a, b) >= threshold:
        return True
    sa, sb = script_of(a), script_of(b)
    cjk = {"ja", "zh", "ko"}
    if sa != sb and (sa in cjk or sb in cjk) and not (sa in cjk and sb in cjk and {sa, sb} <= {"ja", "zh"}):
        return None
    return False


# =============================================================================== certificate of origin
def _issuer_match(ctx: RuleContext, text: str) -> tuple[dict | None, str | None]:
    """The registry issuer the printed issuer is, and its country: the origin country's bodies first
    (names, then name patterns), then any other country's by exact name only."""
    t = fold(text)
    origin = ctx.manifest.brand.origin_country.upper()
    own = ctx.registry.issuers(origin)
    for e in own:
        for n in e.get("names") or []:
            fn = fold(str(n))
            if len(fn) >= 4 and fn in t:
                return e, origin
    for e in own:
        for pat in e.get("name_patterns") or []:
            try:
                if re.search(pat, text):
                    return e, origin
            except re.error:
                continue
    for e in ctx.registry.issuers(None):
        for n in e.get("names") or []:
            fn = fold(str(n))
            if len(fn) >= 6 and fn in t:
                return e, str(e.get("country", "")).upper()
    return None, None


@rule("PROD.COO.ISSUER", severity="nonconforming", scope="document:certificate_of_origin", needs_reader="document",
      title_en="Official issuer", title_zh="官方机构签发")
def coo_issuer(ctx: RuleContext):
    code, origin = "PROD.COO.ISSUER", ctx.manifest.brand.origin_country.upper()
    rem = ("请提交由发源地商会、海关或政府机构签发（带证书编号）的原产地证书",
           "Supply a certificate of origin issued or endorsed by a chamber of commerce, customs or government body of "
           "the origin country, bearing its certificate number")

    def judge(subject: str, d: EvidenceFacts):
        if not usable(d.issuer, ctx):
            yield unknown(code, subject, "The issuing body could not be read with confidence; a person must check it",
                          "签发机构无法可靠读取，需人工核查", evidence=ptr(d, "issuer"), remedy=LEGIBLE_COPY)
            return
        entry, country = _issuer_match(ctx, d.get("issuer"))
        if entry is None or country != origin:
            where = f" (a body of {country})" if country else ""
            yield failed(code, subject, f"The issuer '{d.get('issuer')}' is not an official certificate-of-origin body of "
                         f"{origin}{where}", f"签发机构“{d.get('issuer')}”不是{origin}的官方原产地证签发机构",
                         severity="nonconforming", evidence=ptr(d, "issuer"), remedy=rem, issuer=d.get("issuer"),
                         issuer_country=country)
            return
        if entry.get("kind") == "approved_exporter_scheme" and not usable(d.approved_exporter_number, ctx):
            yield failed(code, subject, "An approved-exporter origin declaration without the approved-exporter number",
                         "经核准出口商原产地声明未载明核准出口商编号", severity="nonconforming",
                         evidence=ptr(d, "issuer"), remedy=rem, issuer_id=entry.get("id"))
            return
        if not usable(d.certificate_number, ctx):
            if d.certificate_number is None and not _is_ocr(d):
                yield failed(code, subject, "The certificate carries no certificate number", "原产地证书未载明证书编号",
                             severity="nonconforming", evidence=ptr(d, "issuer"), remedy=rem)
            else:
                yield unknown(code, subject, "The certificate number could not be read with confidence",
                              "证书编号无法可靠读取，需人工核查", evidence=ptr(d, "certificate_number", "issuer"), remedy=LEGIBLE_COPY)
            return
        # Named as printed: one registry entry can stand for a network of bodies (a country's chambers).
        yield passed(code, subject, f"Issued by {d.get('issuer')}, an official certificate-of-origin body of {origin}; "
                     f"certificate no. {d.get('certificate_number')}",
                     f"由{origin}官方原产地证签发机构“{d.get('issuer')}”签发，证书编号 {d.get('certificate_number')}",
                     evidence=ptr(d, "issuer", "certificate_number"), issuer_id=entry.get("id"))
    yield from judge_docs(ctx, code, "certificate_of_origin", judge)


def _is_ocr(d: EvidenceFacts) -> bool:
    return any("OCR" in n for n in d.notes)


@rule("PROD.COO.ORIGIN", severity="fraud", scope="document:certificate_of_origin", needs_reader="document",
      title_en="Certified origin is the brand's", title_zh="原产国一致")
def coo_origin(ctx: RuleContext):
    code, origin = "PROD.COO.ORIGIN", ctx.manifest.brand.origin_country.upper()

    def judge(subject: str, d: EvidenceFacts):
        if not usable(d.origin_country, ctx):
            yield unknown(code, subject, "The certified country of origin could not be read with confidence",
                          "原产国无法可靠读取，需人工核查", evidence=ptr(d, "origin_country"), remedy=LEGIBLE_COPY)
        elif d.get("origin_country") != origin:
            yield failed(code, subject, f"The certificate certifies origin {d.get('origin_country')}, not the brand's "
                         f"origin country {origin}", f"原产地证书证明的原产国为 {d.get('origin_country')}，而非品牌发源地 {origin}",
                         severity="fraud", evidence=ptr(d, "origin_country"),
                         remedy=("请提交证明货物原产于品牌发源地的原产地证书，或撤回本材料",
                                 "Supply a certificate certifying the brand's origin country, or withdraw this document"),
                         certified=d.get("origin_country"), claimed=origin)
        else:
            yield passed(code, subject, f"Certified origin {origin}", f"证明原产国为 {origin}", evidence=ptr(d, "origin_country"))
    yield from judge_docs(ctx, code, "certificate_of_origin", judge)


@rule("PROD.COO.GOODS", severity="nonconforming", scope="document:certificate_of_origin", needs_reader="document",
      title_en="Goods covered", title_zh="货物覆盖品牌产品")
def coo_goods(ctx: RuleContext):
    code = "PROD.COO.GOODS"
    rem = ("请提交货物描述包含本品牌产品（品名及与品类一致的 HS 编码）的原产地证书",
           "Supply a certificate of origin whose goods description names the brand's products with an HS code "
           "consistent with their category")

    def judge(subject: str, d: EvidenceFacts):
        if not usable(d.goods, ctx):
            yield unknown(code, subject, "The goods description could not be read with confidence",
                          "货物描述无法可靠读取，需人工核查", evidence=ptr(d, "goods"), remedy=LEGIBLE_COPY)
            return
        goods = d.get("goods") or []
        covered = [g for g in goods if text_covers_products(ctx, g.get("description") or "")]
        if not covered:
            yield failed(code, subject, "The certificate's goods do not name the brand or its products",
                         "原产地证书所列货物未包含本品牌或其产品", severity="nonconforming", evidence=ptr(d, "goods"),
                         remedy=rem, goods=[g.get("description") for g in goods])
            return
        bad_hs = [g.get("hs_code") for g in covered if g.get("hs_code") and hs_fits(ctx, g["hs_code"]) is False]
        if bad_hs:
            yield failed(code, subject, f"HS code(s) {', '.join(bad_hs)} do not fit the products' category",
                         f"HS 编码 {', '.join(bad_hs)} 与产品品类不符", severity="nonconforming", evidence=ptr(d, "goods"),
                         remedy=rem, hs_codes=bad_hs)
            return
        yield passed(code, subject, f"{len(covered)} goods line(s) name the brand's products",
                     f"{len(covered)} 项货物为本品牌产品", evidence=ptr(d, "goods"))
    yield from judge_docs(ctx, code, "certificate_of_origin", judge)


# =============================================================================== factory licence
@rule("PROD.FACTORY.VALID", severity="nonconforming", scope="document:factory_licence", needs_reader="document",
      title_en="Licence in force, well-formed", title_zh="资质有效")
def factory_valid(ctx: RuleContext):
    code, today = "PROD.FACTORY.VALID", eval_date(ctx)
    rem = ("请提交在提交日有效、编号规范的工厂注册/生产许可证明", "Supply a factory registration / licence in force at "
           "submission, with a well-formed number")

    def judge(subject: str, d: EvidenceFacts):
        issued, expires = date_of(d, "issue_date"), date_of(d, "expiry_date")
        if not usable(d.licence_number, ctx):
            if d.licence_number is None and not _is_ocr(d):
                yield failed(code, subject, "The licence carries no licence or registration number", "许可证未载明编号",
                             severity="nonconforming", evidence=ptr(d, "holder"), remedy=rem)
            else:
                yield unknown(code, subject, "The licence number could not be read with confidence", "许可编号无法可靠读取",
                              evidence=ptr(d, "licence_number"), remedy=LEGIBLE_COPY)
            return
        entry = ctx.registry.licence_scheme(d.get("scheme"))
        pat = (entry or {}).get("number_pattern")
        if pat and not re.fullmatch(pat, str(d.get("licence_number")).strip()):
            yield failed(code, subject, f"Licence number '{d.get('licence_number')}' is not well-formed for the "
                         f"{ctx.registry.licence_scheme_name(entry['id'])[0]}", f"许可编号“{d.get('licence_number')}”不符合该类证照的编号格式",
                         severity="nonconforming", evidence=ptr(d, "licence_number"), remedy=rem)
            return
        companions = [str(x) for x in (entry or {}).get("stands_in_with") or []]
        if companions and entry and entry.get("kind") != "licence":
            have = {x.get("scheme") for x in read_docs(ctx, "factory_licence")} | {
                sc for x in read_docs(ctx, "factory_licence") for sc in (x.get("supporting_schemes") or [])}
            if not have & set(companions):
                this, others = ctx.registry.licence_scheme_name(entry["id"]), [
                    ctx.registry.licence_scheme_name(c) for c in companions]
                en_or, zh_or = " or ".join(o[0] for o in others), " 或 ".join(o[1] for o in others)
                yield failed(code, subject, f"{this[0]} stands in for a factory licence only together with "
                             f"{en_or}, which is not supplied",
                             f"{this[1]} 须与 {zh_or} 一并提交方可替代工厂生产许可，但未提交",
                             severity="nonconforming", evidence=ptr(d, "scheme", "licence_number"),
                             remedy=(f"请一并提交 {zh_or}（如商业登记摘录）",
                                     f"Supply {en_or} (e.g. the company-register extract) with it"),
                             missing=companions)
                return
        reg = d.get("holder_registration_number")
        if reg and usable(d.holder_registration_number, ctx):
            sch = guess_company_scheme(reg, d.get("country") or ctx.manifest.brand.origin_country)
            if sch and validate(sch, reg) is False:
                yield failed(code, subject, f"The holder's registration number {reg} fails its {sch} check digit",
                             f"持证主体登记号 {reg} 校验位错误", severity="nonconforming",
                             evidence=ptr(d, "holder_registration_number"), remedy=rem, scheme=sch)
                return
        if issued is None or not usable(d.issue_date, ctx):
            yield unknown(code, subject, "The issue date could not be read with confidence", "发证日期无法可靠读取",
                          evidence=ptr(d, "issue_date"), remedy=LEGIBLE_COPY)
            return
        if issued > today:
            yield failed(code, subject, f"Issued {issued}, after the evaluation date {today}", f"发证日期 {issued} 晚于评估日 {today}",
                         severity="nonconforming", evidence=ptr(d, "issue_date"), remedy=rem)
            return
        if expires is not None and usable(d.expiry_date, ctx):
            if expires < today:
                yield failed(code, subject, f"The licence expired on {expires}", f"许可证已于 {expires} 过期",
                             severity="nonconforming", evidence=ptr(d, "expiry_date"), remedy=rem, expired_on=str(expires))
                return
        elif d.expiry_date is not None:
            yield unknown(code, subject, "The expiry date could not be read with confidence", "有效期无法可靠读取",
                          evidence=ptr(d, "expiry_date"), remedy=LEGIBLE_COPY)
            return
        elif entry is not None and entry.get("expires") and entry.get("validity_years"):
            end = date(issued.year + int(entry["validity_years"]), issued.month, min(issued.day, 28))
            if end < today:
                yield failed(code, subject, f"No expiry printed; a {entry['validity_years']}-year "
                             f"{ctx.registry.licence_scheme_name(entry['id'])[0]} issued "
                             f"{issued} lapsed by {end}", f"未载明有效期，按 {entry['validity_years']} 年计已于 {end} 失效",
                             severity="nonconforming", evidence=ptr(d, "issue_date"), remedy=rem)
                return
        yield passed(code, subject, f"In force at {today} (issued {issued}" + (f", expires {expires})" if expires else ")"),
                     f"评估日 {today} 有效", evidence=ptr(d, "licence_number", "issue_date", "expiry_date"))
    yield from judge_docs(ctx, code, "factory_licence", judge)


def _names_an_activity(ctx: RuleContext, folded_text: str) -> bool:
    """Whether activities read from a licence name any activity the registry knows (of any category or
    licence scheme): only then does a licence that does not cover the category say so."""
    data = ctx.registry.data.get("licence_schemes.yaml") or {}
    known = [str(k) for ks in (data.get("activity_categories") or {}).values() for k in ks or []]
    known += [str(a) for e in ctx.registry.entries("licence_schemes.yaml") for a in e.get("activities") or []]
    return any(fold(k) and fold(k) in folded_text for k in known)


def _activity_keywords(ctx: RuleContext, category: str, entry: dict | None) -> list[str]:
    cats = (ctx.registry.data.get("licence_schemes.yaml") or {}).get("activity_categories") or {}
    kws = [str(k) for k in (cats.get(category) or [])]
    if entry and category in (entry.get("categories") or []):
        kws += [str(a) for a in entry.get("activities") or []]
    # A retail category spans kinds of goods (mother & baby: formula, lotions, wipes): a product whose
    # HS heading is another category's (a baby lotion is a cosmetic, 3304) is covered by that category's
    # manufacturing activity too.
    for p in ctx.manifest.products:
        hs = re.sub(r"\D", "", p.hs_code or "")
        if p.category != category or len(hs) < 4:
            continue
        for other in cats:
            if other != category and any(hs.startswith(h) for h in ctx.registry.hs_headings(other)):
                kws += [str(k) for k in cats.get(other) or []]
    return kws


@rule("PROD.FACTORY.SCOPE", severity="nonconforming", scope="document:factory_licence", needs_reader="document",
      title_en="Licensed activity covers the category", title_zh="许可范围覆盖品类")
def factory_scope(ctx: RuleContext):
    code = "PROD.FACTORY.SCOPE"
    cats = sorted({p.category for p in ctx.manifest.products})

    def named(codes: list[str]) -> tuple[str, str]:  # categories as a person reads them, en and zh
        names = [ctx.registry.category_name(c) for c in codes]
        return ", ".join(n[0] for n in names), "、".join(n[1] for n in names)

    def judge(subject: str, d: EvidenceFacts):
        entry = ctx.registry.licence_scheme(d.get("scheme"))
        acts = d.get("activities") or []
        if not usable(d.activities, ctx):
            if entry and all(c in (entry.get("categories") or []) for c in cats):
                en, zh = ctx.registry.licence_scheme_name(entry["id"])
                yield passed(code, subject, f"The {en} covers {named(cats)[0]}",
                             f"{zh} 覆盖品类：{named(cats)[1]}", evidence=ptr(d, "scheme"))
            else:
                yield unknown(code, subject, "The licensed activities could not be read with confidence",
                              "许可范围无法可靠读取，需人工核查", evidence=ptr(d, "activities"), remedy=LEGIBLE_COPY)
            return
        text = fold(" ".join(acts))
        missing = [c for c in cats if c != "other" and not any(fold(k) in text for k in _activity_keywords(ctx, c, entry) if fold(k))]
        if missing and not _names_an_activity(ctx, text):
            # Nothing this check knows as an activity (a garbled read, "RAH", or an unfamiliar wording):
            # not a reading that the licence covers something else.
            yield unknown(code, subject, f"The licensed activities were read as “{'; '.join(acts)}”, which names no "
                          "activity this check knows; a person must check them",
                          f"许可范围读作“{'；'.join(acts)}”，未能识别为已知的许可项目，需人工核查",
                          evidence=ptr(d, "activities"), remedy=LEGIBLE_COPY)
        elif missing:
            yield failed(code, subject, f"The licensed activities ({'; '.join(acts)}) do not cover {named(missing)[0]}",
                         f"许可范围（{'；'.join(acts)}）不覆盖品类：{named(missing)[1]}", severity="nonconforming",
                         evidence=ptr(d, "activities"),
                         remedy=("请提交许可范围覆盖本品类生产的工厂资质", "Supply a licence whose activities cover "
                                 "manufacturing of this product category"), missing=missing)
        else:
            yield passed(code, subject, f"Activities cover {named(cats)[0]}", f"许可范围覆盖品类：{named(cats)[1]}",
                         evidence=ptr(d, "activities"))
    yield from judge_docs(ctx, code, "factory_licence", judge)


@rule("PROD.FACTORY.COUNTRY", severity="fraud", scope="document:factory_licence", needs_reader="document",
      title_en="Factory in the origin country", title_zh="工厂位于发源地")
def factory_country(ctx: RuleContext):
    code, origin = "PROD.FACTORY.COUNTRY", ctx.manifest.brand.origin_country.upper()

    def judge(subject: str, d: EvidenceFacts):
        if not usable(d.country, ctx):
            yield unknown(code, subject, "The factory's country could not be determined from its address",
                          "无法从地址确定工厂所在国家，需人工核查", evidence=ptr(d, "address"))
        elif d.get("country") != origin:
            yield failed(code, subject, f"The factory is in {d.get('country')}, not in the origin country {origin}",
                         f"工厂位于 {d.get('country')}，不在品牌发源地 {origin}", severity="fraud",
                         evidence=ptr(d, "address", "country"),
                         remedy=("请提交位于品牌发源地的生产工厂的资质，或撤回本材料",
                                 "Supply the licence of the factory in the origin country, or withdraw this document"),
                         factory_country=d.get("country"))
        else:
            yield passed(code, subject, f"Factory address in {origin}", f"工厂地址位于 {origin}", evidence=ptr(d, "address"))
    yield from judge_docs(ctx, code, "factory_licence", judge)


# =============================================================================== agreement
def factory_entities(ctx: RuleContext) -> list[dict[str, Any]]:
    """Each document's manufacturer as {source, names, reg, doc, field}."""
    out = []
    for d in read_docs(ctx, "factory_licence"):
        if usable(d.holder, ctx):
            out.append({"source": "factory_licence", "names": [d.get("holder")],
                        "reg": compact(d.get("holder_registration_number") or "") or None, "doc": d, "field": "holder"})
    for d in read_docs(ctx, "certificate_of_origin"):
        f = "producer" if usable(d.producer, ctx) else ("exporter" if usable(d.exporter, ctx) else None)
        if f:
            out.append({"source": "certificate_of_origin", "names": [d.get(f)], "reg": None, "doc": d, "field": f})
    for d in read_docs(ctx, "production_agreement"):
        for p in d.get("parties") or []:
            if p.get("role") == "manufacturer" and usable(d.parties, ctx):
                out.append({"source": "production_agreement", "names": [n for n in (p.get("name"), p.get("name_alt")) if n],
                            "reg": compact(p.get("registration_number") or "") or None, "doc": d, "field": "parties"})
    return out


def entity_same(a: dict, b: dict, threshold: float) -> bool | None:
    if a.get("reg") and b.get("reg"):
        if a["reg"] == b["reg"]:
            return True
    verdicts = [names_match(x, y, threshold) for x in a["names"] for y in b["names"]]
    if any(v is True for v in verdicts):
        return True
    if any(v is False for v in verdicts):
        return False
    return None


@rule("PROD.AGREEMENT.PARTIES", severity="nonconforming", scope="document:production_agreement", needs_reader="document",
      title_en="Parties are owner and factory", title_zh="协议主体")
def agreement_parties(ctx: RuleContext):
    code, thr = "PROD.AGREEMENT.PARTIES", ctx.policy.reading.name_match_threshold
    rem = ("请提交品牌方（或其列明的关联方）与持证生产工厂之间签署的协议",
           "Supply the agreement between the brand owner (or a named affiliate) and the licensed factory's company")

    def judge(subject: str, d: EvidenceFacts):
        if not usable(d.parties, ctx) or len(d.get("parties") or []) < 2:
            yield unknown(code, subject, "The agreement's parties could not be read with confidence",
                          "协议主体无法可靠读取，需人工核查", evidence=ptr(d, "parties"), remedy=LEGIBLE_COPY)
            return
        parties = d.get("parties")
        owners = owner_names(ctx)
        owner_v = [names_match(n, o, thr) for p in parties for n in (p.get("name"), p.get("name_alt")) if n for o in owners]
        factories = [e for e in factory_entities(ctx) if e["source"] != "production_agreement"]
        fac_party = [{"names": [n for n in (p.get("name"), p.get("name_alt")) if n],
                      "reg": compact(p.get("registration_number") or "") or None} for p in parties]
        fac_v = [entity_same(fp, e, thr) for fp in fac_party for e in factories]
        owner_ok = True if any(v is True for v in owner_v) else (False if any(v is False for v in owner_v) else None)
        fac_ok = True if any(v is True for v in fac_v) else (False if any(v is False for v in fac_v) else None)
        names = [p.get("name") for p in parties]
        if owner_ok is False or (fac_ok is False and factories):
            who = "the brand owner" if owner_ok is False else "the licensed factory"
            yield failed(code, subject, f"No party of the agreement ({'; '.join(names)}) is {who}",
                         f"协议主体（{'；'.join(names)}）中没有{'品牌方' if owner_ok is False else '持证工厂'}",
                         severity="nonconforming", evidence=ptr(d, "parties"), remedy=rem, parties=names)
        elif owner_ok and (fac_ok or not factories):
            yield passed(code, subject, "Parties are the brand owner and the licensed factory", "协议主体为品牌方与持证工厂",
                         evidence=ptr(d, "parties"))
        else:
            yield unknown(code, subject, "The parties' names could not be matched (different scripts, no registration "
                          "number or bilingual name to bridge them); a person must check",
                          "协议主体名称无法比对（文字不同且无登记号或双语名称），需人工核查", evidence=ptr(d, "parties"))
    yield from judge_docs(ctx, code, "production_agreement", judge)


@rule("PROD.AGREEMENT.TERM", severity="nonconforming", scope="document:production_agreement", needs_reader="document",
      title_en="Dated, signed, in force", title_zh="协议有效")
def agreement_term(ctx: RuleContext):
    code, today = "PROD.AGREEMENT.TERM", eval_date(ctx)
    rem = ("请提交已签署（签字或盖章）并在提交日有效的生产协议", "Supply an agreement that is dated, signed or sealed by "
           "both parties, and in force at submission")

    def judge(subject: str, d: EvidenceFacts):
        signed = date_of(d, "signed_on")
        if d.get("signatures_present") is False and usable(d.signatures_present, ctx):
            yield failed(code, subject, "The agreement carries no signature or seal block", "协议无签字或盖章",
                         severity="nonconforming", evidence=ptr(d, "signed_on", "parties"), remedy=rem)
            return
        if signed is None or not usable(d.signed_on, ctx):
            if d.signed_on is None and not _is_ocr(d):
                yield failed(code, subject, "The agreement is not dated", "协议未注明签订日期", severity="nonconforming",
                             evidence=ptr(d, "parties"), remedy=rem)
            else:
                yield unknown(code, subject, "The signing date could not be read with confidence", "签订日期无法可靠读取",
                              evidence=ptr(d, "signed_on"), remedy=LEGIBLE_COPY)
            return
        if not usable(d.signatures_present, ctx):
            yield unknown(code, subject, "Whether the agreement is signed could not be read with confidence",
                          "无法可靠判断协议是否签署", evidence=ptr(d, "signed_on"), remedy=LEGIBLE_COPY)
            return
        start, end = date_of(d, "term_start") or signed, date_of(d, "term_end")
        if signed > today or start > today:
            yield failed(code, subject, f"Signed/starting {max(signed, start)}, after the evaluation date {today}",
                         f"协议签订或生效日 {max(signed, start)} 晚于评估日", severity="nonconforming",
                         evidence=ptr(d, "signed_on", "term_start"), remedy=rem)
        elif end is not None and end < today:
            yield failed(code, subject, f"The agreement's term ended on {end}", f"协议已于 {end} 到期",
                         severity="nonconforming", evidence=ptr(d, "term_end"), remedy=rem, term_end=str(end))
        else:
            yield passed(code, subject, f"Signed {signed}, in force at {today}", f"{signed} 签订，评估日有效",
                         evidence=ptr(d, "signed_on", "term_end"))
    yield from judge_docs(ctx, code, "production_agreement", judge)


@rule("PROD.AGREEMENT.PRODUCTS", severity="nonconforming", scope="document:production_agreement", needs_reader="document",
      title_en="Covers the brand", title_zh="协议覆盖产品")
def agreement_products(ctx: RuleContext):
    code = "PROD.AGREEMENT.PRODUCTS"

    def judge(subject: str, d: EvidenceFacts):
        if not usable(d.products, ctx):
            yield unknown(code, subject, "The products covered could not be read with confidence", "协议产品无法可靠读取",
                          evidence=ptr(d, "products"), remedy=LEGIBLE_COPY)
            return
        prods = d.get("products") or []
        if any(text_covers_products(ctx, p) for p in prods):
            yield passed(code, subject, "The agreement covers the brand's products", "协议覆盖本品牌产品",
                         evidence=ptr(d, "products"))
        else:
            yield failed(code, subject, f"The agreement covers other products ({'; '.join(prods[:3])})",
                         f"协议所列产品（{'；'.join(prods[:3])}）不含本品牌", severity="nonconforming",
                         evidence=ptr(d, "products"),
                         remedy=("请提交覆盖本品牌及其产品的生产协议", "Supply an agreement that covers this brand and its products"))
    yield from judge_docs(ctx, code, "production_agreement", judge)


# =============================================================================== customs declaration
CBEC_MODES = {"9610", "1210", "1239"}


@rule("PROD.CUSTOMS.RECENT", severity="nonconforming", scope="document:customs_declaration", needs_reader="document",
      title_en="Declared within 90 days", title_zh="90 天内报关")
def customs_recent(ctx: RuleContext):
    code, today, limit = "PROD.CUSTOMS.RECENT", eval_date(ctx), ctx.policy.production.customs_max_age_days

    def judge(subject: str, d: EvidenceFacts):
        declared = date_of(d, "declared_on")
        if declared is None or not usable(d.declared_on, ctx):
            yield unknown(code, subject, "The declaration date could not be read with confidence", "申报日期无法可靠读取",
                          evidence=ptr(d, "declared_on"), remedy=LEGIBLE_COPY)
            return
        age = (today - declared).days
        if age < 0:
            yield failed(code, subject, f"Declaration date {declared} is after the evaluation date {today}",
                         f"申报日期 {declared} 晚于评估日 {today}", severity="nonconforming", evidence=ptr(d, "declared_on"),
                         remedy=REMEDY["customs_declaration"], declared_on=str(declared), limit_days=limit)
        elif age > limit:
            yield failed(code, subject, f"Declaration date {declared} is {age} days before submission (limit {limit})",
                         f"报关单申报日期 {declared} 早于提交日前 {limit} 天（{age} 天）", severity="nonconforming",
                         evidence=ptr(d, "declared_on"), remedy=REMEDY["customs_declaration"],
                         declared_on=str(declared), limit_days=limit, age_days=age)
        else:
            yield passed(code, subject, f"Declared {declared}, {age} days before submission",
                         f"申报日期 {declared}，距提交日 {age} 天", evidence=ptr(d, "declared_on"),
                         declared_on=str(declared), limit_days=limit, age_days=age)
    yield from judge_docs(ctx, code, "customs_declaration", judge)


def customs_number_problem(form: str, number: str) -> str | None:
    v = compact(number)
    if form == "declaration":
        ok, why = customs_number_ok(v)
        return None if ok else why
    # 申报清单 / 备案清单 numbers: 18 characters with the import flag (1 or I) in position 9.
    if not re.fullmatch(r"[0-9A-Z]{18}", v):
        return "not 18 characters"
    if v[8] not in "1I":
        return "the import/export flag (9th character) is not an import"
    return None


@rule("PROD.CUSTOMS.FORM", severity="nonconforming", scope="document:customs_declaration", needs_reader="document",
      title_en="Well-formed import form", title_zh="单证格式")
def customs_form(ctx: RuleContext):
    code = "PROD.CUSTOMS.FORM"
    rem = ("请提交海关签发的真实进口报关单（18 位海关编号，境内收货人统一社会信用代码有效）",
           "Supply the genuine import declaration as issued (18-digit customs number, import flag, valid consignee USCC)")

    def judge(subject: str, d: EvidenceFacts):
        form = d.get("form") or "declaration"
        if not usable(d.declaration_number, ctx):
            yield unknown(code, subject, "The declaration number could not be read with confidence", "海关编号无法可靠读取",
                          evidence=ptr(d, "declaration_number"), remedy=LEGIBLE_COPY)
            return
        prob = customs_number_problem(form, d.get("declaration_number"))
        if prob:
            yield failed(code, subject, f"Number {d.get('declaration_number')} is not well-formed for a {form}: {prob}",
                         f"编号 {d.get('declaration_number')} 格式不符（{prob}）", severity="nonconforming",
                         evidence=ptr(d, "declaration_number"), remedy=rem, problem=prob)
            return
        mode = d.get("supervision_mode")
        modes = (ctx.registry.data.get("customs.yaml") or {}).get("supervision_modes") or []
        cbec = {str(m.get("code")) for m in modes if m.get("cbec") and m.get("direction") in ("import", "both")}
        if form == "inventory" and mode and mode not in (cbec or CBEC_MODES):
            yield failed(code, subject, f"A 申报清单 under supervision mode {mode} (expected 9610, 1210 or 1239)",
                         f"申报清单的监管方式 {mode} 不是 9610/1210/1239", severity="nonconforming",
                         evidence=ptr(d, "supervision_mode"), remedy=rem)
            return
        if not usable(d.consignee_uscc, ctx):
            yield unknown(code, subject, "The consignee's USCC could not be read with confidence", "境内收货人统一社会信用代码无法可靠读取",
                          evidence=ptr(d, "consignee_uscc", "consignee"), remedy=LEGIBLE_COPY)
            return
        merchant = ctx.manifest.merchant.uscc
        if not uscc_valid(d.get("consignee_uscc")) and d.consignee_uscc.confidence < 1.0 and merchant \
                and confusable_with(d.get("consignee_uscc"), merchant):
            yield unknown(code, subject, f"The consignee's USCC {d.get('consignee_uscc')} fails its check as read, but "
                          f"differs from the merchant's {merchant} by one character OCR confuses: likely a misread",
                          f"境内收货人统一社会信用代码 {d.get('consignee_uscc')} 按识别结果校验不通过，但与商家代码仅差一个易混字符，"
                          f"可能为识别错误，需人工核对", evidence=ptr(d, "consignee_uscc"), remedy=LEGIBLE_COPY)
            return
        if not uscc_valid(d.get("consignee_uscc")):
            yield failed(code, subject, f"The consignee's USCC {d.get('consignee_uscc')} has an invalid check character",
                         f"境内收货人统一社会信用代码 {d.get('consignee_uscc')} 校验位错误", severity="nonconforming",
                         evidence=ptr(d, "consignee_uscc"), remedy=rem)
            return
        yield passed(code, subject, f"Well-formed import {form} {d.get('declaration_number')}", "单证编号及收货人代码格式有效",
                     evidence=ptr(d, "declaration_number", "consignee_uscc"))
    yield from judge_docs(ctx, code, "customs_declaration", judge)


@rule("PROD.CUSTOMS.GOODS", severity="fraud", scope="document:customs_declaration", needs_reader="document",
      title_en="Lines for the goods, right origin", title_zh="货物及原产国")
def customs_goods(ctx: RuleContext):
    code, origin = "PROD.CUSTOMS.GOODS", ctx.manifest.brand.origin_country.upper()

    def judge(subject: str, d: EvidenceFacts):
        if not usable(d.lines, ctx):
            yield unknown(code, subject, "The goods lines could not be read with confidence", "商品项无法可靠读取",
                          evidence=ptr(d, "lines"), remedy=LEGIBLE_COPY)
            return
        lines = d.get("lines") or []
        ours = [l for l in lines if text_covers_products(ctx, l.get("goods_name") or "")]
        if not ours:
            yield failed(code, subject, "No line of the declaration is for the brand's goods", "报关单中没有本品牌商品",
                         severity="nonconforming", evidence=ptr(d, "lines"),
                         remedy=("请提交包含本品牌商品的报关单", "Supply a declaration with lines for this brand's goods"))
            return
        wrong = [l for l in ours if l.get("origin_country") and l["origin_country"] != origin]
        if wrong:
            yield failed(code, subject, f"The brand's goods are declared with origin {wrong[0]['origin_country']}, "
                         f"not {origin}", f"本品牌商品申报原产国为 {wrong[0]['origin_country']}，而非 {origin}",
                         severity="fraud", evidence=ptr(d, "lines"),
                         remedy=("请提交原产国与品牌发源地一致的报关单，或撤回本材料",
                                 "Supply a declaration whose lines show the brand's origin country, or withdraw it"),
                         declared_origin=wrong[0]["origin_country"])
            return
        if any(not l.get("origin_country") for l in ours):
            yield unknown(code, subject, "The country of origin of the brand's lines could not be read",
                          "本品牌商品的原产国无法读取", evidence=ptr(d, "lines"), remedy=LEGIBLE_COPY)
            return
        yield passed(code, subject, f"{len(ours)} line(s) for the brand's goods, origin {origin}",
                     f"{len(ours)} 项本品牌商品，原产国 {origin}", evidence=ptr(d, "lines"))
    yield from judge_docs(ctx, code, "customs_declaration", judge)


@rule("PROD.CUSTOMS.IMPORTER", severity="warn", scope="document:customs_declaration", needs_reader="document",
      title_en="Consignee is the merchant or its agent", title_zh="收货人")
def customs_importer(ctx: RuleContext):
    code, m = "PROD.CUSTOMS.IMPORTER", ctx.manifest
    known = [(m.merchant.name, m.merchant.uscc)] + [(a.name, a.uscc) for a in (m.merchant.agents or [])]

    def judge(subject: str, d: EvidenceFacts):
        uscc = compact(d.get("consignee_uscc") or "")
        name = d.get("consignee") or ""
        if uscc and usable(d.consignee_uscc, ctx):
            if any(u and compact(u) == uscc for _n, u in known):
                yield passed(code, subject, "The consignee is the merchant or a named agent (same USCC)",
                             "境内收货人为商家或其列明的代理（统一社会信用代码一致）", evidence=ptr(d, "consignee_uscc"))
                return
        elif name and usable(d.consignee, ctx) and any(n and name_similarity(name, n) >= ctx.policy.reading.name_match_threshold
                                                       for n, _u in known):
            yield passed(code, subject, "The consignee's name is the merchant's or a named agent's",
                         "境内收货人名称与商家或代理一致", evidence=ptr(d, "consignee"))
            return
        elif not uscc and not name:
            yield unknown(code, subject, "The consignee could not be read", "境内收货人无法读取", evidence=ptr(d, "consignee"), remedy=LEGIBLE_COPY)
            return
        yield failed(code, subject, f"The consignee ({name} {uscc}) is neither the merchant nor an agent the dossier names",
                     f"境内收货人（{name} {uscc}）既非商家也非清单列明的代理", severity="nonconforming", status="warn",
                     evidence=ptr(d, "consignee", "consignee_uscc"),
                     remedy=("如由代理进口，请在 merchant.agents 中列明该代理（名称及统一社会信用代码）",
                             "If an agent imported the goods, name it under merchant.agents (name and USCC)"))
    yield from judge_docs(ctx, code, "customs_declaration", judge)


__all__ = ["country_from_name", "Any"]
