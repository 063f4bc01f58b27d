"""Lines of text with positions, from a PDF's text layer or from OCR of a page image.

One engine per script: RapidOCR (PP-OCR, Chinese + Latin) for Chinese pages, Tesseract for
Japanese (RapidOCR garbles kana), Korean (RapidOCR cannot read Hangul) and the Latin-script
languages (RapidOCR drops the spaces between words, which legal names need). Each page is OCRed
once, after rotation (0/90/180/270) and skew are corrected.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's OpenMP is 6–8× slower on small boxes


@dataclass
class OcrLine:
    """One line of text. bbox [x0,y0,x1,y1], origin top-left, PDF points (text layer) or pixels."""

    text: str
    bbox: list[float]
    confidence: float = 1.0
    page: int = 1
    words: list[tuple[str, list[float]]] = field(default_factory=list)

    def span_bbox(self, start: int, end: int) -> list[float]:
        """The box of characters [start, end) of `text` (from word boxes when known)."""
        if start <= 0 and end >= len(self.text):
            return list(self.bbox)
        if self.words:
            pos, boxes = 0, []
            for w, b in self.words:
                i = self.text.find(w, pos)
                if i < 0:
                    continue
                j = i + len(w)
                if j > start and i < end:
                    boxes.append(b)
                pos = j
            if boxes:
                return [min(b[0] for b in boxes), min(b[1] for b in boxes),
                        max(b[2] for b in boxes), max(b[3] for b in boxes)]
        n = max(1, len(self.text))
        x0, y0, x1, y1 = self.bbox
        w = x1 - x0
        return [x0 + w * start / n, y0, x0 + w * min(end, n) / n, y1]


# ----------------------------------------------------------------------------- text layer
def pdf_text_lines(doc: Any, page_index: int) -> list[OcrLine]:
    """Lines from a PDF page's text layer (PyMuPDF words, grouped by block/line)."""
    import pymupdf
    page = doc[page_index]
    # One extraction serves the words and the look for unmapped glyphs (and numbers blocks and lines alike).
    tp = page.get_textpage(flags=pymupdf.TEXTFLAGS_WORDS)
    groups: dict[tuple[int, int], list] = {}
    for x0, y0, x1, y1, w, b, ln, _wn in page.get_text("words", textpage=tp):
        groups.setdefault((b, ln), []).append((x0, y0, x1, y1, w))
    damaged = _unmapped_lines(page, tp)
    lines = []
    for (b, ln), ws in groups.items():
        ws.sort(key=lambda t: t[0])
        text = " ".join(w[4] for w in ws)
        bbox = [min(w[0] for w in ws), min(w[1] for w in ws), max(w[2] for w in ws), max(w[3] for w in ws)]
        # A glyph its font maps to no character (NUL, U+FFFD, a private-use code) is a character the text
        # layer does not give — the words split there ("上海澄源国 易有限公司"): the line is no confident read.
        conf = DAMAGED_TEXT if (b, ln) in damaged else 1.0
        lines.append(OcrLine(text, bbox, conf, page_index + 1, [(w[4], list(w[:4])) for w in ws]))
    return merge_rows(lines)


def _unmapped_lines(page: Any, tp: Any) -> set[tuple[int, int]]:
    """(block, line) numbers, as the words of text page `tp` count them, of the lines holding an unmapped
    glyph; the characters are looked at only on a page whose text holds one."""
    if not UNMAPPED.search(page.get_text("text", textpage=tp)):
        return set()
    return {(bi, li) for bi, b in enumerate(page.get_text("rawdict", textpage=tp)["blocks"])
            for li, l in enumerate(b.get("lines", []))
            if any(UNMAPPED.match(ch["c"]) for s in l["spans"] for ch in s["chars"])}


UNMAPPED = re.compile("[\x00-\x08\x0b-\x1f\ufffd\ue000-\uf8ff]")
DAMAGED_TEXT = 0.3


def merge_rows(lines: list[OcrLine], tol: float = 0.5) -> list[OcrLine]:
    """Join fragments that sit on one baseline (a label and its value drawn separately)."""
    lines = sorted(lines, key=lambda l: (l.page, (l.bbox[1] + l.bbox[3]) / 2, l.bbox[0]))
    out: list[OcrLine] = []
    for l in lines:
        if out:
            p = out[-1]
            h = max(1.0, min(p.bbox[3] - p.bbox[1], l.bbox[3] - l.bbox[1]))
            if p.page == l.page and abs((p.bbox[1] + p.bbox[3]) / 2 - (l.bbox[1] + l.bbox[3]) / 2) < tol * h \
                    and l.bbox[0] >= p.bbox[2] - 2:
                gap = "   " if l.bbox[0] - p.bbox[2] > 2.5 * h else " "
                p.text = p.text + gap + l.text
                p.words = p.words + l.words
                p.bbox = [min(p.bbox[0], l.bbox[0]), min(p.bbox[1], l.bbox[1]), max(p.bbox[2], l.bbox[2]),
                          max(p.bbox[3], l.bbox[3])]
                p.confidence = min(p.confidence, l.confidence)
                continue
        out.append(OcrLine(l.text, list(l.bbox), l.confidence, l.page, list(l.words)))
    return out


