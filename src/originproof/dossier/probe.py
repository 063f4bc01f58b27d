"""Cheap decode probes run at intake: does the file open, how many pages, how long."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from originproof.dossier import budget


@dataclass
class ProbeResult:
    ok: bool
    detail: str = ""
    pages: int | None = None
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    too_costly: bool = False  # over a reading budget (dossier.budget), from what the file declares
    detail_zh: str = ""


def _over(b: budget.OverBudget) -> ProbeResult:
    return ProbeResult(False, b.detail_en, too_costly=True, detail_zh=b.detail_zh)


def probe_pdf(path: Path, max_pages: int = 50) -> ProbeResult:
    import pymupdf as fitz

    try:
        with fitz.open(path) as doc:
            if doc.needs_pass:
                return ProbeResult(False, "the PDF is password-protected")
            n = doc.page_count
            if n == 0:
                return ProbeResult(False, "the PDF has no pages")
            doc.load_page(0)  # a broken page tree fails here, not later in a reader
            # Page boxes are read, never rendered: the budget holds before any reader renders.
            read = range(min(n, max_pages))
            sizes = [(r.width, r.height) for r in (doc.load_page(i).rect for i in read)]
            images = [sum(int(im[2]) * int(im[3]) for im in doc.get_page_images(i)) for i in read]
            over = budget.pdf_pages(sizes, images)
            if over:
                return _over(over)
            return ProbeResult(True, pages=n)
    except Exception as e:  # noqa: BLE001 — any parser error is the file's problem, not ours
        return ProbeResult(False, f"the PDF cannot be parsed: {type(e).__name__}: {e}")


def probe_image(path: Path, max_pixels: int = budget.MAX_IMAGE_PIXELS) -> ProbeResult:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size  # from the frame header; nothing decoded yet
                over = budget.image(w, h, (im.format or "").lower() or None, path.stat().st_size)
                if over:
                    return _over(over)
                im.load()
                frames = getattr(im, "n_frames", 1)
            return ProbeResult(True, pages=frames, width=w, height=h)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        return ProbeResult(False, f"image decompression bomb: {e}", too_costly=True,
                           detail_zh="图片像素数远超上限（疑似解压炸弹）")
    except Exception as e:  # noqa: BLE001
        return ProbeResult(False, f"the image cannot be decoded: {type(e).__name__}: {e}")


def probe_video(path: Path) -> ProbeResult:
    import av

    try:
        with av.open(str(path), metadata_errors="ignore", stream_options=[budget.decoder_options()]) as c:
            vs = [s for s in c.streams if s.type == "video"]
            if not vs:
                return ProbeResult(False, "the file has no video stream")
            s = vs[0]
            dur = None
            if s.duration is not None and s.time_base is not None:
                dur = float(s.duration * s.time_base)
            elif c.duration is not None:
                dur = c.duration / 1_000_000
            # The budget from the stream's declared frame size and count, before any frame is decoded.
            w, h = s.codec_context.width or 0, s.codec_context.height or 0
            if not (w and h):  # the guarded decoder refused the frames it probed: over the budget or broken
                return ProbeResult(False, "no frame size the decoder accepts within the 8K budget (its frames are "
                                   "larger, or unreadable)", too_costly=True,
                                   detail_zh="无法在 8K 上限内得到视频帧尺寸（帧过大或无法读取）")
            frames = float(s.frames) if s.frames else None
            if frames is None and dur and s.average_rate:
                frames = dur * float(s.average_rate)
            over = budget.video(w, h, frames)
            if over:
                return _over(over)
            try:  # the decoder itself refuses frames larger than the stream declared
                s.codec_context.options = budget.decoder_options()
            except Exception:  # noqa: BLE001 — an older PyAV without settable options: budget above holds
                pass
            # Decode one frame: a truncated file with an intact header fails here.
            got = False
            for frame in c.decode(video=0):
                got = True
                break
            if not got:
                return ProbeResult(False, "no video frame could be decoded")
            return ProbeResult(True, duration_s=dur, width=s.codec_context.width, height=s.codec_context.height)
    except Exception as e:  # noqa: BLE001
        return ProbeResult(False, f"the video cannot be decoded: {type(e).__name__}: {e}")
