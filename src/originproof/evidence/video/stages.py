"""The purchase timeline: read the few frames where the camera pauses and say which stage each
shows — store (chain signage), shelf pick (the product's EAN barcode or brand name close to the
camera), payment (till total / payment words in the local language), receipt (a printed receipt
held to the camera, parsed with the documents' receipt parser).

Cost control: barcodes are read on every pause frame (zxing EAN/UPC only, a few ms); OCR runs once
per pause frame that shows text and no barcode, on its text rows only — each cut out, scaled to
one glyph height (big sign letters garble Tesseract) and stacked into one small image — with the
engine that reads the origin country's script (Tesseract jpn/kor for kana/Hangul, evidence/common/ocr);
a sign or till (a few rows) with that script's model alone, a receipt with the script + English pair.
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

from originproof.text.names import contains_name, fold

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
    inverted: float = 0.0  # share of the text rows that are light on dark
    motion: float = 0.0  # camera motion at this frame (normalised mean |Δ|; a pause is < 0.22)
    receipt_like: bool = False


def _formats():
    global BARCODE_FORMATS
    if BARCODE_FORMATS is None:
        import zxingcpp
        F = zxingcpp.BarcodeFormat
        BARCODE_FORMATS = F.EAN13 | F.EAN8 | F.UPCA | F.UPCE
    return BARCODE_FORMATS


MAX_READ_W = 1920  # pause frames are read at most this wide (4K text is legible at half size)


def frame_gray(f: Any) -> np.ndarray:
    """Luma of a decoded frame as a uint8 array (the Y plane itself for 8-bit planar formats)."""
    w, h = f.width, f.height
    if w <= MAX_READ_W and f.format.name in ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p",
                                             "nv12", "nv21", "gray"):
        pl = f.planes[0]
        return np.frombuffer(pl, np.uint8).reshape(-1, pl.line_size)[:h, :w].copy()
    s = min(1.0, MAX_READ_W / w)
    return f.reformat(width=int(w * s) // 2 * 2, height=int(h * s) // 2 * 2, format="gray").to_ndarray()


def frame_thumb(f: Any, width: int = 192) -> np.ndarray:
    return f.reformat(width=width, height=max(2, int(f.height * width / f.width)) // 2 * 2, format="rgb24").to_ndarray()


def read_barcodes(gray: np.ndarray) -> list[str]:
    import zxingcpp
    try:
        return [b.text for b in zxingcpp.read_barcodes(gray, formats=_formats()) if b.valid]
    except Exception:  # noqa: BLE001
        return []


def text_rows(gray: np.ndarray, max_rows: int = 40) -> list[list[int]]:
    """Boxes [x0,y0,x1,y1] (frame pixels, top to bottom) of the text-like rows in a frame."""
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
            boxes.append([x, y, x + bw_, y + bh])
    # Components that share most of their height sit on one row (a sign's glyphs, a label and its price).
    rows: list[list[int]] = []
    for b in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        r = rows[-1] if rows else None
        if r is not None:
            ov = min(r[3], b[3]) - max(r[1], b[1])
            if ov >= 0.5 * min(r[3] - r[1], b[3] - b[1]):
                r[0], r[1], r[2], r[3] = min(r[0], b[0]), min(r[1], b[1]), max(r[2], b[2]), max(r[3], b[3])
                continue
        rows.append(list(b))
    rows = [r for r in rows if r[3] - r[1] >= 5]
    if len(rows) > max_rows:  # the tallest rows carry signs and totals
        rows = sorted(sorted(rows, key=lambda r: -(r[3] - r[1]))[:max_rows], key=lambda r: r[1])
    out = []
    for x0, y0, x1, y1 in rows:
        pad = int((y1 - y0) / s * 0.25) + 2
        out.append([max(0, int(x0 / s) - pad), max(0, int(y0 / s) - pad), min(w, int(x1 / s) + pad),
                    min(h, int(y1 / s) + pad)])
    return out


@dataclass
class Strip:
    box: list[int]  # in the frame
    top: int  # in the composite
    scale: float
    img: np.ndarray
    inverted: bool = False  # light text on a dark ground (a till or terminal display, a sign)


TARGET_ROW_PX = 34  # Tesseract reads CJK best with glyphs about 30 px tall; big sign letters garble


def _ink(crop: np.ndarray) -> tuple[np.ndarray, bool]:
    """Text pixels of a crop (Otsu; the text is the minority class) and whether it is light on dark."""
    thr, bw = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    light = float((bw > 0).mean()) < 0.5
    return (bw > 0) if light else (bw == 0), light


def split_rows(gray: np.ndarray, rows: list[list[int]]) -> list[list[int]]:
    """A box holding two lines of text (a sign's name over its Latin name, a label over its price) is also
    given cut at the blank rows between them, so each line is scaled to its own glyph height."""
    out = []
    for x0, y0, x1, y1 in rows:
        crop = gray[y0:y1, x0:x1]
        # Only tall boxes (a sign's block of lines): a line of CJK text has blank rows inside its glyphs.
        if crop.size == 0 or y1 - y0 < max(16, 0.1 * gray.shape[0]):
            out.append([x0, y0, x1, y1])
            continue
        ink, _light = _ink(crop)
        prof = ink.mean(axis=1)
        rule = prof > 0.8  # a sign's edge or a ruling line, not text
        body = prof[~rule & (prof > 0.005)]
        if len(body) == 0:
            out.append([x0, y0, x1, y1])
            continue
        on = (prof > max(0.01, 0.1 * float(np.median(body)))) & ~rule
        # A valley far below the ink around it separates two lines that nearly touch.
        span = max(4, (y1 - y0) // 10)
        near = np.array([float(prof[max(0, k - span):k + span + 1].max()) for k in range(len(prof))])
        on &= prof > 0.25 * np.minimum(near, 0.8)
        runs, k = [], 0
        n = len(on)
        while k < n:
            if on[k]:
                j = k
                while j < n and on[j]:
                    j += 1
                runs.append([k, j])
                k = j
            else:
                k += 1
        merged: list[list[int]] = []
        for r in runs:  # gaps of a pixel or two inside glyphs (accents, dakuten) do not split
            if merged and r[0] - merged[-1][1] <= 0:
                merged[-1][1] = r[1]
            else:
                merged.append(r)
        merged = [r for r in merged if r[1] - r[0] >= 5]

        def extent(r: list[int]) -> tuple[int, int]:
            cnt = ink[r[0]:r[1]].sum(axis=0)
            cols = np.flatnonzero((cnt >= 2) & (cnt < 0.9 * (r[1] - r[0])))  # full-height columns are edges
            return (int(cols[0]), int(cols[-1])) if len(cols) else (0, 0)

        def distinct(a: list[int], b: list[int]) -> bool:
            """Two lines, not two halves of one line's glyphs: other glyph heights or another span."""
            ha, hb = a[1] - a[0], b[1] - b[0]
            (ea0, ea1), (eb0, eb1) = extent(a), extent(b)
            inter = max(0, min(ea1, eb1) - max(ea0, eb0))
            union = max(ea1, eb1) - min(ea0, eb0) + 1
            return max(ha, hb) >= 1.5 * min(ha, hb) and (inter / union < 0.75 or max(ha, hb) >= 2.2 * min(ha, hb))
        lines_: list[list[int]] = []
        for r in merged:  # parts that are not distinct lines are one line (a glyph's own gaps)
            if lines_ and not distinct(lines_[-1], r):
                lines_[-1] = [lines_[-1][0], r[1]]
            else:
                lines_.append(list(r))
        out.append([x0, y0, x1, y1])
        if len(lines_) <= 1:
            continue
        # Both readings go to the OCR: the box whole (a script whose glyphs stack, as Hangul's do, must
        # not be cut) and its lines one by one.
        for a, b in lines_:
            pad = max(2, (b - a) // 4)
            out.append([x0, max(y0, y0 + a - pad), x1, min(y1, y0 + b + pad)])
    return out


def row_strips(gray: np.ndarray, rows: list[list[int]]) -> list[Strip]:
    """Each text row cut out, dark on light and scaled to one glyph height (small, kept for OCR)."""
    out, top = [], 0
    for x0, y0, x1, y1 in split_rows(gray, rows):
        crop = gray[y0:y1, x0:x1]
        if crop.size == 0:
            continue
        scale = float(np.clip(TARGET_ROW_PX * 1.5 / max(1, y1 - y0), 0.15, 3.0))  # the box has 25 % padding
        crop = cv2.resize(crop, (max(1, int(crop.shape[1] * scale)), max(1, int(crop.shape[0] * scale))),
                          interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
        ink_px, inv = _ink(crop)
        if float(ink_px.mean()) > 0.45:  # a bar or an edge, not a line of text
            continue
        if inv:  # light text on a dark sign or till display
            crop = 255 - crop
        # Stretch to black ink on a white ground: the composite around the rows is white.
        lo, hi = np.percentile(crop, (3, 60))
        crop = np.clip((crop.astype(np.float32) - lo) * (255.0 / max(hi - lo, 24.0)), 0, 255).astype(np.uint8)
        out.append(Strip(box=[x0, y0, x1, y1], top=top, scale=scale, img=crop, inverted=inv))
        top += crop.shape[0] + 20
    return out


# A sign or a till display (a few rows) is read with the script's own model alone: a second model
# (jpn+eng) reads every word twice. Receipts (many rows, Latin words and prices among the local
# script) get the full pair. The models stay loaded between calls (`evidence.common.tess`).
SINGLE_MODEL = {"ja": "jpn", "ko": "kor", "de": "deu", "fr": "fra", "it": "ita", "es": "spa", "nl": "nld", "th": "tha",
                "en": "eng"}
FEW_ROWS = 3
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]) (?=[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef])")


def _ocr(comp: np.ndarray, lang: str, rows: int) -> list[Any]:
    from functools import partial

    from originproof.evidence.common.ocr import engine_for, ocr_image, ocr_tesseract
    ocr_block = partial(ocr_tesseract, kept_loaded=True)
    single = SINGLE_MODEL.get(lang)
    if engine_for(lang) != "tesseract":
        return ocr_image(comp, lang)
    if rows > FEW_ROWS or single is None:
        return ocr_block(comp, lang)
    lines = ocr_block(comp, single)
    for l in lines:  # Tesseract spaces out CJK characters; the text has none there
        l.text = _CJK_GAP.sub("", l.text)
    return lines


def ocr_strips(strips: list[Strip], lang: str) -> list[Any]:
    """One OCR call on the rows stacked into one image; lines come back in frame pixels."""
    if not strips:
        return []
    m = 20  # white margin
    comp = np.full((strips[-1].top + strips[-1].img.shape[0] + 2 * m, max(s.img.shape[1] for s in strips) + 2 * m),
                   255, np.uint8)
    for s in strips:
        comp[m + s.top:m + s.top + s.img.shape[0], m:m + s.img.shape[1]] = s.img

    def back(b: list[float]) -> list[float]:
        cy = (b[1] + b[3]) / 2 - m
        s = min(strips, key=lambda s: 0 if s.top <= cy <= s.top + s.img.shape[0] else
                min(abs(cy - s.top), abs(cy - s.top - s.img.shape[0])))
        x0, y0 = s.box[0], s.box[1]
        return [round(x0 + (b[0] - m) / s.scale, 1), round(y0 + (b[1] - m - s.top) / s.scale, 1),
                round(x0 + (b[2] - m) / s.scale, 1), round(y0 + (b[3] - m - s.top) / s.scale, 1)]

    lines = _ocr(comp, lang, len(strips))
    for l in lines:
        l.words = [(wd, back(b)) for wd, b in l.words]
        l.bbox = back(l.bbox)
    return lines


TIME_RE = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*[:：]\s*[0-5]\d(?!\d)")
DECIMAL_RE = re.compile(r"\d[.,]\d\d(?!\d)|[¥￥₩]\s*\d|\d[\d,]*\s*(円|원)")
# What a printed receipt shows and a till display, a sign or a shelf does not (document-layouts §5).
RECEIPT_CUES = [
    DATE_RE,
    TIME_RE,
    re.compile(r"(sub\s*-?\s*total|小\s*計|소\s*계|zwischensumme|sous[\s-]*total|\btax\b|\bgst\b|mwst|\bvat\b|\btva\b|"
               r"消費税|内税|税込|부가세|과세|netto|brutto)", re.I),
    re.compile(r"(\babn\b|登録番号|사업자|siret|st\.?-?nr|ust-?id|\btse\b|\btel\b|tel[.:]|電話|☎|전화)", re.I),
    re.compile(r"\d+\s*[x×@]\s*[¥￥₩$€£]?\s*\d|\d\s*[点個개]\s*[x×]", re.I),
    re.compile(r"\b(jan|ean|gtin|upc)\b[^\d]{0,5}\d{8,13}|(?<!\d)\d{13}(?!\d)", re.I),
    re.compile(r"(tax\s*invoice|receipt|領\s*収|レシート|영수증|kassenbon|quittung|ticket|facture|scontrino|recibo)", re.I),
]


def receipt_cues(text: str) -> int:
    n = sum(1 for r in RECEIPT_CUES if r.search(text))
    return n + (1 if len(DECIMAL_RE.findall(text)) >= 2 else 0)


PRICE_TAG_RE = re.compile(r"([¥￥₩$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(円|원|€|EUR\b))")


def _repeated_label(texts: list[str]) -> str | None:
    """A label of 4+ letters that the frame shows twice or more (facings of one product on a shelf)."""
    words: dict[str, int] = {}
    for t in texts:
        for w in re.findall(r"[^\W\d_]{4,}", t):
            words[w] = words.get(w, 0) + 1
        for w in re.findall(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]{4,}", t):  # CJK runs
            for k in range(0, len(w) - 3):
                words[w[k:k + 4]] = words.get(w[k:k + 4], 0) + 1
    words = {w: n for w, n in words.items() if len(set(w)) >= 3}  # not a rule of dashes or a stutter
    best = max(words.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] >= 2 else None


_CHAIN_MEMO: dict[tuple[int, str, str | None], tuple[Any, float]] = {}


def _match_chain(registry: Any, text: str, origin: str | None) -> tuple[Any, float]:
    """`registry.match_chain`, remembered: a frame is classified again each time the budget is weighed
    (and the same sign is read in many frames), and each match compares the line with every chain name."""
    if registry is None:
        return None, 0.0
    key = (id(registry), text, origin)
    hit = _CHAIN_MEMO.get(key)
    if hit is None:
        if len(_CHAIN_MEMO) > 4096:
            _CHAIN_MEMO.clear()
        hit = _CHAIN_MEMO[key] = registry.match_chain(text, origin)
    return hit


def classify(fr: FrameRead, registry: Any, origin: str | None, brand_names: list[str]) -> None:
    fr.stage, fr.cue, fr.confidence, fr.chain_id, fr.receipt_like = None, "", 0.0, None, False
    texts = [l.text for l in fr.lines if l.text.strip()]
    joined = "\n".join(texts)
    if fr.barcodes:
        fr.stage, fr.cue, fr.confidence = "shelf_pick", f"EAN {fr.barcodes[0]}", 0.95
        return
    dark = fr.inverted >= 0.5  # a display: light text on a dark ground
    cues = receipt_cues(joined)
    if not dark and ((len(texts) >= 3 and cues >= 2) or (len(texts) >= 2 and cues >= 3)):
        fr.stage, fr.cue, fr.confidence = "receipt", "receipt: " + " / ".join(texts[:2]), min(0.95, 0.75 + 0.05 * cues)
        fr.receipt_like = True
        return
    m = PAY_RE.search(joined)
    if m and re.search(r"\d", joined) and (dark or (len(texts) <= 4 and cues == 0)):
        fr.stage, fr.cue, fr.confidence = "payment", f"OCR: {m.group(0)} …", 0.85
        return
    for b in brand_names:
        if b and len(fold(b)) >= 3 and contains_name(joined, b):
            fr.stage, fr.cue, fr.confidence = "shelf_pick", f"OCR: {b}", 0.8
            return
    # A banner may wrap onto a second row ("dm-drogerie" / "markt"): neighbouring rows are tried joined.
    for t in texts + [f"{a} {b}" for a, b in zip(texts, texts[1:])]:
        ch, score = _match_chain(registry, t, origin)
        if ch is not None:
            fr.stage, fr.cue, fr.confidence, fr.chain_id = "store", f"OCR: {t.strip()}", min(0.95, score / 100), ch.id
            return
    # A shelf: the same product label repeated along it, or price tags, on text that is neither a till
    # display nor a receipt.
    if not dark and cues <= 1:
        rep = _repeated_label(texts)
        if rep:
            fr.stage, fr.cue, fr.confidence = "shelf_pick", f"OCR: shelf of “{rep}”", 0.8
            return
        pm = PRICE_TAG_RE.search(joined)
        if pm and len(texts) >= 2:
            fr.stage, fr.cue, fr.confidence = "shelf_pick", f"OCR: price tag {pm.group(0).strip()}", 0.8
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
