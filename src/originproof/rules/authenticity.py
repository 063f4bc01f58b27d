"""Authenticity rules (弄虚作假): edited PDFs and images, signatures, reuse (AUTH.IDENTIFIERS lives in rules/identifiers.py).

The forensics reader (evidence/forensics) reports signals with a stable code, a severity and the
place they were seen; these rules only weigh them. A `fraud` signal is proof-grade (a changed
revision, text typed over a box that hides other text, a broken signature, an editor's name in the
file); a `warn` signal is a reason for a person to look; `info` is context. Fraud findings end a
seller's business, so each finding lists every signal it rests on with its page and box.
"""
from __future__ import annotations

from typing import Any, Iterable

from originproof.facts import EvidenceFacts, Unread, VideoFacts
from originproof.facts.base import Forensics, Signal
from originproof.rules import subjects as S
from originproof.rules.base import (DEFERRED_TO_SUBMISSION, LEGIBLE_COPY, REUSE_AT_SUBMISSION, RuleContext, failed,
                                    not_applicable, passed, rule, unknown, unread_finding)

OFFICIAL_SLOTS = {"certificate_of_origin", "factory_licence", "customs_declaration"}
SIGNATURE_CODES = {"pdf.signature_broken", "pdf.modified_after_signing", "pdf.signature_untrusted",
                   "pdf.signed_then_updated", "pdf.signature_unreadable", "pdf.signed_field_changed"}
SLOT_ZH = {"certificate_of_origin": "原产地证明", "factory_licence": "工厂注册/生产许可", "production_agreement": "生产加工协议",
           "customs_declaration": "报关单", "receipt": "购物小票照片"}


# ------------------------------------------------------------------ pure helpers (also used by the bench)
def _pointer(s: Signal) -> dict[str, Any]:
    if s.at is None:
        return {}
    p = s.at.pointer()
    return p


def evidence_of(signals: Iterable[Signal]) -> list[dict[str, Any]]:
    out = []
    for s in signals:
        p = _pointer(s)
        p["signal"] = s.code
        p["detail"] = s.detail
        out.append(p)
    return out


def pdf_signals(fz: Forensics) -> list[Signal]:
    return [s for s in fz.signals if s.code.startswith("pdf.") and s.code not in SIGNATURE_CODES]


def image_signals(fz: Forensics) -> list[Signal]:
    return [s for s in fz.signals if s.code.startswith("img.")]


def weigh(signals: list[Signal]) -> str:
    """'fraud' | 'warn' | 'clean' from a list of signals (info never counts)."""
    if any(s.severity == "fraud" for s in signals):
        return "fraud"
    if any(s.severity == "warn" for s in signals):
        return "warn"
    return "clean"


def pdf_edited_outcome(fz: Forensics) -> str:
    """'n/a' (not a PDF) | 'fraud' | 'warn' | 'clean'."""
    if "pdf" not in fz.checks:
        return "n/a"
    return weigh(pdf_signals(fz))


def image_edited_outcome(fz: Forensics) -> str:
    if "image" not in fz.checks:
        return "n/a"
    return weigh(image_signals(fz))


def signature_outcome(fz: Forensics) -> str:
    """'n/a' (unsigned / not a PDF) | 'fraud' | 'warn' (intact, untrusted) | 'clean'."""
    if "signatures" not in fz.checks:
        return "n/a"
    bad = [s for s in fz.signals if s.code in ("pdf.signature_broken", "pdf.modified_after_signing")]
    if bad:
        return "fraud"
    if not fz.signatures:
        return "n/a"
    if any(s.code in ("pdf.signature_unreadable", "pdf.signed_field_changed") for s in fz.signals):
        return "warn"
    if not all(x.trusted for x in fz.signatures):
        return "warn"
    return "clean"


def _details(signals: list[Signal], n: int = 3) -> str:
    return "; ".join(f"{s.code}: {s.detail}" for s in signals[:n])[:600]


# ------------------------------------------------------------------ subjects
def _documents(ctx: RuleContext) -> list[tuple[str, str, Any]]:
    """(subject, slot, facts|Unread|None) for every submitted production document."""
    out = []
    for subject in S.all_documents(ctx.facts):
        slot = subject.split(".", 1)[1].split("[", 1)[0]
        i = S.index_of(subject)
        docs = ctx.facts.docs(slot)
        out.append((subject, slot, docs[i] if i < len(docs) else None))
    return out


def _no_forensics(code: str, subject: str, item: EvidenceFacts):
    return unknown(code, subject, "Not decided: the forensic checks did not run on this file; a person must check it",
                   "未判定：该文件未完成取证检查，需人工核查", evidence=[{"file": f} for f in item.files])