# ----------------------------------------------------------------------------- image prep
def to_gray(img: Any) -> np.ndarray:
    from PIL import Image
    if isinstance(img, Image.Image):
        return np.asarray(img.convert("L"))
    a = np.asarray(img)
    if a.ndim == 3:
        import cv2
        return cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)
    return a


def _ink(gray: np.ndarray, max_side: int = 900) -> np.ndarray:
    import cv2
    h, w = gray.shape
    s = min(1.0, max_side / max(h, w))
    small = cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA) if s < 1 else gray
    # Local threshold: a dark desk around a photographed sheet is not ink, only strokes are.
    bw = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 12)
    return bw


def _profile_score(bw: np.ndarray) -> float:
    rows = bw.sum(axis=1).astype(np.float64)
    return float(np.var(np.diff(rows)))


def estimate_skew(gray: np.ndarray, limit: float = 6.0, step: float = 0.25) -> float:
    """Angle (degrees, counter-clockwise) that makes text rows horizontal: projection-profile search."""
    import cv2
    bw = _central(_ink(gray, 700), 0.1)
    h, w = bw.shape
    c = (w / 2, h / 2)
    best, best_a = -1.0, 0.0
    for a in np.arange(-limit, limit + 1e-9, step):
        m = cv2.getRotationMatrix2D(c, a, 1.0)
        r = cv2.warpAffine(bw, m, (w, h), flags=cv2.INTER_NEAREST)
        s = _profile_score(r)
        if s > best:
            best, best_a = s, float(a)
    return best_a


def _best_profile(bw: np.ndarray, limit: float = 4.0, step: float = 0.5) -> float:
    import cv2
    h, w = bw.shape
    best = 0.0
    for a in np.arange(-limit, limit + 1e-9, step):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), a, 1.0)
        best = max(best, _profile_score(cv2.warpAffine(bw, m, (w, h), flags=cv2.INTER_NEAREST)))
    return best


def quarter_turn_needed(gray: np.ndarray) -> bool:
    """True when text lines run vertically (the page is rotated 90/270): rows of a skewed page
    only line up after deskewing, so each orientation is scored at its best small angle."""
    bw = _central(_ink(gray, 600))
    return _best_profile(np.ascontiguousarray(bw.T)) > 1.15 * _best_profile(bw)


def _central(bw: np.ndarray, margin: float = 0.15) -> np.ndarray:
    """The middle of the page: a photo's sheet edges and desk would dominate the row profiles."""
    h, w = bw.shape
    return np.ascontiguousarray(bw[int(h * margin):int(h * (1 - margin)), int(w * margin):int(w * (1 - margin))])


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate counter-clockwise by `angle` degrees, expanding the canvas, white fill."""
    import cv2
    if angle % 360 == 0:
        return gray
    if angle % 90 == 0:
        k = int(angle // 90) % 4
        return np.ascontiguousarray(np.rot90(gray, k))
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    # Cubic, not bilinear: a deskew of half a degree with bilinear blur turned "2025년 12월" into "20254 128".
    return cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_CUBIC, borderValue=255)


OSD_SCRIPTS = {"Latin": "en", "Japanese": "ja", "Katakana": "ja", "Hiragana": "ja", "Hangul": "ko", "Korean": "ko",
               "Han": "zh", "Thai": "th"}


def detect_script_lang(gray: np.ndarray) -> str | None:
    """Reading language from Tesseract's script detection (2–4 s: only when nothing else tells us)."""
    import pytesseract
    from PIL import Image
    try:
        out = pytesseract.image_to_osd(Image.fromarray(gray), config="--psm 0 -c min_characters_to_try=10")
    except Exception:  # noqa: BLE001
        return None
    m = re.search(r"Script:\s*(\w+)", out)
    return OSD_SCRIPTS.get(m.group(1)) if m else None


