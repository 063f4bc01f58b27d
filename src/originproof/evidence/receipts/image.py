"""A receipt picture (photo, scan or video frame) → OCR lines → `Receipt`.

Receipts are photographed at every distance: the glyphs of a small scan are 10 px tall, those of a
phone photo 80 px. Tesseract reads best at 25–35 px, so the picture is scaled to that glyph height
(measured from the ink's connected components) before the page is uprighted and read.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from originproof.evidence.common import ocr as O
from originproof.facts.documents import Receipt
from originproof.registry.countries import language_of

TARGET_GLYPH_PX = 30.0
MAX_SIDE = 3600


def glyph_height(gray: np.ndarray) -> float | None:
    """Median height (px) of the text-like connected components of dark ink."""
    import cv2
    h, w = gray.shape[:2]
    s = min(1.0, 1600 / max(h, w))
    g = cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA) if s < 1 else gray
    bw = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    n, _l, st, _c = cv2.connectedComponentsWithStats(bw, connectivity=8)
    hs = [st[k, 3] for k in range(1, n) if 4 <= st[k, 3] <= g.shape[0] / 8 and st[k, 2] <= 3 * st[k, 3]
          and st[k, 4] >= 0.12 * st[k, 2] * st[k, 3] and st[k, 2] >= 2]
    if len(hs) < 15:
        return None
    return float(np.median(hs)) / s


def scale_for_ocr(gray: np.ndarray) -> tuple[np.ndarray, float]:
    import cv2
    gh = glyph_height(gray)
    if gh is None:
        return gray, 1.0
    s = float(np.clip(TARGET_GLYPH_PX / gh, 0.25, 3.0))
    h, w = gray.shape[:2]
    s = min(s, MAX_SIDE / max(h, w)) if s > 1 else s
    if 0.87 <= s <= 1.15:
        return gray, 1.0
    out = cv2.resize(gray, (max(1, int(w * s)), max(1, int(h * s))),
                     interpolation=cv2.INTER_CUBIC if s > 1 else cv2.INTER_AREA)
    return out, s


def receipt_lines_from_image(gray: np.ndarray, lang: str = "en", page: int = 1) -> list[Any]:
    """OCR lines of a receipt picture, boxes in the picture's own pixels."""
    img, s = scale_for_ocr(gray)
    res = O.ocr_upright(img, lang, page)  # (lines, image read, angle, matrix, …)
    lines, M = res[0], res[3]
    O.map_back(lines, M, 1.0 / s)
    return lines


def rapid_lines(gray: np.ndarray, page: int = 1) -> list[Any]:
    """PP-OCR (RapidOCR) lines of the picture at most 1600 px on its long side, boxes in its pixels.
    It reads small thermal-print digits better than Tesseract but runs words together."""
    import cv2
    h, w = gray.shape[:2]
    s = min(1.0, 1600 / max(h, w))
    g = cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA) if s < 1 else gray
    lines = O.ocr_rapid(g, page)
    if s < 1:
        for l in lines:
            l.bbox = [v / s for v in l.bbox]
            l.words = [(wd, [v / s for v in b]) for wd, b in l.words]
    return lines


# Which engine's value stands when the two disagree and nothing on the receipt decides (measured on
# real receipts: PP-OCR for names and dates, Tesseract for amounts, whose rows it keeps together).
PREFER = {"store_name": "b", "date": "b", "total": "a"}


def read_receipt_image(gray: np.ndarray, country: str | None = None, *, file: str | None = None,
                       registry: Any = None, lang: str | None = None, second_engine: bool = True,
                       expect_date: Any = None) -> Receipt:
    """Tesseract in the receipt's language, and for Latin-script receipts PP-OCR as a second reading,
    each parsed; the two readings are agreed field by field (`agree`)."""
    from originproof.evidence.receipts.agree import agree
    from originproof.evidence.receipts.parse import parse_receipt
    lang = lang or language_of(country)
    lines = receipt_lines_from_image(gray, lang)
    if lang not in ("ja", "ko", "zh"):
        sc = O.script_of("\n".join(l.text for l in lines))
        if sc in ("ja", "ko"):
            lang = sc
            lines = receipt_lines_from_image(gray, sc)
    rc = parse_receipt(lines, country, file=file, registry=registry, expect_date=expect_date)
    if second_engine and lang not in ("ja", "ko"):  # PP-OCR's models read neither kana nor Hangul
        try:
            rb = parse_receipt(rapid_lines(gray), country, file=file, registry=registry, expect_date=expect_date)
            rc = agree(rc, rb, prefer=PREFER)
        except Exception as e:  # noqa: BLE001 — the second engine is a help, never a requirement
            rc.notes.append(f"second OCR engine failed: {type(e).__name__}")
    rc.files = [file] if file else []
    rc.reader = "receipt-image"
    return rc


def read_receipt_file(path: Any, country: str | None = None, *, registry: Any = None,
                      expect_date: Any = None, name: str | None = None) -> Receipt:
    """A receipt photo or scan on disk → `Receipt` (the one entry point for receipt pictures: the documents
    reader, the receipt benchmark). `name` is the file as the dossier calls it (for the facts' pointers);
    the EXIF orientation of a phone photo is applied before reading."""
    from pathlib import Path

    from originproof.evidence.common.ocr import load_image
    p = Path(path)
    return read_receipt_image(load_image(p), country, file=name or p.name, registry=registry, expect_date=expect_date)
