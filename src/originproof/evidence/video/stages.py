"""The purchase timeline: read the few frames where the camera pauses and say which stage each
shows — store (chain signage), shelf pick (the product's EAN barcode or brand name close to the
camera), payment (till total / payment words in the local language), receipt (a printed receipt
held to the camera, parsed with the documents' receipt parser).

Cost control: barcodes are read on every pause frame (zxing, a few ms); OCR runs once per pause
frame that shows text and no barcode, on the crop around the text lines only, with the engine
that reads the origin country's script (Tesseract jpn/kor for kana/Hangul; see evidence/common/ocr).
"""
from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from originproof.evidence.common.names import contains_name, fold

STAGE_ORDER = ("store", "shelf_pick", "payment", "receipt")
LANG = {"JP": "ja", "KR": "ko", "CN": "zh", "TW": "zh", "HK": "zh", "DE": "de", "AT": "de", "CH": "de", "FR": "fr",
        "BE": "fr", "IT": "it", "ES": "es", "NL": "nl", "TH": "th"}
PAY_RE = re.compile(
    r"(お会計|会計|合計|お支払|支払|お預り|ご請求|결제|합계|받을\s*금액|카드|payment|total|amount\s*due|to\s*pay|"
    r"\bpay\b|card|visa|bezahl|summe|gesamt|zu\s*zahlen|paiement|[àa]\s*payer|montant|totale|pagamento|"
    r"da\s*pagare|importe|pagar|合计|应付|支付|付款)", re.I)
DATE_RE = re.compile(r"(20\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}[./]\d{1,2}[./](20)?\d\d)")
AMOUNT_RE = re.compile(r"[¥￥₩$€£]\s*\d|\d[\d,.]*\s*(円|원|€|EUR|USD|GBP)")
BARCODE_FORMATS = None


@dataclass
class FrameRead:
    t: float
    barcodes: list[str] = field(default_factory=list)
    lines: list[Any] = field(default_factory=list)  # OcrLine, in full-frame pixels
    stage: str | None = None
    cue: str = ""
    confidence: float = 0.0
    thumb: str | None = None
    chain_id: str | None = None


def _formats():
    global BARCODE_FORMATS
    if BARCODE_FORMATS is None:
        import zxingcpp
        F = zxingcpp.BarcodeFormat
        BARCODE_FORMATS = F.EAN13 | F.EAN8 | F.UPCA | F.UPCE
    return BARCODE_FORMATS


def read_barcodes(gray: np.ndarray) -> list[str]:
    import zxingcpp
    try:
        return [b.text for b in zxingcpp.read_barcodes(gray, formats=_formats()) if b.valid]
    except Exception:  # noqa: BLE001
        return []


def text_region(gray: np.ndarray) -> tuple[list[int] | None, int, float]:
    """Bounding box [x0,y0,x1,y1] of text-like lines, their count and median height (pixels)."""
    h, w = gray.shape
    s = min(1.0, 640 / w)
    g = cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA) if s < 1 else gray
    grad = cv2.morphologyEx(g, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    _, bw = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    bw = cv2.morphologyEx(bw, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(7, g.shape[1] // 60), 1)))
    n, _lab, stats, _c = cv2.connectedComponentsWithStats(bw, connectivity=8)
    boxes = []
    for k in range(1, n):
        x, y, bw_, bh, area = stats[k]
        line_like = bw_ >= 1.6 * bh and area >= 0.25 * bw_ * bh
        glyph_like = bh >= 14 and bw_ >= 0.4 * bh and area >= 0.15 * bw_ * bh  # big sign letters, widely spaced
        if 5 <= bh <= g.shape[0] / 4 and (line_like or glyph_like) and bw_ < 0.98 * g.shape[1]:
            boxes.append((x, y, x + bw_, y + bh))
    if not boxes:
        return None, 0, 0.0
    x0 = min(b[0] for b in boxes); y0 = min(b[1] for b in boxes)
    x1 = max(b[2] for b in boxes); y1 = max(b[3] for b in boxes)
    med_h = float(np.median([b[3] - b[1] for b in boxes])) / s
    pad = int(med_h * 0.6)
    box = [max(0, int(x0 / s) - pad), max(0, int(y0 / s) - pad), min(w, int(x1 / s) + pad), min(h, int(y1 / s) + pad)]
    return box, len(boxes), med_h


def ocr_crop(gray: np.ndarray, box: list[int], line_h: float, lang: str) -> list[Any]:
    """OCR a crop, dark text on light, text scaled to ~32 px lines; lines back in frame pixels."""
    from originproof.evidence.common.ocr import ocr_image
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    scale = float(np.clip(32.0 / max(line_h, 1.0), 0.5, 3.0))
    if abs(scale - 1) > 0.15:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    else:
        scale = 1.0
    if float(np.median(crop)) < 110:  # light text on a dark sign or till display
        crop = 255 - crop
    lines = ocr_image(np.ascontiguousarray(crop), lang)
    for l in lines:
        l.bbox = [x0 + l.bbox[0] / scale, y0 + l.bbox[1] / scale, x0 + l.bbox[2] / scale, y0 + l.bbox[3] / scale]
        l.words = [(wd, [x0 + b[0] / scale, y0 + b[1] / scale, x0 + b[2] / scale, y0 + b[3] / scale]) for wd, b in l.words]
    return lines


def classify(fr: FrameRead, registry: Any, origin: str | None, brand_names: list[str]) -> None:
    texts = [l.text for l in fr.lines if l.text.strip()]
    joined = "\n".join(texts)
    if fr.barcodes:
        fr.stage, fr.cue, fr.confidence = "shelf_pick", f"EAN {fr.barcodes[0]}", 0.95
        return
    if len(texts) >= 4 and DATE_RE.search(joined) and (AMOUNT_RE.search(joined) or PAY_RE.search(joined)):
        fr.stage, fr.cue, fr.confidence = "receipt", "receipt: " + " / ".join(texts[:2]), 0.9
        return
    if PAY_RE.search(joined) and (AMOUNT_RE.search(joined) or re.search(r"\d", joined)):
        m = PAY_RE.search(joined)
        fr.stage, fr.cue, fr.confidence = "payment", f"OCR: {m.group(0)} …", 0.85
        return
    for b in brand_names:
        if b and len(fold(b)) >= 3 and contains_name(joined, b):
            fr.stage, fr.cue, fr.confidence = "shelf_pick", f"OCR: {b}", 0.8
            return
    for t in texts:
        ch, score = registry.match_chain(t, origin) if registry is not None else (None, 0)
        if ch is not None:
            fr.stage, fr.cue, fr.confidence, fr.chain_id = "store", f"OCR: {t.strip()}", min(0.95, score / 100), ch.id
            return


def thumbnail(rgb: np.ndarray, stage: str, t: float, sha: str, thumbs_dir: Path | None, width: int = 192) -> str:
    """A small JPEG of the frame: a file under `thumbs_dir` (its name is returned) or a data URI."""
    from PIL import Image
    h, w = rgb.shape[:2]
    im = Image.fromarray(rgb).resize((width, max(1, int(h * width / w))), Image.BILINEAR)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=70)
    if thumbs_dir is not None:
        thumbs_dir.mkdir(parents=True, exist_ok=True)
        name = f"{sha[:16]}_{stage}_{t:07.2f}.jpg"
        (thumbs_dir / name).write_bytes(buf.getvalue())
        return name
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
