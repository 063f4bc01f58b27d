"""A page as runs of text with boxes, the page's ruling lines and the cells they make.

Every source gives the same model: PyMuPDF words and vector drawings for text PDFs, OCR word
boxes and OpenCV line detection for scans and photos. A *run* is a stretch of words on one
visual row with no wide gap and no ruling line inside it — the unit a caption or a value is made
of. Readers never see the source: they ask the model for cells and neighbours.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Any, Iterable

from originproof.evidence.common.ocr import OcrLine

# A gap wider than this many line heights separates two runs on one row (label-left rows,
# table columns); a word space is ~0.25 of a line height, three spaces ~0.8.
RUN_GAP = 0.8
EDGE_NOISE = " \t|¦│"


@dataclass
class Segment:
    """A ruling line: horizontal (y0 == y1 within tolerance) or vertical."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.y1 - self.y0)


@dataclass
class Run:
    text: str
    bbox: list[float]  # in the model's coordinates
    line: OcrLine  # the line it came from (its boxes may later be mapped to page coordinates)
    start: int  # span of this run in line.text
    end: int
    page: int
    confidence: float = 1.0
    cell: tuple[float, float, float, float] | None = None  # (left, top, right, bottom) when ruled

    @property
    def h(self) -> float:
        return max(1.0, self.bbox[3] - self.bbox[1])

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


def same_row(a: Run, b: Run) -> bool:
    """Two runs on one printed row: they overlap over more than half the smaller one's height."""
    ov = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
    return ov > 0.5 * min(a.h, b.h)


