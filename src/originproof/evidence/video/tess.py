"""Tesseract kept loaded in the process for the video reader's many small OCR calls.

A video is read with ~10 OCR calls of a few text rows each. Through the command line every call
starts Tesseract and loads its models again: ~0.15 s of CPU for one model, ~0.3 s for a script + English
pair, several times the recognition of a few rows itself (~0.05 s). With the library (tesserocr) the
models are loaded once per process and kept in a small pool (one engine per thread at a time; the
library lets go of the GIL while it reads, so two readers run side by side).

Same engine settings as `evidence.common.ocr.ocr_tesseract` (page segmentation 6: one block of text),
same lines out. Without tesserocr, or without the language data, that command-line path is used.
"""
from __future__ import annotations

import glob
import os
import threading
from typing import Any

import numpy as np

from originproof.evidence.common.ocr import TESS_LANG, OcrLine, _is_cjk, merge_rows, ocr_tesseract

_POOL: dict[str, list[Any]] = {}
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


def _take(code: str) -> Any:
    with _LOCK:
        free = _POOL.setdefault(code, [])
        if free:
            return free.pop()
    import tesserocr
    path = _tessdata()
    if path is None:
        raise RuntimeError("no Tesseract language data found")
    return tesserocr.PyTessBaseAPI(path=path, lang=code, psm=tesserocr.PSM.SINGLE_BLOCK)


def _give(code: str, api: Any) -> None:
    with _LOCK:
        _POOL.setdefault(code, []).append(api)


def _lines_from_tsv(tsv: str, cjk: bool, page: int) -> list[OcrLine]:
    """Words of Tesseract's TSV (level page block par line word left top width height conf text) → lines."""
    groups: dict[tuple[int, int, int], list] = {}
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":  # level 5: a word
            continue
        w = cols[11].strip()
        if not w:
            continue
        try:
            key = (int(cols[2]), int(cols[3]), int(cols[4]))
            x, y, ww, hh = (int(float(v)) for v in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        groups.setdefault(key, []).append((w, [x, y, x + ww, y + hh], conf))
    lines = []
    for ws in groups.values():
        ws.sort(key=lambda t: t[1][0])
        parts: list[str] = []
        for j, (w, _b, _c) in enumerate(ws):
            if j and cjk and _is_cjk(parts[-1][-1]) and _is_cjk(w[0]):
                parts.append(w)  # Tesseract spaces out CJK characters; the text has none there
            else:
                parts.append((" " if j else "") + w)
        confs = [max(0.0, c) / 100 for _w, _b, c in ws]
        bbox = [min(b[0] for _w, b, _c in ws), min(b[1] for _w, b, _c in ws),
                max(b[2] for _w, b, _c in ws), max(b[3] for _w, b, _c in ws)]
        lines.append(OcrLine("".join(parts), bbox, float(np.mean(confs)) if confs else 0.0, page,
                             [(w, b) for w, b, _c in ws]))
    return merge_rows(lines)


def ocr_block(gray: np.ndarray, lang: str, page: int = 1) -> list[OcrLine]:
    """OCR of one block of text (psm 6) in `lang` ('ja', 'de' … or a Tesseract code such as 'jpn')."""
    code = TESS_LANG.get(lang, lang)
    if code not in _UNAVAILABLE:
        try:
            api = _take(code)
        except Exception:  # noqa: BLE001 — no library or no data: the command line reads it
            _UNAVAILABLE.add(code)
        else:
            try:
                from PIL import Image
                api.SetImage(Image.fromarray(gray))
                api.Recognize()
                tsv = api.GetTSVText(0)
            finally:
                _give(code, api)
            return _lines_from_tsv(tsv, lang in ("ja", "zh", "ko") or code.split("+")[0] in ("jpn", "kor", "chi_sim"), page)
    return ocr_tesseract(gray, lang, page)