def tesseract_osd_rotation(gray: np.ndarray) -> int | None:
    """Degrees to rotate counter-clockwise so the text is upright, per Tesseract OSD."""
    import pytesseract
    from PIL import Image
    try:
        out = pytesseract.image_to_osd(Image.fromarray(gray), config="--psm 0 -c min_characters_to_try=20")
    except Exception:  # noqa: BLE001 — too little text for OSD
        return None
    m = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not m or (conf and float(conf.group(1)) < 1.0):
        return None
    # OSD's "Rotate" is clockwise degrees to correct.
    return (360 - int(m.group(1))) % 360


def remove_rules(gray: np.ndarray) -> np.ndarray:
    """Whiten long horizontal/vertical rules: Tesseract merges a rule touching a text line into garbage."""
    import cv2
    # Local threshold: with uneven light (photos) a global one turns whole regions into "ink".
    bw = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = gray.shape
    horiz = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, w // 12), 1)))
    vert = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(40, h // 12))))
    mask = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    out = gray.copy()
    out[mask > 0] = 255
    return out


def _rot90_matrix(shape: tuple[int, ...], k: int) -> np.ndarray:
    """3×3 map of pixel coordinates under np.rot90(img, k) (counter-clockwise quarter turns)."""
    h, w = shape[:2]
    m = np.eye(3)
    for _ in range(k % 4):
        step = np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], dtype=float)
        m = step @ m
        h, w = w, h
    return m


