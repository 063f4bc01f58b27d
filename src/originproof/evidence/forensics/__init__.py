"""Forensics reader: signs of editing in PDFs and images, signature state, reuse fingerprints.

Registered as kind "forensics"; pipeline/extract.py attaches its output to every document,
receipt photo and video facts and caches it by content hash + this reader's version.
"""
from __future__ import annotations

import io
import logging
from datetime import date
from pathlib import Path
from typing import Any

from originproof.evidence.readers import FileRef, ReadContext, register_reader
from originproof.facts.base import At, EvidenceFacts, Forensics, Signal

log = logging.getLogger(__name__)

VERSION = "1.11"
IMAGE_KINDS = {"jpeg", "jpg", "png", "webp", "tiff", "bmp", "heic", "gif"}
VIDEO_KINDS = {"mp4", "mov", "m4v", "webm", "mkv", "avi", "3gp"}
DATE_FIELDS = ("issue_date", "declared_on", "signed_on", "date")


def _issue_date(facts: EvidenceFacts) -> date | None:
    for name in DATE_FIELDS:
        v = facts.get(name)
        if isinstance(v, date):
            return v
        if isinstance(v, str) and len(v) >= 10:
            try:
                return date.fromisoformat(v[:10])
            except ValueError:
                continue
    return None


def _kind(f: FileRef) -> str:
    k = (f.kind or "").lower()
    if k:
        return k
    return f.real.suffix.lower().lstrip(".")


def _tools(ctx: ReadContext) -> list[dict[str, Any]]:
    try:
        return ctx.registry.editing_tools()
    except Exception:  # noqa: BLE001
        return []


def _image_signals(raw: bytes, file: str, tools: list[dict[str, Any]], ctx: ReadContext, fz: Forensics,
                   sha: str, page: int | None = None, to_points: tuple[float, float] | None = None) -> Any:
    from PIL import Image

    from originproof.evidence.forensics.image import analyse_image, write_heatmap
    from originproof.evidence.forensics.pdf import tool_severity

    rep = analyse_image(raw, tools)
    for where, text, tool in rep.software:
        fz.signals.append(Signal(code="img.editor_software", severity=tool_severity(tool), at=At(file=file, page=page),
                                 detail=f"{where} names an editing tool: '{text}' ({tool.get('name')})"))
    for r in rep.regions:
        bbox = r.bbox
        if to_points:
            bbox = [bbox[0] * to_points[0], bbox[1] * to_points[1], bbox[2] * to_points[0], bbox[3] * to_points[1]]
        fz.signals.append(Signal(code=r.code, severity=r.severity, at=At(file=file, page=page, bbox=[round(v, 1) for v in bbox]),
                                 detail=r.detail))
    if rep.regions and ctx.thumbnails_dir is not None:
        out = Path(ctx.thumbnails_dir) / f"forensics-{sha[:16]}{f'-p{page}' if page else ''}.png"
        if write_heatmap(raw, rep, out) is not None:
            fz.heatmaps.append(str(out))
    return Image.open(io.BytesIO(raw))


def _pdf(f: FileRef, facts: EvidenceFacts, ctx: ReadContext, fz: Forensics, tools: list[dict[str, Any]]) -> list[Any]:
    import pymupdf as fitz
    from PIL import Image

    from originproof.evidence.forensics import pdf as P
    from originproof.evidence.forensics.signatures import validate

    data = f.real.read_bytes()
    rev_sig, n_rev, infos = P.revision_signals(data, f.path)
    fz.revisions = n_rev
    states, sig_sig = validate(data, f.path, ctx.extra)
    fz.signatures += states
    fz.checks += ["pdf", "signatures"]
    # Revisions that only add signatures, timestamps or validation data are legitimate: when every
    # signature says the later changes were allowed, the revision diff's own findings stand, but a
    # bare "incremental update" is context only.
    fz.signals += rev_sig + sig_sig
    images: list[Any] = []
    with fitz.open(stream=data, filetype="pdf") as doc:
        fz.signals += P.metadata_signals(doc, f.path, tools, _issue_date(facts), infos, signed=bool(states),
                                         marks_only=P.later_revisions_only_mark(rev_sig, n_rev))
        fz.signals += P.content_signals(doc, f.path)
        scans = P.page_images(doc)
        for pno, raw, _ext in scans:
            try:
                pg = doc[pno - 1].rect
                with Image.open(io.BytesIO(raw)) as im:
                    sx, sy = pg.width / im.width, pg.height / im.height
                images.append(_image_signals(raw, f.path, tools, ctx, fz, f.sha256, page=pno, to_points=(sx, sy)))
            except Exception as e:  # noqa: BLE001
                log.warning("image forensics failed on %s p%d: %s", f.path, pno, e)
        if scans:
            fz.checks.append("image")
        # A text PDF's rendering is its printed form (shared by every document issued on it): its
        # reuse fingerprint is the filled-in values alone, never the picture of the page.
    return images


def forensics(files: list[FileRef], facts: EvidenceFacts, ctx: ReadContext) -> Forensics:
    from originproof.evidence.forensics.fingerprints import document_fingerprints

    fz = Forensics()
    tools = _tools(ctx)
    page_images: list[Any] = []
    for f in files:
        kind = _kind(f)
        if kind == "pdf":
            page_images += _pdf(f, facts, ctx, fz, tools)
        elif kind in IMAGE_KINDS:
            page_images.append(_image_signals(f.real.read_bytes(), f.path, tools, ctx, fz, f.sha256))
            if "image" not in fz.checks:
                fz.checks.append("image")
        elif kind in VIDEO_KINDS:
            continue  # videos: continuity/originality are the video reader's; fingerprints come from VideoFacts
    if not isinstance(facts, _video_cls()):
        fz.fingerprints = document_fingerprints(facts, page_images)
    fz.checks = list(dict.fromkeys(fz.checks))
    return fz


def _video_cls():
    from originproof.facts.video import VideoFacts

    return VideoFacts


register_reader("forensics", "forensics", VERSION)(forensics)
