"""Doubtful lines of a Tesseract page read again, enlarged, in one extra pass.

A page is read at the scale its body text wants, but forms print their captions (and stamps, footers)
in a much smaller type: on a phone photo a grid form's caption band comes out at ~12 px, where
Tesseract guesses ("sasnva" for 有効期限) with low confidence, and an unread caption leaves its value
unpaired. Read again at twice the size the same line is usually read right and with confidence.

Every doubtful line (below `DOUBTFUL`, of one text row's height) is cut out, enlarged, and the cuts are
stacked on one white canvas that Tesseract reads once: one call, not one per line. A line is replaced
only when its second reading is clearly more confident and keeps most of its characters; otherwise
the first reading stands, doubt and all.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from originproof.evidence.common.ocr import OcrLine, engine_for, ocr_tesseract

DOUBTFUL = 0.80  # the policy's bar for a read value: lines below it cannot support a finding
SCALE = 2.0
GAP = 24  # white between the stacked cuts, so that no two are read as one line
PAD = 4
GAIN = 0.05  # how much more confident the second reading must be to replace the first


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def reread_doubtful(img: np.ndarray, lines: list[OcrLine], lang: str, page: int = 1) -> list[OcrLine]:
    """`lines` with each doubtful one replaced by its reading at twice the size, where that is better."""
    import cv2
    if engine_for(lang) != "tesseract" or not lines or img is None or img.ndim != 2:
        return lines
    row = float(np.median([l.bbox[3] - l.bbox[1] for l in lines]))
    picks = [i for i, l in enumerate(lines) if l.confidence < DOUBTFUL and _alnum(l.text) >= 2
             and l.bbox[3] - l.bbox[1] <= 2.5 * row]
    if not picks:
        return lines
    h, w = img.shape
    cuts: list[tuple[int, int, int, int, int, np.ndarray]] = []  # (line, top on canvas, bottom, x0, y0, cut)
    top = GAP
    for i in picks:
        x0, y0, x1, y1 = (int(v) for v in lines[i].bbox)
        x0, y0, x1, y1 = max(0, x0 - PAD), max(0, y0 - PAD), min(w, x1 + PAD), min(h, y1 + PAD)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        cut = cv2.resize(img[y0:y1, x0:x1], None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_CUBIC)
        cuts.append((i, top, top + cut.shape[0], x0, y0, cut))
        top += cut.shape[0] + GAP
    if not cuts:
        return lines
    canvas = np.full((top, max(c[5].shape[1] for c in cuts) + 2 * GAP), 255, np.uint8)
    for _i, a, b, _x0, _y0, cut in cuts:
        canvas[a:b, GAP:GAP + cut.shape[1]] = cut
    found: dict[int, list[OcrLine]] = defaultdict(list)
    for l in ocr_tesseract(canvas, lang, page, psm=6):
        cy = (l.bbox[1] + l.bbox[3]) / 2
        hit = next((c for c in cuts if c[1] <= cy < c[2]), None)
        if hit is not None:
            found[hit[0]].append(l)
    out = list(lines)
    for i, a, _b, x0, y0, _cut in cuts:
        new = sorted(found.get(i) or [], key=lambda l: l.bbox[0])
        old = lines[i]
        text = " ".join(l.text for l in new)
        if not new or _alnum(text) < 0.6 * _alnum(old.text):
            continue
        conf = sum(l.confidence * max(1, _alnum(l.text)) for l in new) / sum(max(1, _alnum(l.text)) for l in new)
        if conf < old.confidence + GAIN:
            continue

        def back(b: Any) -> list[float]:
            return [(b[0] - GAP) / SCALE + x0, (b[1] - a) / SCALE + y0, (b[2] - GAP) / SCALE + x0, (b[3] - a) / SCALE + y0]

        words = [(wd, back(b)) for l in new for wd, b in l.words]
        boxes = [back(l.bbox) for l in new]
        out[i] = OcrLine(text, [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                                max(b[3] for b in boxes)], round(conf, 4), old.page, words)
    return out