def _undecidable(code: str, subject: str, item):
    """The `unknown` finding for evidence that was not read or not examined, else None."""
    if not isinstance(item, EvidenceFacts):
        return unread_finding(code, subject, item)
    if item.forensics is None:
        return _no_forensics(code, subject, item)
    return None


# ------------------------------------------------------------------ AUTH.PDF_EDITED
@rule("AUTH.PDF_EDITED", severity="fraud_if_official", scope="documents", needs_reader="forensics",
      title_en="PDF not edited after issue", title_zh="PDF 未被篡改")
def pdf_edited(ctx: RuleContext):
    code = "AUTH.PDF_EDITED"
    for subject, slot, item in _documents(ctx):
        if (early := _undecidable(code, subject, item)) is not None:
            yield early
            continue
        fz = item.forensics
        outcome = pdf_edited_outcome(fz)
        name_zh = SLOT_ZH.get(slot, "文件")
        if outcome == "n/a":
            yield not_applicable(code, subject, "Not a PDF: judged by AUTH.IMAGE_EDITED", "非 PDF 文件，由图片篡改检查判定")
            continue
        sigs = [s for s in pdf_signals(fz) if s.severity in ("fraud", "warn")]
        info = [s.detail for s in pdf_signals(fz) if s.severity == "info"]
        if outcome == "clean":
            yield passed(code, subject, "No sign of editing after issue in the PDF (revisions, metadata, page content)",
                         "PDF 未发现签发后被修改的痕迹（修订、元数据、页面内容）", evidence=[{"file": item.file}],
                         revisions=fz.revisions, context=info)
            continue
        official = slot in OFFICIAL_SLOTS
        fraud = outcome == "fraud" and official
        en = f"The PDF shows signs of editing after issue — {_details(sigs)}"
        zh = f"该{name_zh} PDF 存在签发后被修改的痕迹（{_details(sigs)}）"
        if fraud:
            remedy = (f"请提交签发机构出具的原始{name_zh}电子文件或原件扫描件，不得修改；如有更正，应由签发机构重新签发",
                      "Supply the issuer's original file (or a scan of the original paper) unaltered; a correction must "
                      "be re-issued by the issuing body")
        elif official:
            en = f"The PDF may have been edited after issue (a person must look) — {_details(sigs)}"
            zh = f"该{name_zh} PDF 可能在签发后被修改，需人工核查（{_details(sigs)}）"
            remedy = (f"请提交签发机构出具的原始{name_zh}电子文件或原件扫描件",
                      "Supply the issuer's original file or a scan of the original paper")
        else:
            remedy = ("请提交未经编辑的原始文件（签署后的原件扫描件），如需修改请由双方重新签署",
                      "Supply the unedited original (a scan of the signed original); changes must be re-signed by both parties")
        yield failed(code, subject, en, zh, severity="fraud" if fraud else "nonconforming",
                     status="fail" if fraud else "warn", evidence=evidence_of(sigs), remedy=remedy,
                     signals=[s.code for s in sigs], revisions=fz.revisions)


# ------------------------------------------------------------------ AUTH.SIGNATURE
@rule("AUTH.SIGNATURE", severity="fraud", scope="documents", needs_reader="forensics",
      title_en="Digital signatures intact", title_zh="电子签名完整")
def signature(ctx: RuleContext):
    code = "AUTH.SIGNATURE"
    for subject, slot, item in _documents(ctx):
        if (early := _undecidable(code, subject, item)) is not None:
            yield early
            continue
        fz = item.forensics
        outcome = signature_outcome(fz)
        sigs = [s for s in fz.signals if s.code in SIGNATURE_CODES and s.severity != "info"]
        states = [x.model_dump() for x in fz.signatures]
        if outcome == "n/a":
            yield not_applicable(code, subject, "The document carries no digital signature", "该文件无电子签名")
        elif outcome == "clean":
            yield passed(code, subject, "Every digital signature is intact, chains to a configured trust root, and "
                         "nothing beyond signatures/validation data was added after signing",
                         "所有电子签名完整、可追溯至已配置的信任根，签名后无不允许的修改",
                         evidence=[{"file": item.file}], signatures=states)
        elif outcome == "warn" and any(s.code in ("pdf.signature_unreadable", "pdf.signed_field_changed") for s in sigs):
            yield failed(code, subject, f"The digital signature could not be fully verified, or a form field signed with "
                         f"one value now holds another (a person must look) — {_details(sigs)}",
                         f"电子签名无法完整核验，或签名时已填写的表单字段在签名后被改为其他值，需人工核查（{_details(sigs)}）",
                         severity="nonconforming", status="warn", evidence=evidence_of(sigs),
                         remedy=("请提交签发机构签名后的原始电子文件；如签名后有更正，请由签发机构重新签署",
                                 "Supply the signed file as the signer issued it; a correction after signing must be "
                                 "re-signed by the issuer"), signatures=states)
        elif outcome == "warn":
            yield failed(code, subject, f"The digital signature is intact but its signer is not a configured trusted "
                         f"issuer — {_details(sigs)}", f"电子签名完整，但签名人不在已配置的信任根之内（{_details(sigs)}），需人工核查",
                         severity="nonconforming", status="warn", evidence=evidence_of(sigs),
                         remedy=("如为签发机构的电子签名，请提供其签名证书来源以便核验；否则请提交原件扫描件",
                                 "If this is the issuer's e-signature, name its certificate authority so it can be "
                                 "verified; otherwise supply a scan of the original"), signatures=states)
        else:
            yield failed(code, subject, f"The digital signature is broken or the file was changed after signing — "
                         f"{_details(sigs)}", f"电子签名已失效或签名后文件被修改（{_details(sigs)}）",
                         severity="fraud", evidence=evidence_of(sigs),
                         remedy=("请提交签发机构签名后未经任何修改的原始电子文件",
                                 "Supply the signed file exactly as the signer issued it, with no change after signing"),
                         signatures=states)


