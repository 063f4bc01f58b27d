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
MAX_OCR = 8  # OCR calls per video (each ~0.05–0.3 s of CPU with the models kept loaded)


try:  # imported once per process, not per video
    from originproof.evidence.receipts import parse_receipt
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


def merge_frame_lines(frames: list[FrameRead]) -> list[Any]:
    """The receipt's lines from several frames, in reading order: a frame's line is kept unless one
    of the lines already kept reads the same (a receipt filmed while scrolling shows each line in
    several frames). Each line's `page` is set to its frame's index in `frames`."""
    from rapidfuzz import fuzz
    from originproof.text.names import fold
    out: list[Any] = []
    keys: list[str] = []
    for k, fr in enumerate(frames):
        lines = sorted(fr.lines, key=lambda l: ((l.bbox[1] + l.bbox[3]) / 2, l.bbox[0]))
        anchor = -1  # position (in `out`) of the last line of this frame that was already kept
        before: list[tuple[Any, str]] = []  # lines above the first one already kept
        for l in lines:
            key = fold(l.text)
            if len(key) < 2:
                continue
            hit = next((j for j in range(len(keys) - 1, max(-1, len(keys) - 40), -1)
                        if keys[j] == key or (len(key) >= 6 and fuzz.ratio(keys[j], key) >= 82)), None)
            if hit is not None:
                if anchor < 0 and before:  # they sit above this line on the paper
                    for b_l, b_k in before:
                        out.insert(hit, b_l)
                        keys.insert(hit, b_k)
                        hit += 1
                    before = []
                anchor = max(anchor, hit)
                if len(l.text) > len(out[hit].text) and l.confidence >= out[hit].confidence - 0.1:
                    l.page = k
                    out[hit], keys[hit] = l, key  # the fuller reading of the same line
                continue
            l.page = k
            if anchor < 0 and out:
                before.append((l, key))
                continue
            pos = anchor + 1 if 0 <= anchor < len(out) - 1 else len(out)
            out.insert(pos, l)
            keys.insert(pos, key)
            anchor = pos
        for b_l, b_k in before:  # nothing in common with what was kept: the frame comes after
            out.append(b_l)
            keys.append(b_k)
    return out


def _receipt_from_frames(frs: list[FrameRead], file: str, ctx: ReadContext, vf: VideoFacts, notes: list[str]):
    if parse_receipt is None:
        notes.append("receipt parser (evidence.receipts) not available: receipt in the video not parsed")
        return None
    lines = merge_frame_lines(frs)
    created = vf.get("created_at")
    expect = None
    if created:
        try:
            from datetime import datetime
            expect = datetime.fromisoformat(created).date()
        except ValueError:
            expect = None
    rc = parse_receipt(lines, ctx.origin_country, file=file, registry=ctx.registry, expect_date=expect)
    if rc is None:
        return None
    rc.files = [file]
    rc.reader = "video-frames"
    rc.sources = ["video"]
    for f in rc.fields().values():  # frame pixels at time t
        k = f.at.page if f.at is not None and f.at.page is not None else 0
        t = frs[min(max(0, int(k) - 0), len(frs) - 1)].t
        if f.at is None:
            f.at = At(file=file, t=t)
        else:
            f.at.t, f.at.page, f.at.file = round(t, 2), None, file
    return rc


def paper_look(thumb: np.ndarray) -> bool:
    """A receipt fills much of the picture with bright, colourless paper; a shelf of goods is colourful."""
    import cv2
    hsv = cv2.cvtColor(thumb, cv2.COLOR_RGB2HSV)
    bright = float(((hsv[..., 2] > 150) & (hsv[..., 1] < 50)).mean())
    colourful = float(((hsv[..., 1] > 90) & (hsv[..., 2] > 60)).mean())
    return bright >= 0.2 and colourful < 0.3


