"""Production-proof rules (生产证明): the four documents and what they say."""
from __future__ import annotations

from originproof.dossier.manifest import PRODUCTION_SLOTS
from originproof.facts import EvidenceFacts, Unread
from originproof.rules import subjects as S
from originproof.rules.base import RuleContext, failed, passed, pending, rule, unknown

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


def _pending_docs(code: str, slot: str, ctx: RuleContext):
    subs = S.documents(ctx.facts, slot)
    if not subs:
        zh, en, _ = SLOT_NAMES[slot]
        return [unknown(code, f"production.{slot}", f"No {en} to judge", f"没有可判定的{zh}")]
    return pending(code, subs, "document")


_PENDING = [
    ("PROD.COO.ISSUER", "certificate_of_origin", "nonconforming", "Official issuer", "官方机构签发"),
    ("PROD.COO.ORIGIN", "certificate_of_origin", "fraud", "Certified origin is the brand's", "原产国一致"),
    ("PROD.COO.GOODS", "certificate_of_origin", "nonconforming", "Goods covered", "货物覆盖品牌产品"),
    ("PROD.FACTORY.VALID", "factory_licence", "nonconforming", "Licence in force, well-formed", "资质有效"),
    ("PROD.FACTORY.SCOPE", "factory_licence", "nonconforming", "Licensed activity covers the category", "许可范围覆盖品类"),
    ("PROD.FACTORY.COUNTRY", "factory_licence", "fraud", "Factory in the origin country", "工厂位于发源地"),
    ("PROD.AGREEMENT.PARTIES", "production_agreement", "nonconforming", "Parties are owner and factory", "协议主体"),
    ("PROD.AGREEMENT.TERM", "production_agreement", "nonconforming", "Dated, signed, in force", "协议有效"),
    ("PROD.AGREEMENT.PRODUCTS", "production_agreement", "nonconforming", "Covers the brand", "协议覆盖产品"),
    ("PROD.CUSTOMS.RECENT", "customs_declaration", "nonconforming", "Declared within 90 days", "90 天内报关"),
    ("PROD.CUSTOMS.FORM", "customs_declaration", "nonconforming", "Well-formed import form", "单证格式"),
    ("PROD.CUSTOMS.GOODS", "customs_declaration", "fraud", "Lines for the goods, right origin", "货物及原产国"),
    ("PROD.CUSTOMS.IMPORTER", "customs_declaration", "warn", "Consignee is the merchant or its agent", "收货人"),
]


def _register_pending(code: str, slot: str, sev: str, en: str, zh: str) -> None:
    def fn(ctx: RuleContext):
        return _pending_docs(code, slot, ctx)
    rule(code, severity=sev, scope=f"document:{slot}", needs_reader="document", title_en=en, title_zh=zh)(fn)


for _args in _PENDING:
    _register_pending(*_args)
assert set(SLOT_NAMES) == set(PRODUCTION_SLOTS)