# ------------------------------------------------------------------ AUTH.IMAGE_EDITED
def _image_finding(code: str, subject: str, fz: Forensics, files: list[str], official: bool, name_zh: str):
    outcome = image_edited_outcome(fz)
    if outcome == "n/a":
        return None
    sigs = [s for s in image_signals(fz) if s.severity in ("fraud", "warn")]
    if outcome == "clean":
        return passed(code, subject, "No sign of local editing in the image (editor tags, compression maps, cloned regions)",
                      "图片未发现局部编辑痕迹（编辑软件标记、压缩一致性、复制粘贴区域）", evidence=[{"file": f} for f in files],
                      heatmaps=fz.heatmaps)
    fraud = outcome == "fraud" and official
    if fraud:
        en, zh = (f"The scanned document was edited locally — {_details(sigs)}",
                  f"该{name_zh}扫描件存在局部编辑痕迹（{_details(sigs)}）")
        remedy = (f"请提交{name_zh}原件的未经处理的扫描件或签发机构的电子原件", "Supply an unprocessed scan of the original "
                  "paper or the issuer's original file")
    else:
        en, zh = (f"The image may have been edited (a person must look) — {_details(sigs)}",
                  f"{name_zh}图片可能经过编辑，需人工核查（{_details(sigs)}）")
        remedy = ("请提交相机直接拍摄、未经修图软件处理的原始照片/扫描件",
                  "Supply the original photo or scan straight from the camera/scanner, not passed through an editor")
    return failed(code, subject, en, zh, severity="fraud" if fraud else "nonconforming",
                  status="fail" if fraud else "warn", evidence=evidence_of(sigs), remedy=remedy,
                  signals=[s.code for s in sigs], heatmaps=fz.heatmaps)


@rule("AUTH.IMAGE_EDITED", severity="fraud_if_official", scope="evidence", needs_reader="forensics",
      title_en="Images not edited", title_zh="图片未被篡改")
def image_edited(ctx: RuleContext):
    code = "AUTH.IMAGE_EDITED"
    for subject, slot, item in _documents(ctx):
        if (early := _undecidable(code, subject, item)) is not None:
            yield early
            continue
        f = _image_finding(code, subject, item.forensics, item.files, slot in OFFICIAL_SLOTS, SLOT_ZH.get(slot, "文件"))
        yield f or not_applicable(code, subject, "No raster evidence: a text PDF, judged by AUTH.PDF_EDITED",
                                  "无图像证据（文本型 PDF），由 PDF 篡改检查判定")
    for subject in S.visits(ctx.facts):
        i = S.index_of(subject)
        photo = ctx.facts.receipt_photos[i] if i < len(ctx.facts.receipt_photos) else None
        video = ctx.facts.videos[i] if i < len(ctx.facts.videos) else None
        found = None
        if photo is not None and (early := _undecidable(code, subject, photo)) is not None:
            yield early
            continue
        if isinstance(photo, EvidenceFacts):
            found = _image_finding(code, subject, photo.forensics, photo.files, False, SLOT_ZH["receipt"])
        if found is None and isinstance(video, VideoFacts) and video.forensics is not None:
            found = _image_finding(code, subject, video.forensics, video.files, False, "视频画面")
        yield found or not_applicable(code, subject, "No still image in this visit; the video is judged by the "
                                      "DIST.OFFLINE.VIDEO_* rules", "该到店记录无静态图片，视频由 DIST.OFFLINE.VIDEO_* 规则判定")


