"""Typed text pasted into a scan: a run of glyphs standing on background cleaner than the paper.

A scan's paper carries the scanner's noise, so the pixels around every printed glyph spread a few
levels below white. A forger who covers a number with a white box and types new digits on it
leaves those digits on pure, noise-free white. Each glyph (ink connected component) is scored by
the background in a small ring around it — mean level and share of pixels at exactly 255 — against
the median glyph of the same page; several such glyphs in a row on one text line make the region.

Why not edge sharpness or skew: on this machine's scans and in the wild, rotation often uses
nearest-neighbour resampling (no interpolation blur) and a word's baseline angle is too noisy over
a 100-pixel number. Pages whose paper is clipped to white (every glyph already on pure white) or
that have no white at all (phone photos) give nothing to stand out from and stay silent.
Thresholds were set on `originproof bench forensics`: untouched scans and photos reach at most one
such glyph in a row; pasted numbers five or more.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

INK = 150          # darker than this is ink
PAPER = 225        # background ring pixels must be at least this bright
RING = 3           # px around a glyph's box read as its background
MIN_Z = 1.5        # robust z of the ring's mean brightness vs the page's glyphs
MIN_EXTRA_WHITE = 0.2  # share of pure-white ring pixels above the page's median glyph
MIN_WHITE = 0.4    # and at least this share in absolute terms (the pasted box is pure white)
MIN_RUN = 4        # glyphs in a row on one line
MIN_GLYPHS = 40    # a page with fewer glyphs has no distribution to compare against


def _glyphs(y: np.ndarray) -> np.ndarray:
    """Rows (x0, y0, x1, y1, ring mean, ring share at 255) for glyph-sized ink components."""
    import cv2

    ink = (y < INK).astype(np.uint8)
    near = cv2.dilate(ink, np.ones((5, 5), np.uint8)).astype(bool)
    bg = (y >= PAPER) & ~near
    n, _lab, st, _c = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return np.zeros((0, 6))
    st = st[1:]
    x, yy, w, h, a = (st[:, i] for i in range(5))
    keep = (h >= 6) & (h <= 45) & (w >= 2) & (w <= 60) & (a >= 6)
    x, yy, w, h = x[keep], yy[keep], w[keep], h[keep]
    H, W = y.shape
    x0, y0 = np.maximum(0, x - RING), np.maximum(0, yy - RING)
    x1, y1 = np.minimum(W, x + w + RING), np.minimum(H, yy + h + RING)

    def box_sum(img: np.ndarray) -> np.ndarray:
        ii = cv2.integral(img.astype(np.float64))
        return ii[y1, x1] - ii[y0, x1] - ii[y1, x0] + ii[y0, x0]

    cnt = box_sum(bg)
    tot = box_sum(np.where(bg, y, 0))
    white = box_sum(bg & (y >= 255))
    ok = cnt >= 8
    c = np.maximum(cnt, 1)
    out = np.stack([x, yy, x + w, yy + h, tot / c, white / c], axis=1).astype(np.float64)
    return out[ok]


def _runs(g: np.ndarray, hot: np.ndarray, gap: float = 25.0) -> list[list[int]]:
    """Hot glyphs chained left to right along one text line."""
    groups: list[list[int]] = []
    for i in (int(k) for k in np.argsort(g[:, 0]) if hot[k]):
        for grp in groups:
            j = grp[-1]
            overlap = min(g[i, 3], g[j, 3]) - max(g[i, 1], g[j, 1])
            if overlap > 0.4 * min(g[i, 3] - g[i, 1], g[j, 3] - g[j, 1]) and g[i, 0] - g[j, 2] < gap:
                grp.append(i)
                break
        else:
            groups.append([i])
    return groups


def pasted_text_region(img: Image.Image):
    """The strongest run of glyphs typed onto a clean white patch, as an image.Region, or None."""
    from originproof.evidence.forensics.image import Region

    y = np.asarray(img.convert("L"))
    g = _glyphs(y)
    if len(g) < MIN_GLYPHS:
        return None
    m, f = g[:, 4], g[:, 5]
    ref = float(np.median(m))
    mad = float(np.median(np.abs(m - ref))) * 1.4826 + 1e-6
    fref = float(np.median(f))
    z = (m - ref) / mad
    hot = (z >= MIN_Z) & (f >= fref + MIN_EXTRA_WHITE) & (f >= MIN_WHITE)
    runs = [r for r in _runs(g, hot) if len(r) >= MIN_RUN]
    if not runs:
        return None
    best = max(runs, key=len)
    b = g[best]
    bbox = [float(b[:, 0].min() - RING), float(b[:, 1].min() - RING), float(b[:, 2].max() + RING),
            float(b[:, 3].max() + RING)]
    return Region("img.pasted_text_region", "fraud", bbox, float(len(best)),
                  f"{len(best)} glyphs in a row stand on pure white background ({100 * float(np.mean(b[:, 5])):.0f} % of "
                  f"the pixels around them at 255, page median {100 * fref:.0f} %; brightness {float(np.median(z[best])):.1f} "
                  f"robust deviations above the page's other glyphs) without the scan's paper noise: text typed onto a "
                  f"pasted white box")