EAGER_MAX_MOTION = 0.3  # a frame blurred by a moving camera waits: a steadier one of the scene may come
SAME_SCENE = 0.3  # half the L1 distance of colour histograms below which two frames show one scene
SAME_PAPER = 0.08  # … and one part of a receipt held still


def _scene(thumb: np.ndarray) -> np.ndarray:
    """Colour histogram of the frame: a pan across one storefront keeps it, another scene changes it."""
    import cv2
    hsv = cv2.cvtColor(thumb, cv2.COLOR_RGB2HSV)
    h = cv2.calcHist([hsv], [0, 1, 2], None, [8, 4, 4], [0, 180, 0, 256, 0, 256]).ravel()
    return h / (h.sum() + 1e-6)


def frame_kind(fr: FrameRead, strips: list[Any], paper: bool = True) -> str:
    """What a frame looks like before any OCR: 'barcode' (an EAN in view), 'paper' (many dark-on-light
    text rows: a receipt), 'display' (light text on a dark ground: a till or terminal display, some
    signs), 'text' (other text: signs, shelf labels), 'none'."""
    if fr.barcodes:
        return "barcode"
    if not strips:
        return "none"
    if len(strips) >= 5 and fr.inverted < 0.3 and paper:
        return "paper"
    if fr.inverted >= 0.5 and len(strips) <= 10:
        return "display"
    return "text"