# ------------------------------------------------------------------ AUTH.DUPLICATE
def _evidence_items(ctx: RuleContext) -> list[tuple[str, list[str], bool]]:
    """(subject, files, read) per evidence element."""
    out = []
    for subject, _slot, item in _documents(ctx):
        if isinstance(item, EvidenceFacts):
            out.append((subject, list(item.files), True))
        else:
            out.append((subject, list(item.files) if isinstance(item, Unread) else [], False))
    m = ctx.manifest
    for subject in S.visits(ctx.facts):
        i = S.index_of(subject)
        visit = m.distribution.offline[i]
        files = [visit.video] + ([visit.receipt] if visit.receipt else [])
        video = ctx.facts.videos[i] if i < len(ctx.facts.videos) else None
        out.append((subject, files, isinstance(video, EvidenceFacts)))
    return out


@rule("AUTH.DUPLICATE", severity="fraud", scope="evidence", needs_reader="forensics",
      title_en="Evidence not reused", title_zh="证据未被重复使用")
def duplicate(ctx: RuleContext):
    code = "AUTH.DUPLICATE"
    items = _evidence_items(ctx)
    if not ctx.facts.reuse_checked:
        for subject, files, _read in items:
            if ctx.facts.precheck:
                en, zh = REUSE_AT_SUBMISSION
                yield unknown(code, subject, f"Pre-check: {en}", f"预检：{zh}", evidence=[{"file": f} for f in files],
                              **DEFERRED_TO_SUBMISSION)
            else:
                yield unknown(code, subject, "Not decided: the reuse index was not consulted (no store); a person must check",
                              "未判定：未查询证据复用索引（无数据库），需人工核查", evidence=[{"file": f} for f in files])
        return
    for subject, files, read in items:
        hits = [h for h in ctx.facts.reuse if h.file in files and h.other_dossier not in ("this", ctx.facts.digest)]
        if hits:
            yield duplicate_finding(code, subject, hits)
        elif not read:
            yield unknown(code, subject, "Not decided: the evidence could not be read, so it has no fingerprint to compare",
                          "未判定：证据未能读取，无法比对指纹", evidence=[{"file": f} for f in files], remedy=LEGIBLE_COPY)
        else:
            yield passed(code, subject, "Not seen in any other merchant's or brand's dossier", "未在其他商家或品牌的材料中发现重复",
                         evidence=[{"file": f} for f in files])


_HIT_ZH = {"document": "同一文件（填写内容相同）", "template": "同一文件改写（仅改动编号、日期等）",
           "image": "同一图片（经翻转、旋转、裁剪或重新保存）", "video": "同一视频"}
_HIT_EN = {"document": "the same document (same filled-in values)",
           "template": "a re-typed copy of it (numbers or dates changed)",
           "image": "the same picture (mirrored, rotated, cropped, resized or re-saved copies included)",
           "video": "the same video"}


def reviewer_hits(hits) -> dict[str, Any]:
    """What only a reviewer needs: the other dossier(s) and file(s) to open side by side, and how they
    matched. Not the other merchant's id or brand: the reviewer reads those in the other dossier, and a
    view that forgets to drop this key still tells a seller nothing about another account."""
    return {"other_dossiers": sorted({h.other_dossier for h in hits}),
            "hits": [{"file": h.file, "other_dossier": h.other_dossier, "other_file": h.other_file, "kind": h.kind,
                      "distance": h.distance, "detail": h.detail} for h in hits]}


def duplicate_finding(code: str, subject: str, hits):
    """A reuse finding that tells the seller only what is theirs: which of *their* files was submitted
    before by another account, and how it matched — never the other merchant, brand or dossier. The
    other dossier is in `facts.reviewer` (reviewer-only; a seller-facing view drops that key)."""
    kinds = sorted({h.kind for h in hits}, key=lambda k: ("document", "template", "image", "video").index(k)
                   if k in ("document", "template", "image", "video") else 9)
    files = list(dict.fromkeys(h.file for h in hits))
    how_en = "; ".join(f"{h.file}: {_HIT_EN.get(h.kind, h.kind)} — {h.detail}" for h in hits[:4])
    how_zh = "；".join(f"{h.file}：{_HIT_ZH.get(h.kind, h.kind)}" for h in hits[:4])
    return failed(code, subject,
                  f"This evidence was submitted before by another account ({how_en})",
                  f"该证据此前已由其他账户提交（{how_zh}）", severity="fraud",
                  evidence=[{"file": f} for f in files],
                  remedy=("请提交本商家、本品牌自己的真实证明材料", "Supply this merchant's own evidence for this brand"),
                  match=kinds, reviewer=reviewer_hits(hits))