def rotate_tracked(gray: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """`rotate`, plus the 3×3 matrix taking input pixel coordinates to output ones."""
    import cv2
    if angle % 360 == 0:
        return gray, np.eye(3)
    if angle % 90 == 0:
        k = int(angle // 90) % 4
        return np.ascontiguousarray(np.rot90(gray, k)), _rot90_matrix(gray.shape, k)
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_CUBIC, borderValue=255)
    return out, np.vstack([m, [0, 0, 1]])


def _order_quad(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def find_sheet(gray: np.ndarray) -> np.ndarray | None:
    """The four corners of a photographed sheet lying on a darker surface, in pixels; None for a scan
    (the page fills the image, or nothing around the sheet is darker than the sheet)."""
    import cv2
    h, w = gray.shape[:2]
    k = 900 / max(h, w)
    small = cv2.resize(gray, (max(1, int(w * k)), max(1, int(h * k))), interpolation=cv2.INTER_AREA)
    edges = cv2.dilate(cv2.Canny(cv2.GaussianBlur(small, (5, 5), 0), 40, 120), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    area = small.shape[0] * small.shape[1]
    best, best_mean = None, 0.0
    for c in sorted(contours, key=cv2.contourArea, reverse=True)[:12]:
        a = cv2.contourArea(c)
        if a < 0.15 * area or a > 0.97 * area:
            continue
        quad = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
        if len(quad) != 4 or not cv2.isContourConvex(quad):
            continue
        mask = np.zeros_like(small)
        cv2.fillConvexPoly(mask, quad.reshape(-1, 2), 255)
        inside = float(small[mask > 0].mean())
        pad = max(3, int(0.03 * max(small.shape)))
        ring = cv2.dilate(mask, np.ones((pad, pad), np.uint8)) & ~mask
        outside = float(small[ring > 0].mean()) if (ring > 0).any() else 255.0
        # A sheet is the brightest quad and clearly brighter than what lies right around it (a desk, a
        # board); a ruled box on the sheet has white paper around it, and on a scan nothing is cut.
        if outside < 0.8 * inside and inside > best_mean:
            best, best_mean = quad.reshape(4, 2).astype(np.float32) / k, inside
    return _order_quad(best) if best is not None else None


def flatten_sheet(gray: np.ndarray, min_height: int = 2600) -> tuple[np.ndarray, np.ndarray]:
    """A photographed sheet seen flat and upright-sized (perspective removed, small text enlarged),
    and the 3×3 map from the photo's pixels to the flat image's. A scan comes back unchanged."""
    import cv2
    quad = find_sheet(gray)
    if quad is None:
        return gray, np.eye(3)
    tl, tr, br, bl = quad
    wq = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    hq = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    scale = max(1.0, min_height / max(hq, 1.0)) if hq >= wq else max(1.0, min_height / max(wq, 1.0))
    W, H = int(wq * scale), int(hq * scale)
    dst = np.array([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]], dtype=np.float32)
    M = cv2.getPerspectiveTransform(quad, dst)
    flat = cv2.warpPerspective(gray, M, (W, H), flags=cv2.INTER_CUBIC, borderValue=255)
    # Even out the light over the sheet (shadows, vignetting): divide by the paper's own brightness,
    # estimated by closing the text away, so the paper reads white and the ink dark everywhere.
    bg = cv2.morphologyEx(flat, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    bg = cv2.GaussianBlur(bg, (0, 0), 15)
    flat = np.clip(flat.astype(np.float32) / np.maximum(bg.astype(np.float32), 1.0) * 255.0, 0, 255).astype(np.uint8)
    return unsharp(flat, sigma=min(4.0, max(1.5, 1.6 * scale))), M.astype(float)


def unsharp(gray: np.ndarray, sigma: float, amount: float = 1.0) -> np.ndarray:
    """Phone photos of paper are soft (focus, hand shake, and the enlargement above): an unsharp mask
    with a radius like the blur's restores the strokes Tesseract needs to tell small caption letters apart
    (on a blurred 8-pt caption: "Contguee Game, afte" → "Consignee (Name, address")."""
    import cv2
    blur = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + amount, blur, -amount, 0)


def upright(gray: np.ndarray, osd: bool = False) -> tuple[np.ndarray, float, np.ndarray]:
    """Correct quarter turns and skew (and, with `osd`, upside-down pages via Tesseract OSD, which
    costs 2–4 s here; `ocr_upright` instead reads once and re-reads turned over only when the
    text comes out as garbage). Returns the corrected image, the total CCW angle applied and the
    3×3 matrix from original to corrected pixel coordinates."""
    gray, M = flatten_sheet(gray)
    total = 0.0
    if quarter_turn_needed(gray):
        gray, m = rotate_tracked(gray, 90)
        M, total = m @ M, total + 90
    skew = estimate_skew(gray)
    if abs(skew) >= 0.2:
        gray, m = rotate_tracked(gray, skew)
        M, total = m @ M, total + skew
    if osd:
        o = tesseract_osd_rotation(gray)
        if o in (90, 180, 270):
            gray, m = rotate_tracked(gray, o)
            M, total = m @ M, total + o
    return gray, total, M


def map_back(lines: list[OcrLine], M: np.ndarray, scale: float = 1.0) -> None:
    """Express boxes read on the corrected image in the original page's coordinates (× scale)."""
    inv = np.linalg.inv(M)

    def tb(b: list[float]) -> list[float]:
        pts = np.array([[b[0], b[1], 1], [b[2], b[1], 1], [b[2], b[3], 1], [b[0], b[3], 1]], dtype=float).T
        q = inv @ pts
        q = q / q[2]  # a flattened photo maps back through a perspective, not only an affine, transform
        xs, ys = q[0] * scale, q[1] * scale
        return [float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())]
    for l in lines:
        l.bbox = tb(l.bbox)
        l.words = [(w, tb(b)) for w, b in l.words]


def quality(lines: list[OcrLine]) -> float:
    """Character-weighted mean confidence: upside-down or wrong-script reads score low."""
    n = sum(len(l.text) for l in lines)
    return sum(l.confidence * len(l.text) for l in lines) / n if n else 0.0


# How sure a read must be (character-weighted) before its orientation is believed. PP-OCR reads an
# upside-down Chinese form as confident garbage ("（） 饰 009 日" at 0.70, the page itself at 0.97), Tesseract
# as unsure garbage (~0.35): the bar is the engine's.
MIN_UPRIGHT_QUALITY = {"rapid": 0.85, "tesseract": 0.55}


def ocr_upright(gray: np.ndarray, lang: str, page: int = 1, min_quality: float | None = None
                ) -> tuple[list[OcrLine], np.ndarray, float, np.ndarray, np.ndarray]:
    """Upright the page, OCR it once; turn it over and re-read only when the first read is poor.
    Returns lines (boxes in the corrected image), the corrected image with its rules whitened (what
    was read), the angle, the matrix, and the corrected image with its rules (for the page's cells)."""
    if min_quality is None:
        min_quality = MIN_UPRIGHT_QUALITY[engine_for(lang)]
    # PP-OCR reads a page in batches: a read whose first batches are already garbage (the page upside
    # down) stops there and the next orientation is tried at once. Only when no orientation reaches the
    # bar are the abandoned ones read in full, so the best of all four is chosen as before.
    give_up = min_quality - GIVE_UP_MARGIN if engine_for(lang) == "rapid" else None
    ruled, angle, M = upright(gray)
    img = remove_rules(ruled)
    tried: list[tuple[list[OcrLine] | None, float, np.ndarray, float, np.ndarray, np.ndarray]] = []
    for turn in (0, 180, 90, 270):
        alt, m = rotate_tracked(img, turn) if turn else (img, np.eye(3))
        try:
            lines: list[OcrLine] | None = ocr_image(alt, lang, page, give_up_below=give_up)
            q = quality(lines)
        except GarbledRead as e:
            lines, q = None, e.quality
        tried.append((lines, q, alt, angle + turn, m @ M, turn))
        if lines is not None and q >= min_quality:
            break
    else:
        # No orientation reached the bar: the abandoned reads are finished, then the best is taken.
        tried = [(t[0] if t[0] is not None else ocr_image(t[2], lang, page), *t[1:]) for t in tried]
        tried = [(t[0], quality(t[0]), *t[2:]) for t in tried]
    best = max(tried, key=lambda t: t[1] if t[0] is not None else -1.0)  # max keeps the earliest of equals
    lines, _q, alt, ang, mm, turn = best
    assert lines is not None
    return lines, alt, ang, mm, rotate_tracked(ruled, turn)[0] if turn else ruled


GIVE_UP_MARGIN = 0.05


class GarbledRead(Exception):
    """A read abandoned after its first batches came out below the bar asked for (`quality`: theirs)."""

    def __init__(self, quality: float):
        super().__init__(f"garbled read ({quality:.2f})")
        self.quality = quality


# ----------------------------------------------------------------------------- engines
_rapid = None
ORT_THREADS = max(1, int(os.environ.get("ORIGINPROOF_OCR_THREADS", "1")))
_rapid_lock = threading.Lock()


def _rapidocr():
    global _rapid
    with _rapid_lock:
        if _rapid is None:
            from rapidocr_onnxruntime import RapidOCR
            from rapidocr_onnxruntime.utils.infer_engine import OrtInferSession
            # One thread per engine: readers already run one process per core, and onnxruntime's own
            # pool (spinning workers on every core) slows each page several-fold on a shared machine.
            plain = OrtInferSession.__dict__["_init_sess_opts"]
            OrtInferSession._init_sess_opts = staticmethod(_with_arena(plain.__func__))
            try:
                _rapid = RapidOCR(intra_op_num_threads=ORT_THREADS, inter_op_num_threads=1)
            finally:
                OrtInferSession._init_sess_opts = plain
    return _rapid


def _with_arena(make: Any) -> Any:
    """RapidOCR's session options, with onnxruntime's memory arena (and so its memory plan) back on for the
    detector: the library turns it off, and every page's detection then allocates and page-faults its
    page-sized tensors afresh (measured: a page's detection ~1.1 → ~0.9 s of CPU; the same boxes, only
    where the tensors live changes). It keeps ~0.4 GB resident per process once a page was read. The
    recogniser's small tensors gain nothing from it and keep the library's setting."""
    def opts(config: Any) -> Any:
        so = make(config)
        if "_det_" in Path(str(config.get("model_path", ""))).name:
            so.enable_cpu_mem_arena = True
        return so
    return opts


# PP-OCR's recogniser scales every text line to its own height, so a page larger than this long side
# only costs time: 7-pt captions stay legible at ~150 dpi (measured: 1.45x faster on a 200-dpi A4 page,
# same text; at ~120 dpi characters of an 18-character USCC start to drop). The detector runs at this
# size too: run on a 1280-px copy (~0.65 instead of ~1.05 s a page) its boxes come out taller, a goods
# row's item number and HS code merge ("13304990099"), and own customs forms lost fields (photos 117 →
# 114 of 120; scans 116 → 116) — not worth it.
RAPID_MAX_SIDE = 1650


def ocr_rapid(gray: np.ndarray, page: int = 1, latin_to: Any = None, give_up_below: float | None = None
              ) -> list[OcrLine]:
    """PP-OCR (Chinese and Latin). With `latin_to`, a page whose text turns out to be Latin only (an annex
    in English) is handed to that reader instead: Tesseract reads Latin text better and ~3× cheaper."""
    import cv2
    k = min(1.0, RAPID_MAX_SIDE / max(gray.shape[:2]))
    small = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1.0 else gray
    lines = _rapid_lines(small, page, spot_latin=latin_to is not None, give_up_below=give_up_below)
    if lines is None:
        return latin_to(gray)
    if k < 1.0:
        for l in lines:
            l.bbox = [v / k for v in l.bbox]
            l.words = [(w, [v / k for v in b]) for w, b in l.words]
    return lines


def _rapid_lines(gray: np.ndarray, page: int, spot_latin: bool, give_up_below: float | None = None
                 ) -> list[OcrLine] | None:
    """PP-OCR's lines of an image no larger than `RAPID_MAX_SIDE`; None for a Latin page when asked to
    spot one."""
    eng = _rapidocr()
    img = np.stack([gray] * 3, axis=-1) if gray.ndim == 2 else gray
    # No angle classifier: an upside-down page must read as garbage, so `ocr_upright` turns it over
    # (the classifier would flip each line and leave the page's line order reversed).
    boxes, _ = eng.auto_text_det(img)
    if boxes is None:
        return []
    crops = eng.get_crop_img_list(img, boxes)
    if spot_latin and _latin_page(eng, crops):
        return None
    pieces, owners = [], []
    for i, crop in enumerate(crops):
        for x0, x1, gap in rec_chunks(crop):
            pieces.append(crop[:, x0:x1])
            owners.append((i, x0, x1, gap))
    rec = _recognise(eng, pieces, give_up_below)
    words: dict[int, list[tuple[str, float, list[float], bool]]] = {}
    for (i, x0, x1, gap), r in zip(owners, rec):
        text, conf = str(r[0]).strip(), float(r[1])
        if not text or conf < eng.text_score:
            continue
        xs, ys = boxes[i][:, 0], boxes[i][:, 1]
        k = (float(xs.max()) - float(xs.min())) / max(1, crops[i].shape[1])
        wb = [float(xs.min()) + x0 * k, float(ys.min()), float(xs.min()) + x1 * k, float(ys.max())]
        words.setdefault(i, []).append((text, conf, wb, gap))
    lines = []
    for ws in words.values():
        # The detector's box, cut where the ink leaves gaps, gives the words; a row merged from
        # fragments can be cut again by the page model.
        text = "".join((" " if j and gap else "") + t for j, (t, _c, _b, gap) in enumerate(ws))
        box = [min(b[0] for *_x, b, _g in ws), min(b[1] for *_x, b, _g in ws),
               max(b[2] for *_x, b, _g in ws), max(b[3] for *_x, b, _g in ws)]
        conf = sum(c * len(t) for t, c, _b, _g in ws) / max(1, sum(len(t) for t, *_r in ws))
        lines.append(OcrLine(text, box, conf, page, [(t, list(b)) for t, _c, b, _g in ws]))
    return merge_rows(lines)


def _recognise(eng: Any, pieces: list[np.ndarray], give_up_below: float | None = None) -> list[tuple[str, float]]:
    """`eng.text_rec(pieces)`, one of its batches at a time. The recogniser pads a batch to its widest
    piece, so a piece's read depends on its batch: the batches are its own (pieces by width, six at a
    time), and each piece reads as in one call. With `give_up_below`, two batches from the middle of the
    widths are read first; when their characters' mean confidence is under it, `GarbledRead` is raised
    and the rest is never read (an upside-down page: see `ocr_upright`)."""
    order = np.argsort(np.array([p.shape[1] / float(p.shape[0]) for p in pieces]))
    size = int(getattr(eng.text_rec, "rec_batch_num", 6))
    batches = [order[i:i + size] for i in range(0, len(order), size)]
    out: list[Any] = [("", 0.0)] * len(pieces)

    def read(batch: np.ndarray) -> None:
        rec, _ = eng.text_rec([pieces[j] for j in batch])
        for j, r in zip(batch, rec):
            out[j] = r
    first = sorted({len(batches) // 3, 2 * len(batches) // 3}) if give_up_below is not None and len(batches) >= 3 else []
    for b in first:
        read(batches[b])
    if first:
        got = [(str(out[j][0]).strip(), float(out[j][1])) for b in first for j in batches[b]]
        kept = [(t, c) for t, c in got if t and c >= eng.text_score]  # what a line would keep
        # Upside down, most pieces read as nothing the recogniser stands by (upright: all of them): each
        # piece it drops counts as one character read with no confidence.
        n = sum(len(t) for t, _c in kept) + len(got) - len(kept)
        q = sum(c * len(t) for t, c in kept) / n if n else 0.0
        if q < give_up_below:
            raise GarbledRead(q)
    for b, batch in enumerate(batches):
        if b not in first:
            read(batch)
    return out


LATIN_SAMPLE = 60
LATIN_PER_STRIP = 2  # heads side by side in one line for the recogniser
LATIN_BATCH = 3  # strips a time: 6 heads, as many as the recogniser's own batch held before


def _latin_page(eng: Any, crops: list[np.ndarray]) -> bool:
    """Read the head (three heights wide) of every text box, up to 60 spread over the page: Latin letters
    and no Han, kana or Hangul in any of them means a Latin page. Every box counts, not only the long ones:
    on a Chinese form the long boxes may all be goods names in Latin script and the captions short."""
    if len(crops) < 4:
        return False
    step = max(1, len(crops) // LATIN_SAMPLE)
    sample = [c[:, : max(1, min(c.shape[1], 3 * c.shape[0]))] for c in crops[::step]]
    strips = _strips(sample, LATIN_PER_STRIP)
    text = ""
    # A few heads at a time, in reading order: on a Chinese page the first few already hold Han (the
    # form's title), so the rest of the sample is never read.
    for k in range(0, len(strips), LATIN_BATCH):
        rec, _ = eng.text_rec(strips[k:k + LATIN_BATCH])
        part = "".join(str(r[0]) for r in rec)
        if any(0x3040 <= ord(ch) <= 0x30FF or 0x3400 <= ord(ch) <= 0x9FFF or 0xAC00 <= ord(ch) <= 0xD7AF
               for ch in part):
            return False  # Han, kana or Hangul (full-width punctuation alone proves nothing)
        text += part
    return sum(ch.isascii() and ch.isalpha() for ch in text) >= 12


REC_HEIGHT = 48  # the recogniser's input height


def _strips(heads: list[np.ndarray], per: int) -> list[np.ndarray]:
    """`per` heads at a time set side by side at the recogniser's height, a half-height of white between
    them: the recogniser pads every line to at least 6.7 heights, so a lone head of three costs as much
    as two (only the script is wanted here, not where one head's text ends)."""
    import cv2
    out = []
    for i in range(0, len(heads), per):
        parts: list[np.ndarray] = []
        for c in heads[i:i + per]:
            c = np.stack([c] * 3, axis=-1) if c.ndim == 2 else c
            w = max(1, round(c.shape[1] * REC_HEIGHT / max(1, c.shape[0])))
            if parts:
                parts.append(np.full((REC_HEIGHT, REC_HEIGHT // 2, 3), 255, np.uint8))
            parts.append(cv2.resize(c, (w, REC_HEIGHT)))
        out.append(np.hstack(parts))
    return out


# PP-OCR's recogniser attends over the whole width of a text box, so a box spanning a form's row costs
# far more than its pieces: long boxes are cut at gaps in the ink into pieces of at most this many
# heights (measured on a scanned customs form: 34 row-wide boxes 27 s → 166 pieces 8.7 s, same text).
REC_MAX_RATIO = 10.0


def rec_chunks(crop: np.ndarray) -> list[tuple[int, int, bool]]:
    """(x0, x1, follows a word gap) pieces of one text-box crop: cut at every gap in the ink as wide as the
    text is high (the detector joins a table's cells when they sit close: "1  3304990099" must stay two
    cells), then pieces still longer than `REC_MAX_RATIO` heights at their widest gap, or at their faintest
    column when they have none."""
    h, w = crop.shape[:2]
    g = crop.mean(axis=2) if crop.ndim == 3 else crop.astype(float)
    ink = (g < min(200.0, float(g.mean()) - 25.0)).sum(axis=0)
    blank = ink <= 0
    runs, pos = [], 0
    while pos < w:  # blank runs as (start, end)
        if blank[pos]:
            end = pos
            while end < w and blank[end]:
                end += 1
            runs.append((pos, end))
            pos = end
        else:
            pos += 1
    segments, start = [], 0
    for a, b in runs:
        if b - a >= 0.8 * h and a > start:
            segments.append((start, a))
            start = b
    if start < w:
        segments.append((start, w))
    out: list[tuple[int, int, bool]] = []
    longest = int(REC_MAX_RATIO * h)
    for n, (s0, s1) in enumerate(segments):
        gap_before, cur = n > 0, s0
        while s1 - cur > longest:
            lo, hi = cur + longest // 3, cur + longest
            inside = [(b - a, (a + b) // 2) for a, b in runs if a >= lo and b <= hi]
            best_len, best = max(inside) if inside else (0, lo + int(np.argmin(ink[lo:hi])))
            out.append((cur, best, gap_before))
            gap_before, cur = best_len >= 0.3 * h, best
        out.append((cur, s1, gap_before))
    return out or [(0, w, False)]


TESS_LANG = {"ja": "jpn+eng", "ko": "kor+eng", "de": "deu+eng", "fr": "fra+eng", "it": "ita+eng", "es": "spa+eng",
             "nl": "nld+eng", "th": "tha+eng", "en": "eng", "zh": "chi_sim+eng"}


def ocr_tesseract(gray: np.ndarray, lang: str = "en", page: int = 1, psm: int = 6,
                  kept_loaded: bool = False) -> list[OcrLine]:
    """Lines of Tesseract's words (`kept_loaded`: the in-process library, see `tess`)."""
    from originproof.evidence.common import tess
    code = TESS_LANG.get(lang, lang)
    groups = tess.words(gray, code, psm, kept_loaded)
    if lang not in ("ja", "zh", "ko"):  # a Tesseract code given for the language: its script decides
        lang = {"jpn": "ja", "kor": "ko", "chi_sim": "zh"}.get(code.split("+")[0], lang)
    lines = []
    # Tesseract spaces out CJK characters. Chinese and Japanese print no spaces between words; Korean
    # does, but Tesseract also cuts Korean words into syllables: a space stands there only where the ink
    # leaves a gap of a space's width (a third of the line's height).
    cjk = lang in ("ja", "zh", "ko")
    for ws in groups.values():
        ws.sort(key=lambda t: t[1][0])
        height = float(np.median([b[3] - b[1] for _w, b, _c in ws]))
        parts = []
        for j, (w, b, _c) in enumerate(ws):
            glued = j and cjk and _is_cjk(parts[-1][-1]) and _is_cjk(w[0])
            if glued and lang == "ko":
                glued = b[0] - ws[j - 1][1][2] < height / 3
            parts.append(w if glued else (" " if j else "") + w)
        text = "".join(parts)
        confs = [max(0.0, c) / 100 for _w, _b, c in ws]
        bbox = [min(b[0] for _w, b, _c in ws), min(b[1] for _w, b, _c in ws),
                max(b[2] for _w, b, _c in ws), max(b[3] for _w, b, _c in ws)]
        lines.append(OcrLine(text, bbox, float(np.mean(confs)) if confs else 0.0, page, [(w, b) for w, b, _c in ws]))
    return merge_rows(lines)


def second_read(crop: np.ndarray, first_engine: str, lang: str = "en") -> str:
    """One text line read again by the engine that did *not* read the page (PP-OCR's recogniser or
    Tesseract in single-line mode): two independent engines agreeing on a value is evidence that one
    engine's low confidence is not."""
    if crop.size == 0 or min(crop.shape[:2]) < 6:
        return ""
    if first_engine == "tesseract":
        ink = _ink_box(crop)
        if ink is None:
            return ""
        # The recogniser wants the ink's own box (as its detector would give it), not the margin around it.
        tight = crop[ink[1]:ink[3], ink[0]:ink[2]]
        img = np.stack([tight] * 3, axis=-1) if tight.ndim == 2 else tight
        rec, _ = _rapidocr().text_rec([img[:, x0:x1] for x0, x1, _g in rec_chunks(tight)])
        return " ".join(str(r[0]).strip() for r in rec if str(r[0]).strip())
    from originproof.evidence.common import tess
    found = tess.words(crop, TESS_LANG.get(lang, lang), psm=7)
    return " ".join(w for key in sorted(found) for w, _b, _c in found[key])


def _ink_box(gray: np.ndarray, pad: int = 2) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around the dark ink of a crop (Otsu's threshold), padded a little."""
    import cv2
    g = gray if gray.ndim == 2 else cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    _t, bw = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(bw)
    if len(xs) < 8:
        return None
    h, w = g.shape
    return (max(0, int(xs.min()) - pad), max(0, int(ys.min()) - pad), min(w, int(xs.max()) + pad + 1),
            min(h, int(ys.max()) + pad + 1))


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def engine_for(lang: str) -> str:
    return "rapid" if lang == "zh" else "tesseract"


def ocr_image(gray: np.ndarray, lang: str, page: int = 1, give_up_below: float | None = None) -> list[OcrLine]:
    """`give_up_below`: PP-OCR raises `GarbledRead` when its first batches read below it (see `_recognise`)."""
    if engine_for(lang) == "rapid":
        return ocr_rapid(gray, page, latin_to=lambda g: ocr_tesseract(g, "en", page), give_up_below=give_up_below)
    return ocr_tesseract(gray, lang, page)


def script_of(text: str) -> str:
    """Dominant script of a text: 'ko', 'ja' (kana present), 'zh' (Han only) or 'latin'."""
    hangul = len(re.findall(r"[\uac00-\ud7af]", text))
    kana = len(re.findall(r"[\u3040-\u30ff]", text))
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    if hangul >= 3 and hangul >= kana:
        return "ko"
    if kana >= 3:
        return "ja"
    if han >= 6 and han * 2 >= latin / 3:
        return "zh"
    return "latin"


def load_image(path: Path) -> np.ndarray:
    from PIL import Image, ImageOps
    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        return to_gray(im.convert("RGB"))


def read_codes(gray: np.ndarray) -> list[tuple[str, str, list[float]]]:
    """QR / Data Matrix / PDF417 / linear codes on a page image: (format, text, bbox in pixels)."""
    try:
        import zxingcpp
    except ImportError:  # pragma: no cover
        return []
    out = []
    for r in zxingcpp.read_barcodes(gray):
        p = r.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        out.append((str(r.format), r.text, [float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))]))
    return out
