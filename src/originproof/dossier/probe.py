"""Cheap decode probes run at intake: does the file open, how many pages, how long."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ProbeResult:
    ok: bool
    detail: str = ""
    pages: int | None = None
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None


def probe_pdf(path: Path) -> ProbeResult:
    import pymupdf as fitz

    try:
        with fitz.open(path) as doc:
            if doc.needs_pass:
                return ProbeResult(False, "the PDF is password-protected")
            n = doc.page_count
            if n == 0:
                return ProbeResult(False, "the PDF has no pages")
            doc.load_page(0)  # a broken page tree fails here, not later in a reader
            return ProbeResult(True, pages=n)
    except Exception as e:  # noqa: BLE001 — any parser error is the file's problem, not ours
        return ProbeResult(False, f"the PDF cannot be parsed: {type(e).__name__}: {e}")


def probe_image(path: Path, max_pixels: int = 80_000_000) -> ProbeResult:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size
                if w * h > max_pixels:
                    return ProbeResult(False, f"image is {w}×{h} pixels, over the {max_pixels} pixel cap")
                im.load()
                frames = getattr(im, "n_frames", 1)
            return ProbeResult(True, pages=frames, width=w, height=h)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        return ProbeResult(False, f"image decompression bomb: {e}")
    except Exception as e:  # noqa: BLE001
        return ProbeResult(False, f"the image cannot be decoded: {type(e).__name__}: {e}")


def probe_video(path: Path) -> ProbeResult:
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as c:
            vs = [s for s in c.streams if s.type == "video"]
            if not vs:
                return ProbeResult(False, "the file has no video stream")
            s = vs[0]
            dur = None
            if s.duration is not None and s.time_base is not None:
                dur = float(s.duration * s.time_base)
            elif c.duration is not None:
                dur = c.duration / 1_000_000
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