class _PauseReader:
    """Reads each sampled frame as the scan hands it on: barcodes and text rows at once (milliseconds),
    the OCR in a worker thread — Tesseract is a subprocess, so it runs beside the decoder. OCR goes
    where the stage a frame may show is still unread: each kind of frame (sign or shelf text, till
    display, receipt paper) has its own small share of the budget, taken eagerly; what is left is
    spent after the scan on the kinds whose stage was not found, the receipt's frames first."""

    SHARE = {"text": 2, "display": 4, "paper": 3}
    PAPER_GAP_S = 0.6  # receipt frames read at least this far apart (a receipt read top to bottom)

    def __init__(self, lang: str, max_ocr: int, classify_fn: Any = None) -> None:
        self.lang, self.max_ocr = lang, max_ocr
        self.classify_fn = classify_fn  # FrameRead → sets its stage (for stopping early)
        self.found: set[str] = set()
        # Two OCR workers (Tesseract lets go of the GIL while it reads): while the decoder runs they share the
        # cores with it; once it is done, the frames still to read are read two at a time.
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="video-ocr")
        self.items: list[list[Any]] = []  # [FrameRead, thumb rgb, strips, future, kind, scene luma]
        self.calls = 0
        self.used = {k: 0 for k in self.SHARE}
        self.lock = threading.Lock()  # the two halves of a long video are scanned in two threads

    def _submit(self, it: list[Any]) -> None:
        it[3] = self.pool.submit(ocr_strips, it[2], self.lang)
        self.calls += 1
        if it[4] in self.used:
            self.used[it[4]] += 1

    def _have(self) -> set[str]:
        """Stages already seen in the frames read so far (a stage found needs no more OCR)."""
        for it in self.items:
            if it[4] == "barcode":
                self.found.add("shelf_pick")
            elif it[3] is not None and it[3].done() and not it[0].lines and self.classify_fn is not None:
                try:
                    it[0].lines = it[3].result()
                except Exception:  # noqa: BLE001
                    continue
                self.classify_fn(it[0])
                if it[0].stage:
                    self.found.add(it[0].stage)
        return self.found

    def _wanted(self, kind: str) -> bool:
        have = self._have()
        if kind == "text":
            return not {"store", "shelf_pick"} <= have
        if kind == "display":
            return not {"store", "payment"} <= have
        return True

    def __call__(self, p: Any) -> None:
        f = p.frame
        if f is None:
            return
        with self.lock:
            if any(abs(it[0].t - p.t) < 0.25 for it in self.items):
                return  # a pause and a sample on the same moment
        gray, thumb = frame_gray(f), frame_thumb(f)
        # A phone held upright stores the picture sideways plus a display rotation (degrees
        # counter-clockwise): text is read, and boxes given, in the picture as it is shown.
        quarter = int(round(float(getattr(f, "rotation", 0) or 0) / 90)) % 4
        if quarter:
            gray, thumb = (np.ascontiguousarray(np.rot90(a, quarter)) for a in (gray, thumb))
        fr = FrameRead(t=round(p.t, 2), barcodes=read_barcodes(gray), motion=round(float(p.motion), 3))
        strips = [] if fr.barcodes else row_strips(gray, text_rows(gray))
        if strips:
            fr.inverted = sum(1 for s_ in strips if s_.inverted) / len(strips)
        kind = frame_kind(fr, strips, paper_look(thumb))
        if kind == "text" and len(strips) > 8:  # a sign or label: its tallest rows carry the names
            keep = sorted(sorted(strips, key=lambda s_: -(s_.box[3] - s_.box[1]))[:8], key=lambda s_: s_.box[1])
            strips = row_strips(gray, [s_.box for s_ in keep])
        z = _scene(thumb)
        with self.lock:
            it = [fr, thumb, strips, None, kind, z]
            if kind in self.SHARE and self.used[kind] < self.SHARE[kind] and self.calls < self.max_ocr \
                    and fr.motion <= EAGER_MAX_MOTION and self._wanted(kind):
                read = [o for o in self.items if o[4] == kind and o[3] is not None]
                near = kind in ("paper", "display") and any(abs(o[0].t - fr.t) < self.PAPER_GAP_S for o in read)
                # The same scene seen again (the storefront a second later) is not read twice; a receipt
                # read top to bottom is new in every part.
                same = any(0.5 * float(np.abs(o[5] - z).sum()) < (SAME_SCENE if kind != "paper" else SAME_PAPER)
                           for o in read)
                if not near and not same:
                    self._submit(it)
            self.items.append(it)

    def _distinct_paper(self, cands: list[list[Any]]) -> list[list[Any]]:
        """Paper frames that show another part of the receipt than those read or picked before them."""
        kept = [o for o in self.items if o[4] == "paper" and o[3] is not None]
        out = []
        for it in cands:
            if any(abs(o[0].t - it[0].t) < self.PAPER_GAP_S or 0.5 * float(np.abs(o[5] - it[5]).sum()) < SAME_PAPER
                   for o in kept):
                continue
            kept.append(it)
            out.append(it)
        return out

    def finish(self, notes: list[str], found: Any = None) -> list[tuple[FrameRead, np.ndarray]]:
        """`found(frames)` → the stages found so far (set); used to spend the rest of the budget."""
        self.items.sort(key=lambda it: it[0].t)
        waiting = [it for it in self.items if it[2] and it[3] is None]
        if waiting and self.calls < self.max_ocr:
            for it in self.items:
                if it[3] is not None:
                    try:
                        it[0].lines = it[3].result()
                    except Exception:  # noqa: BLE001
                        pass
            have = found([it[0] for it in self.items]) if found is not None else set()
            # Once the till is seen, the receipt is what comes after it: paper-like frames before it are goods.
            pay_t = min((it[0].t for it in self.items if it[0].stage == "payment"), default=None)
            after = sorted([it for it in waiting if it[4] == "paper" and (pay_t is None or it[0].t > pay_t)],
                           key=lambda it: -it[0].t)
            paper = self._distinct_paper(after)
            queues: list[list[list[Any]]] = []
            if "receipt" not in have:
                queues.append(list(paper))
            if "payment" not in have:  # the till is filmed before the receipt: latest displays first
                queues.append(sorted([it for it in waiting if it[4] == "display"], key=lambda it: -it[0].t))
            before = [it for it in waiting if pay_t is None or it[0].t < pay_t]
            if "store" not in have:  # a light fascia with dark letters looks like paper
                queues.append([it for it in before if it[4] in ("text", "display", "paper")])
            if "shelf_pick" not in have:  # labels on packaging may look like paper
                queues.append([it for it in before if it[4] in ("text", "paper")])
            order: list[list[Any]] = []
            while any(queues):  # one from each missing stage in turn
                for q in queues:
                    if q:
                        order.append(q.pop(0))
            # More of the receipt is always worth reading: other parts of it first, then frames that look alike
            # (paper looks much the same from top to bottom), the latest first.
            picked = {id(it) for it in paper}
            order += paper + [it for it in after if id(it) not in picked]
            order = list({id(it): it for it in order}.values())
            for it in order[: max(0, self.max_ocr - self.calls)]:
                self._submit(it)
        # The receipt's last lines (total, date, footer) are in its last frames: read them whatever is left.
        for it in [it for it in reversed(self.items) if it[4] == "paper"][:2]:
            read = [o for o in self.items if o[4] == "paper" and o[3] is not None]
            if it[2] and it[3] is None and not any(0.5 * float(np.abs(o[5] - it[5]).sum()) < SAME_PAPER for o in read):
                self._submit(it)
        left = sum(1 for it in self.items if it[2] and it[3] is None)
        if left:
            notes.append(f"{left} sampled frames with text not OCRed (budget {self.max_ocr})")
        out = []
        for fr, thumb, _strips, fut, _k, _z in self.items:
            if fut is not None and not fr.lines:
                try:
                    fr.lines = fut.result()
                except Exception as e:  # noqa: BLE001 — an OCR engine failure leaves the frame unread
                    notes.append(f"OCR failed at {fr.t:.1f}s: {type(e).__name__}")
            out.append((fr, thumb))
        self.pool.shutdown(wait=True)
        return out


