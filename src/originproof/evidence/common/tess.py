"""Tesseract's word boxes of one image: by the system's command line, or kept loaded in the process.

Through the command line every call writes the image out as PNG, starts Tesseract and loads its models
again: ~0.15 s of CPU for one model, ~0.3 s for a script + English pair — several times the recognition
of a few text rows (a video frame's sign). With the library (tesserocr) the models are loaded once per
process and kept in a small pool (one engine per thread at a time; the library lets go of the GIL while
it reads, so two readers run side by side).

The library's wheel carries its own Tesseract (5.5), which reads differently from the system's (5.3)
that the document readers are measured on: moved to the library, documents read worse (measured:
devset verdicts as expected 5/8 → 3/8, own photo field recall 92.2 % → 90.9 %), so pages keep the
command line and only the video reader's many small calls use the library (`kept_loaded`). Without
tesserocr, or without the language data, the command line reads either.
"""
from __future__ import annotations

import glob
import os
import threading
from typing import Any

import numpy as np

# (block, paragraph, line) → [(word, [x0, y0, x1, y1], confidence 0–100)]
Words = dict[tuple[int, int, int], list[tuple[str, list[float], float]]]

_POOL: dict[tuple[str, int], list[Any]] = {}
_LOCK = threading.Lock()
_UNAVAILABLE: set[str] = set()


def _tessdata() -> str | None:
    """The folder of the installed language data (the system's Tesseract), not the library's own default."""
    env = os.environ.get("TESSDATA_PREFIX")
    cands = ([env, os.path.join(env, "tessdata")] if env else []) + sorted(
        glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True) + ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    for c in cands:
        if c and glob.glob(os.path.join(c, "*.traineddata")):
            return c
    return None


def _take(code: str, psm: int) -> Any:
    with _LOCK:
        free = _POOL.setdefault((code, psm), [])
        if free:
            return free.pop()
    import tesserocr
    path = _tessdata()
    if path is None:
        raise RuntimeError("no Tesseract language data found")
    return tesserocr.PyTessBaseAPI(path=path, lang=code, psm=psm)  # PSM values are the command line's numbers


def _give(code: str, psm: int, api: Any) -> None:
    with _LOCK:
        _POOL.setdefault((code, psm), []).append(api)


def words(gray: np.ndarray, code: str, psm: int = 6, kept_loaded: bool = False) -> Words:
    """Tesseract's words of `gray` in language `code` ('jpn+eng' …), grouped by line."""
    from PIL import Image
    if kept_loaded and code not in _UNAVAILABLE:
        try:
            api = _take(code, psm)
        except Exception:  # noqa: BLE001 — no library or no data: the command line reads it
            _UNAVAILABLE.add(code)
        else:
            try:
                api.SetImage(Image.fromarray(gray))
                api.Recognize()
                return _from_tsv(api.GetTSVText(0))
            finally:
                _give(code, psm, api)
    d = _cli_data(Image.fromarray(gray), code, psm)
    out: Words = {}
    for i, w in enumerate(d["text"]):
        if w and w.strip():
            x, y, ww, hh = d["left"][i], d["top"][i], d["width"][i], d["height"][i]
            out.setdefault((d["block_num"][i], d["par_num"][i], d["line_num"][i]), []).append(
                (w.strip(), [x, y, x + ww, y + hh], float(d["conf"][i])))
    return out


def _cli_data(img: Any, code: str, psm: int) -> dict[str, list[Any]]:
    """`pytesseract.image_to_data` of `img`, handed over as an uncompressed PGM/PPM file: pytesseract would
    write a PNG at zlib's default level, ~0.25 s of CPU for a 2-megapixel page, for the same pixels (a
    portable anymap carries no resolution, as that PNG carried none, so Tesseract reads the same words)."""
    import tempfile

    import pytesseract
    if img.mode not in ("L", "RGB"):
        return pytesseract.image_to_data(img, lang=code, config=f"--psm {psm}", output_type=pytesseract.Output.DICT)
    with tempfile.TemporaryDirectory(prefix="tess_") as td:
        path = os.path.join(td, "page.pgm" if img.mode == "L" else "page.ppm")
        img.save(path, format="PPM")
        return pytesseract.image_to_data(path, lang=code, config=f"--psm {psm}", output_type=pytesseract.Output.DICT)


def _from_tsv(tsv: str) -> Words:
    """Words of Tesseract's TSV (level page block par line word left top width height conf text)."""
    out: Words = {}
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():  # level 5: a word
            continue
        try:
            key = (int(cols[2]), int(cols[3]), int(cols[4]))
            x, y, ww, hh = (int(float(v)) for v in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        out.setdefault(key, []).append((cols[11].strip(), [x, y, x + ww, y + hh], conf))
    return out
