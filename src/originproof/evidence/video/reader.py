"""Store-visit video → `VideoFacts`: probe, one decoding pass (continuity, fingerprint, pauses),
then the purchase timeline and the receipt read from the few pause frames.

Thumbnails of the stage frames go to `ctx.thumbnails_dir` when set (the fact holds the file name
relative to that folder), else into the fact as a small `data:image/jpeg;base64,` URI (~5 KB).
"""
from __future__ import annotations

import logging
import os
from typing import Any

import cv2

from originproof.evidence.readers import FileRef, ReadContext
from originproof.evidence.video.fingerprint import video_fingerprint
from originproof.evidence.video.geo import country_at
from originproof.evidence.video.probe import editing_traces, open_video, probe_container
from originproof.evidence.video.scan import find_discontinuities, scan_video
from originproof.evidence.video.stages import (LANG, STAGE_ORDER, FrameRead, classify, ocr_crop, read_barcodes,
                                               text_region, thumbnail)
from originproof.facts.base import At, Fact
from originproof.facts.video import Discontinuity, StageMark, VideoFacts

log = logging.getLogger(__name__)
MAX_OCR = 8  # OCR calls per video (each ~0.3–1.5 s here)


def _receipt_from(fr: FrameRead, file: str, ctx: ReadContext, notes: list[str]):
    try:
        from originproof.evidence.documents.receipt import parse_receipt
    except ImportError:
        notes.append("receipt parser (evidence.documents.receipt) not available: receipt in the video not parsed")
        return None
    try:
        rc = parse_receipt(fr.lines, ctx.origin_country, file=file, registry=ctx.registry)
    except TypeError:  # an older signature without keywords
        rc = parse_receipt(fr.lines, ctx.origin_country)
    if rc is None:
        return None
    rc.files = [file]
    rc.reader = "video-frames"
    for f in rc.fields().values():  # frame pixels at time t
        if f.at is None:
            f.at = At(file=file, t=fr.t)
        else:
            f.at.t, f.at.page, f.at.file = round(fr.t, 2), None, file
    return rc


def read_video(file: FileRef, ctx: ReadContext, *, max_ocr: int = MAX_OCR) -> VideoFacts:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    path = file.path
    vf = VideoFacts(files=[path], sha256=file.sha256)
    at0 = At(file=path, t=0.0)
    with open_video(str(file.real)) as c:
        pr = probe_container(c)
        sc = scan_video(c)
    vf.decode_errors = sc.decode_errors
    dur = pr.duration or (float(sc.times[-1]) if len(sc.times) else None)
    if dur is not None:
        vf.duration_s = Fact(value=round(dur, 3), confidence=1.0)
    vf.width = Fact(value=pr.width or sc.width)
    vf.height = Fact(value=pr.height or sc.height)
    vf.codec = Fact(value=pr.codec)
    if pr.fps:
        vf.fps = Fact(value=round(pr.fps, 3))
    if pr.created_at is not None:
        vf.created_at = Fact(value=pr.created_at.isoformat(), confidence=0.95, at=at0)
    if pr.make or pr.model:
        vf.device = Fact(value=" ".join(x for x in (pr.make, pr.model) if x), confidence=0.95, at=at0)
    if pr.software_tags:
        vf.encoder = Fact(value={k: v for k, v in pr.software_tags}, confidence=1.0, at=at0)
    vf.editing_tools = editing_traces(pr, ctx.registry.editing_tools())
    if pr.location is not None:
        lat, lon = pr.location
        vf.location = Fact(value={"lat": lat, "lon": lon, "tag": pr.location_key}, confidence=0.95, at=at0)
        cc, conf = country_at(lat, lon)
        if cc:
            vf.location_country = Fact(value=cc, confidence=conf, at=at0)
        else:
            vf.notes.append(f"GPS {lat:.4f},{lon:.4f} lies in no known country outline (sea or a micro-state)")
    if sc.rotation:
        vf.notes.append(f"display rotation {sc.rotation}°")
    if sc.decode_errors:
        vf.notes.append(f"{sc.decode_errors} packets failed to decode")

    # Continuity.
    jumps = find_discontinuities(sc, pr.fps)
    vf.discontinuities = [Discontinuity(t=j.t, kind=j.kind, confidence=j.confidence, detail=j.detail) for j in jumps]
    vf.cuts = Fact(value=[j.t for j in jumps if j.kind != "uncertain"], confidence=0.9, at=at0)
    vf.continuity_checked = sc.decoded >= 3

    # Fingerprint.
    vf.fingerprint = video_fingerprint(sc.times, sc.smalls, dur)

    # Purchase timeline from the pause frames.
    reads: list[FrameRead] = []
    calls = 0
    lang = LANG.get((ctx.origin_country or "").upper(), "en")
    brand_names = [b for b in ctx.brand_names if b]
    cands = []
    for p in sc.pauses:
        if p.frame is None:
            continue
        rgb = p.frame.to_ndarray(format="rgb24")
        p.frame = None
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        fr = FrameRead(t=round(p.t, 2), barcodes=read_barcodes(gray))
        box, nlines, line_h = text_region(gray) if not fr.barcodes else (None, 0, 0.0)
        cands.append((fr, rgb, gray, box, nlines, line_h))
    # OCR the frames with the most text first when the budget is short.
    budget = sorted((k for k, c in enumerate(cands) if c[3] is not None and c[4] >= 1), key=lambda k: -cands[k][4])
    chosen = set(budget[:max_ocr])
    for k, (fr, rgb, gray, box, nlines, line_h) in enumerate(cands):
        if k in chosen:
            try:
                fr.lines = ocr_crop(gray, box, line_h, lang)
            except Exception as e:  # noqa: BLE001 — an OCR engine failure leaves the frame unread
                vf.notes.append(f"OCR failed at {fr.t:.1f}s: {type(e).__name__}")
            calls += 1
        classify(fr, ctx.registry, ctx.origin_country, brand_names)
        if fr.stage is not None:
            fr.thumb = thumbnail(rgb, fr.stage, fr.t, file.sha256, ctx.thumbnails_dir)
        reads.append(fr)
    vf.ocr_calls = calls
    vf.stages_checked = bool(cands) or sc.decoded > 0
    marks = [StageMark(stage=fr.stage, t=fr.t, confidence=fr.confidence, thumbnail=fr.thumb, cue=fr.cue)
             for fr in reads if fr.stage is not None]
    vf.stage_marks = marks
    vf.stages = Fact(value=[{"stage": m.stage, "t": m.t, "thumbnail": m.thumbnail} for m in marks],
                     confidence=min([m.confidence for m in marks], default=1.0), at=at0)
    if len(cands) > len(chosen) + sum(1 for c in cands if c[3] is None):
        vf.notes.append(f"{len(cands) - len(chosen)} pause frames not OCRed (budget {max_ocr})")

    # Receipt: the pause frame recognised as a receipt (the last one: the printed receipt ends the visit).
    rfr = next((fr for fr in reversed(reads) if fr.stage == "receipt"), None)
    if rfr is not None:
        rc = _receipt_from(rfr, path, ctx, vf.notes)
        vf.receipt_facts = rc
        if rc is not None:
            vf.receipt = Fact(value={k: f.value for k, f in rc.fields().items()},
                              confidence=min([f.confidence for f in rc.fields().values()], default=0.0),
                              at=At(file=path, t=rfr.t))
    vf.reader = "video@1"
    return vf


__all__ = ["read_video", "STAGE_ORDER"]