def ocr_budget(duration: float | None) -> int:
    """OCR calls for a take: a few per scene of a walk, more for a long one (each call reads only the
    text rows of one frame, stacked: ~0.1–0.5 s)."""
    return int(np.clip(MAX_OCR + 1 + (duration or 0.0) / 30.0, MAX_OCR, 16))


def read_video(file: FileRef, ctx: ReadContext, *, max_ocr: int | None = None) -> VideoFacts:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    path = file.path
    vf = VideoFacts(files=[path], sha256=file.sha256)
    at0 = At(file=path, t=0.0)
    lang = LANG.get((ctx.origin_country or "").upper(), "en")
    with open_video(str(file.real)) as c:
        pr = probe_container(c)
    brand_names = [b for b in ctx.brand_names if b]
    pauses = _PauseReader(lang, max_ocr if max_ocr is not None else ocr_budget(pr.duration),
                          lambda fr: classify(fr, ctx.registry, ctx.origin_country, brand_names))
    try:
        sc = scan_file(str(file.real), duration=pr.duration, on_pause=pauses, open_fn=open_video)
    finally:
        brand_names = [b for b in ctx.brand_names if b]

        def found(frs: list[FrameRead]) -> set[str]:
            for fr in frs:
                if fr.lines or fr.barcodes:
                    classify(fr, ctx.registry, ctx.origin_country, brand_names)
            return {fr.stage for fr in frs if fr.stage}
        frames = pauses.finish(vf.notes, found)
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

    # Receipt: every frame recognised as showing it (a receipt is often read top to bottom, a part
    # per frame), its lines joined in order without repeats, parsed once.
    rfrs = [fr for fr in reads if fr.stage == "receipt"]
    if rfrs:
        rc = _receipt_from_frames(rfrs, path, ctx, vf, vf.notes)
        vf.receipt_facts = rc
        if rc is not None:
            vf.receipt = Fact(value={k: f.value for k, f in rc.fields().items()},
                              confidence=min([f.confidence for f in rc.fields().values()], default=0.0),
                              at=At(file=path, t=rfrs[0].t))
    vf.reader = f"video@{READER_VERSION}"
    return vf


__all__ = ["read_video", "STAGE_ORDER"]
