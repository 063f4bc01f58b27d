"""Store-visit video → `VideoFacts`: probe, one decoding pass (continuity, fingerprint, pauses),
then the purchase timeline and the receipt read from the few pause frames.

Thumbnails of the stage frames go to `ctx.thumbnails_dir` when set (the fact holds the file name
relative to that folder), else into the fact as a small `data:image/jpeg;base64,` URI (~5 KB).
"""
from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from originproof.evidence.readers import FileRef, ReadContext
from originproof.evidence.video import VERSION as READER_VERSION
from originproof.evidence.video.fingerprint import video_fingerprint
from originproof.evidence.video.geo import country_at
from originproof.evidence.video.probe import editing_traces, open_video, probe_container
from originproof.evidence.video.scan import find_discontinuities, scan_file
from originproof.evidence.video.stages import (LANG, STAGE_ORDER, FrameRead, classify, frame_gray, frame_thumb,
                                               ocr_strips, read_barcodes, row_strips, text_rows, thumbnail)
from originproof.facts.base import At, Fact
from originproof.facts.video import Discontinuity, StageMark, VideoFacts

log = logging.getLogger(__name__)
MAX_OCR = 8  # OCR calls per video (each ~0.3–1.5 s here)


try:  # imported once per process, not per video
    from originproof.evidence.documents.receipt import parse_receipt
except ImportError:  # pragma: no cover — the documents package is part of the install
    parse_receipt = None


def _receipt_from(fr: FrameRead, file: str, ctx: ReadContext, notes: list[str]):
    if parse_receipt is None:
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


class _PauseReader:
    """Reads each pause frame as the scan reports it: barcodes and text rows at once (milliseconds),
    the OCR in a worker thread — Tesseract is a subprocess, so it runs beside the decoder. Calls
    beyond the eager budget wait for the end of the scan, where the last pause (the receipt ends
    the visit) and the wordiest ones are read first."""

    RESERVE = 2

    def __init__(self, lang: str, max_ocr: int) -> None:
        self.lang, self.max_ocr = lang, max_ocr
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="video-ocr")
        self.items: list[list[Any]] = []  # [FrameRead, thumb rgb, strips, future]
        self.calls = 0
        self.lock = threading.Lock()  # the two halves of a long video are scanned in two threads

    def __call__(self, p: Any) -> None:
        f = p.frame
        if f is None:
            return
        gray, thumb = frame_gray(f), frame_thumb(f)
        # A phone held upright stores the picture sideways plus a display rotation (degrees
        # counter-clockwise): text is read, and boxes given, in the picture as it is shown.
        quarter = int(round(float(getattr(f, "rotation", 0) or 0) / 90)) % 4
        if quarter:
            gray, thumb = (np.ascontiguousarray(np.rot90(a, quarter)) for a in (gray, thumb))
        fr = FrameRead(t=round(p.t, 2), barcodes=read_barcodes(gray))
        strips = [] if fr.barcodes else row_strips(gray, text_rows(gray))
        with self.lock:
            fut = None
            if strips and self.calls < self.max_ocr - self.RESERVE:
                fut = self.pool.submit(ocr_strips, strips, self.lang)
                self.calls += 1
            self.items.append([fr, thumb, strips, fut])

    def finish(self, notes: list[str]) -> list[tuple[FrameRead, np.ndarray]]:
        self.items.sort(key=lambda it: it[0].t)
        waiting = [it for it in self.items if it[2] and it[3] is None]
        if waiting:
            order = [waiting[-1]] + sorted(waiting[:-1], key=lambda it: -len(it[2]))
            for it in order[: max(0, self.max_ocr - self.calls)]:
                it[3] = self.pool.submit(ocr_strips, it[2], self.lang)
                self.calls += 1
            left = sum(1 for it in waiting if it[3] is None)
            if left:
                notes.append(f"{left} pause frames not OCRed (budget {self.max_ocr})")
        out = []
        for fr, thumb, _strips, fut in self.items:
            if fut is not None:
                try:
                    fr.lines = fut.result()
                except Exception as e:  # noqa: BLE001 — an OCR engine failure leaves the frame unread
                    notes.append(f"OCR failed at {fr.t:.1f}s: {type(e).__name__}")
            out.append((fr, thumb))
        self.pool.shutdown(wait=True)
        return out


def read_video(file: FileRef, ctx: ReadContext, *, max_ocr: int = MAX_OCR) -> VideoFacts:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    path = file.path
    vf = VideoFacts(files=[path], sha256=file.sha256)
    at0 = At(file=path, t=0.0)
    lang = LANG.get((ctx.origin_country or "").upper(), "en")
    pauses = _PauseReader(lang, max_ocr)
    try:
        with open_video(str(file.real)) as c:
            pr = probe_container(c)
        sc = scan_file(str(file.real), duration=pr.duration, on_pause=pauses, open_fn=open_video)
    finally:
        frames = pauses.finish(vf.notes)
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
    brand_names = [b for b in ctx.brand_names if b]
    for fr, thumb in frames:
        classify(fr, ctx.registry, ctx.origin_country, brand_names)
        if fr.stage is not None:
            fr.thumb = thumbnail(thumb, fr.stage, fr.t, file.sha256, ctx.thumbnails_dir)
        reads.append(fr)
    vf.ocr_calls = pauses.calls
    vf.stages_checked = bool(frames) or sc.decoded > 0
    marks = [StageMark(stage=fr.stage, t=fr.t, confidence=fr.confidence, thumbnail=fr.thumb, cue=fr.cue)
             for fr in reads if fr.stage is not None]
    vf.stage_marks = marks
    vf.stages = Fact(value=[{"stage": m.stage, "t": m.t, "thumbnail": m.thumbnail} for m in marks],
                     confidence=min([m.confidence for m in marks], default=1.0), at=at0)

    # Receipt: the pause frame recognised as a receipt (the last one: the printed receipt ends the visit).
    rfr = next((fr for fr in reversed(reads) if fr.stage == "receipt"), None)
    if rfr is not None:
        rc = _receipt_from(rfr, path, ctx, vf.notes)
        vf.receipt_facts = rc
        if rc is not None:
            vf.receipt = Fact(value={k: f.value for k, f in rc.fields().items()},
                              confidence=min([f.confidence for f in rc.fields().values()], default=0.0),
                              at=At(file=path, t=rfr.t))
    vf.reader = f"video@{READER_VERSION}"
    return vf


__all__ = ["read_video", "STAGE_ORDER"]