def rows_of(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped into printed rows, top to bottom, each left to right (a run joins the row whose first
    run it shares a row with)."""
    rows: list[list[Run]] = []
    for r in sorted(runs, key=lambda r: r.cy):
        if rows and same_row(rows[-1][0], r):
            rows[-1].append(r)
        else:
            rows.append([r])
    for row in rows:
        row.sort(key=lambda r: r.bbox[0])
    return rows


def join_runs(parts: list[Run]) -> Run:
    """Runs side by side on one row (left to right) as one run: their texts spaced, their boxes united."""
    return Run(" ".join(r.text.strip() for r in parts),
               [parts[0].bbox[0], min(r.bbox[1] for r in parts), max(r.bbox[2] for r in parts),
                max(r.bbox[3] for r in parts)], parts[0].line, parts[0].start, parts[-1].end, parts[0].page,
               min(r.confidence for r in parts), parts[0].cell)


def wraps_onto(prev: Run, cur: Run) -> bool:
    """Whether `cur` carries on the text of `prev`, the line above it in one ruled cell, because a line
    break fell there: `cur` starts at the same left edge with a word that would not have fitted after
    `prev` (typesetters and word processors break a line only then). A new item (a bullet, a number, a
    capital after a line with room left) is not a wrapped line."""
    if prev.cell is None or cur.cell != prev.cell or abs(cur.bbox[0] - prev.bbox[0]) > 0.8 * prev.h:
        return False
    if cur.bbox[1] - prev.bbox[3] > 0.9 * prev.h or re.match(r"\s*(?:[-•·*▪◦]|\d{1,2}[.)])\s", cur.text):
        return False
    word = cur.text.strip().split(" ")[0]
    per_char = (cur.bbox[2] - cur.bbox[0]) / max(1, len(cur.text.strip()))
    right = prev.cell[2] - (cur.bbox[0] - prev.cell[0])  # the cell's right margin mirrors its left one
    return prev.bbox[2] + per_char * (1 + len(word)) > right


@dataclass
class PageModel:
    page: int
    runs: list[Run]
    segments: list[Segment] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0

    @property
    def line_height(self) -> float:
        hs = [r.h for r in self.runs if r.text.strip()]
        return statistics.median(hs) if hs else 10.0

    # ------------------------------------------------------------------ geometry queries
    def same_row(self, a: Run, b: Run) -> bool:
        return same_row(a, b)

    def ruled(self, r: Run) -> bool:
        return r.cell is not None

    def same_cell(self, a: Run, b: Run) -> bool:
        return a.cell is not None and a.cell == b.cell

    def below(self, r: Run) -> list[Run]:
        """Runs under `r` in reading order."""
        return sorted((x for x in self.runs if x.bbox[1] >= r.bbox[1] + 0.5 * r.h and x is not r),
                      key=lambda x: (round(x.cy / max(1.0, 0.5 * r.h)), x.bbox[0]))

    def right_of(self, r: Run) -> list[Run]:
        return sorted((x for x in self.runs if x is not r and self.same_row(r, x) and x.bbox[0] >= r.bbox[2] - 1),
                      key=lambda x: x.bbox[0])


# ----------------------------------------------------------------------------- building
RULE_READ_AS_TEXT = re.compile(r"[—–\-|_¦!Il\[\]]{1,3}")


def _split_line(line: OcrLine, vertical: list[Segment], scale_h: float | None = None) -> list[tuple[int, int, list[float]]]:
    """Character spans of `line` that form runs: cut at wide gaps and at vertical rules."""
    words = line.words or [(line.text, list(line.bbox))]
    h = scale_h or max(1.0, line.bbox[3] - line.bbox[1])
    spans: list[tuple[int, int, list[float]]] = []
    pos = 0
    cur: tuple[int, int, list[float]] | None = None
    for w, b in words:
        i = line.text.find(w, pos)
        if i < 0:
            i = pos
        j = i + len(w)
        pos = j
        cy = (b[1] + b[3]) / 2
        if RULE_READ_AS_TEXT.fullmatch(w) and any(b[0] - 2 <= s.x0 <= b[2] + 2 and s.y0 - 2 <= cy <= s.y1 + 2
                                                  for s in vertical):
            # OCR read the cell's rule itself as a dash or a bar: a cut, not text.
            if cur is not None:
                spans.append(cur)
                cur = None
            continue
        if cur is not None:
            gap = b[0] - cur[2][2]
            crosses = any(cur[2][2] - 1 <= s.x0 <= b[0] + 1 and s.y0 - 2 <= cy <= s.y1 + 2 for s in vertical)
            if gap > RUN_GAP * h or crosses:
                spans.append(cur)
                cur = None
        if cur is None:
            cur = (i, j, list(b))
        else:
            cb = cur[2]
            cur = (cur[0], j, [min(cb[0], b[0]), min(cb[1], b[1]), max(cb[2], b[2]), max(cb[3], b[3])])
    if cur is not None:
        spans.append(cur)
    # An OCR engine that returns no word boxes marks wide gaps with runs of spaces.
    if len(words) == 1 and "   " in line.text:
        out, s = [], 0
        x0, x1 = line.bbox[0], line.bbox[2]
        n = max(1, len(line.text))
        for part in line.text.split("   "):
            if part.strip():
                a = line.text.find(part, s)
                e = a + len(part)
                out.append((a, e, [x0 + (x1 - x0) * a / n, line.bbox[1], x0 + (x1 - x0) * e / n, line.bbox[3]]))
                s = e
            else:
                s += 3
        return out or spans
    return spans


def _nearest_rules(coords: list[float], lo: float, hi: float, tol: float) -> tuple[float | None, float | None]:
    """The closest rule at or before `lo` and the closest at or after `hi` (each within `tol`)."""
    return (max((c for c in coords if c <= lo + tol), default=None),
            min((c for c in coords if c >= hi - tol), default=None))


def _cell_of(r: Run, segs: list[Segment], tol: float) -> tuple[float, float, float, float] | None:
    x0, y0, x1, y1 = r.bbox
    cx, cy = r.cx, r.cy
    top, bottom = _nearest_rules([s.y0 for s in segs if s.horizontal and s.x0 - tol <= cx <= s.x1 + tol], y0, y1, tol)
    if top is None or bottom is None:
        return None
    # A column rule stops at the row rule it meets: one that ends at the run's top rule (its end reaching
    # the run only by a tolerance, a photo's thick line) bounds the row above, not this one.
    left, right = _nearest_rules([s.x0 for s in segs if not s.horizontal and s.y0 - tol <= cy <= s.y1 + tol
                                  and min(s.y1, bottom) - max(s.y0, top) > 1.5 * tol], x0, x1, tol)
    if left is None and right is None:
        return None
    return (round(left if left is not None else -1.0, 0), round(top, 0),
            round(right if right is not None else 1e6, 0), round(bottom, 0))


def build(page: int, lines: Iterable[OcrLine], segments: list[Segment], width: float = 0.0,
          height: float = 0.0) -> PageModel:
    """Runs from `lines` (boxes in the same coordinates as `segments`), each placed in its cell."""
    lines = [l for l in lines if l.page == page and l.text.strip()]
    vertical = [s for s in segments if not s.horizontal]
    runs: list[Run] = []
    for line in lines:
        for a, b, box in _split_line(line, vertical):
            text = line.text[a:b]
            # A ruling line OCR read as a bar ("| Nummer", a lone "|") is no text of the run.
            lead = len(text) - len(text.lstrip(EDGE_NOISE))
            text = text.strip(EDGE_NOISE)
            if text and not re.fullmatch(r"[\W_]{1,2}", text):
                runs.append(Run(text, box, line, a + lead, a + lead + len(text), page, line.confidence))
    m = PageModel(page, runs, segments, width, height)
    tol = 0.35 * m.line_height
    for r in runs:
        r.cell = _cell_of(r, segments, tol)
    return m


# ----------------------------------------------------------------------------- ruling lines
def pdf_segments(page: Any, min_len: float = 12.0) -> list[Segment]:
    """Ruling lines of a PDF page from its vector drawings (lines, stroked rectangles, thin fills)."""
    out: list[Segment] = []
    try:
        drawings = page.get_drawings()
    except Exception:  # noqa: BLE001 — a page whose drawings cannot be listed is read without rulings
        return out
    for d in drawings:
        stroked = d.get("type") in ("s", "fs") or d.get("color") is not None
        for item in d.get("items", []):
            op = item[0]
            if op == "l":
                p, q = item[1], item[2]
                if abs(p.y - q.y) <= 1.5 and abs(p.x - q.x) >= min_len:
                    out.append(Segment(min(p.x, q.x), p.y, max(p.x, q.x), p.y))
                elif abs(p.x - q.x) <= 1.5 and abs(p.y - q.y) >= min_len:
                    out.append(Segment(p.x, min(p.y, q.y), p.x, max(p.y, q.y)))
            elif op == "re":
                r = item[1]
                if r.height <= 2.5 and r.width >= min_len:
                    out.append(Segment(r.x0, (r.y0 + r.y1) / 2, r.x1, (r.y0 + r.y1) / 2))
                elif r.width <= 2.5 and r.height >= min_len:
                    out.append(Segment((r.x0 + r.x1) / 2, r.y0, (r.x0 + r.x1) / 2, r.y1))
                elif stroked and r.width >= min_len and r.height >= min_len:
                    out += [Segment(r.x0, r.y0, r.x1, r.y0), Segment(r.x0, r.y1, r.x1, r.y1),
                            Segment(r.x0, r.y0, r.x0, r.y1), Segment(r.x1, r.y0, r.x1, r.y1)]
    return out


def image_segments(gray: Any) -> list[Segment]:
    """Ruling lines of a page image (pixels): long thin strokes kept by a morphological opening."""
    import cv2
    import numpy as np

    h, w = gray.shape[:2]
    bw = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    out: list[Segment] = []
    for horizontal in (True, False):
        k = (max(30, w // 20), 1) if horizontal else (1, max(30, h // 30))
        mask = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, k))
        # Close small breaks (scan noise, a stamp crossing a rule) along the line direction.
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1) if horizontal else (1, 9)))
        n, _lab, stats, _c = cv2.connectedComponentsWithStats(mask, 8)
        for i in range(1, n):
            x, y, ww, hh, _a = stats[i]
            if horizontal and ww >= k[0] and hh <= max(8, h // 150):
                out.append(Segment(float(x), float(y + hh / 2), float(x + ww), float(y + hh / 2)))
            elif not horizontal and hh >= k[1] and ww <= max(8, w // 150):
                out.append(Segment(float(x + ww / 2), float(y), float(x + ww / 2), float(y + hh)))
    del np
    return out
