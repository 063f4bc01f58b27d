"""AUTH.IDENTIFIERS: printed identifiers are internally valid (check digits, number structure, QR payloads)."""
from __future__ import annotations

from originproof.text.identifiers import compact, confusable_with, customs_number_ok, guess_company_scheme, uscc_valid, validate
from originproof.facts import EvidenceFacts, Unread
from originproof.rules.base import LEGIBLE_COPY, RuleContext, failed, not_applicable, passed, rule, unknown, unread_finding
from originproof.rules.production import usable

OFFICIAL = {"certificate_of_origin", "factory_licence", "customs_declaration"}


def _checks(ctx: RuleContext, d: EvidenceFacts) -> list[tuple[str, str, str, bool | None, bool]]:
    """(field, scheme, value, valid?, legible?) for each identifier the document prints."""
    out = []
    origin = ctx.manifest.brand.origin_country
    if d.doc_type == "customs_declaration":
        if d.get("consignee_uscc"):
            out.append(("consignee_uscc", "cn_uscc", d.get("consignee_uscc"), uscc_valid(d.get("consignee_uscc")),
                        usable(d.consignee_uscc, ctx)))
        if d.get("declaration_number") and (d.get("form") or "declaration") == "declaration":
            out.append(("declaration_number", "customs_declaration_number", d.get("declaration_number"),
                        customs_number_ok(d.get("declaration_number"))[0], usable(d.declaration_number, ctx)))
    if d.doc_type == "factory_licence" and d.get("holder_registration_number"):
        v = d.get("holder_registration_number")
        sch = guess_company_scheme(v, d.get("country") or origin)
        if sch:
            out.append(("holder_registration_number", sch, v, validate(sch, v), usable(d.holder_registration_number, ctx)))
    if d.doc_type == "production_agreement":
        for p in d.get("parties") or []:
            v = p.get("registration_number")
            sch = guess_company_scheme(v, origin) if v else None
            if sch:
                out.append(("parties", sch, v, validate(sch, v), usable(d.parties, ctx)))
    payload = d.get("verification_payload") if d.doc_type == "certificate_of_origin" else None
    if payload and d.get("certificate_number"):
        ok = compact(d.get("certificate_number")) in compact(str(payload))
        out.append(("verification_payload", "qr_payload", str(payload)[:80], ok, usable(d.verification_payload, ctx)))
    return out


def _ocr_read(d: EvidenceFacts, field: str) -> bool:
    """Read through OCR (a text layer states its values at confidence 1.0)."""
    f = getattr(d, field, None)
    return f is not None and getattr(f, "confidence", 1.0) < 1.0


def _misread(ctx: RuleContext, scheme: str, value: str) -> list[str]:
    """Codes the dossier states elsewhere (the merchant's credit code) that `value` is one OCR confusion
    away from: an OCR slip, corroborated, is no forged number."""
    known = [ctx.manifest.merchant.uscc] if scheme == "cn_uscc" and ctx.manifest.merchant.uscc else []
    return [k for k in known if confusable_with(value, k)]


@rule("AUTH.IDENTIFIERS", severity="fraud_if_official", scope="documents", needs_reader="document",
      title_en="Identifiers internally valid", title_zh="编号校验有效")
def identifiers(ctx: RuleContext):
    code = "AUTH.IDENTIFIERS"
    for slot in ("certificate_of_origin", "factory_licence", "production_agreement", "customs_declaration"):
        for i, item in enumerate(ctx.facts.docs(slot)):
            subject = f"production.{slot}[{i}]"
            if isinstance(item, Unread):
                yield unread_finding(code, subject, item)
                continue
            checks = _checks(ctx, item)
            if not checks:
                yield not_applicable(code, subject, "No identifier with a check digit or fixed structure is printed",
                                     "未载明带校验位或固定结构的编号")
                continue
            bad = [c for c in checks if c[3] is False and c[4]]
            # An invalid code read by OCR that one confusable character (6/G, 0/O, 1/I …) makes valid is
            # first suspected as a misread: a person compares it with the paper, it is no fraud finding.
            misread = [c for c in bad if _ocr_read(item, c[0]) and _misread(ctx, c[1], c[2])]
            bad = [c for c in bad if c not in misread]
            if misread and not bad:
                f, sch, v, _ok, _l = misread[0]
                yield unknown(code, subject, f"{f} {v} fails its check as read, but it differs by one character OCR "
                              f"confuses from the code the dossier states ({', '.join(_misread(ctx, sch, v))}): likely a "
                              f"misread, a person must compare",
                              f"{f} {v} 按识别结果校验不通过，但与档案所载编号仅差一个易混字符，可能为识别错误，需人工核对",
                              evidence=[item.pointer(f)], remedy=LEGIBLE_COPY)
                continue
            if bad:
                official = item.doc_type in OFFICIAL
                f, sch, v, _ok, _l = bad[0]
                yield failed(code, subject, f"{f} {v} is not a valid {sch} (check digit / structure)",
                             f"{f} {v} 不是有效的 {sch} 编号（校验位或结构错误）",
                             severity="fraud" if official else "nonconforming", evidence=[item.pointer(f)],
                             remedy=("请提交原始、未经改动的文件；如编号印刷有误，请由签发机构出具更正件",
                                     "Supply the original, unaltered document; if the number is misprinted, a corrected "
                                     "document from the issuer"), invalid=[{"field": c[0], "scheme": c[1], "value": c[2]} for c in bad])
            elif any(not c[4] for c in checks):
                yield unknown(code, subject, "An identifier could not be read with confidence to check it",
                              "编号无法可靠读取，无法校验", evidence=[item.pointer(c[0]) for c in checks if not c[4]], remedy=LEGIBLE_COPY)
            else:
                yield passed(code, subject, "Printed identifiers are valid: " + ", ".join(sorted({c[1] for c in checks})),
                             "所载编号校验有效", evidence=[item.pointer(c[0]) for c in checks][:4],
                             checked=[c[1] for c in checks])
