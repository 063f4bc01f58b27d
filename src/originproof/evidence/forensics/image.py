"""Raster forensics: editor tags, error-level and double-JPEG maps localised to a region, cloned regions.

Each detector returns at most one region per image (the strongest), in pixel coordinates of the
image as stored. Thresholds were set on the generated tamper corpus (`originproof bench forensics`)
so that untouched scans and phone photos stay silent; a region is reported only when it stands out
from the rest of the same image, never against a global constant alone.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from originproof.evidence.forensics.paste import pasted_text_region
from originproof.evidence.forensics.pdf import match_tool

MAX_SIDE = 2000
MAX_CLONE_DIST = 10.0  # SIFT L2: a clone re-matches almost exactly; repeated print (same word twice) scores 15+  # larger photos are analysed downscaled (copy-move / ELA stay meaningful)


@dataclass
class Region:
    code: str
    severity: str
    bbox: list[float]
    score: float
    detail: str


@dataclass
class ImageReport:
    software: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (where, text, tool)
    regions: list[Region] = field(default_factory=list)
    heat: np.ndarray | None = None  # 0..1 map at image resolution / 8
    size: tuple[int, int] = (0, 0)


# ------------------------------------------------------------------ metadata
def software_tags(img: Image.Image, raw: bytes) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    try:
        exif = img.getexif()
        for tag, where in ((0x0131, "EXIF Software"), (0x013B, "EXIF Artist"), (0x010E, "EXIF ImageDescription")):
            v = exif.get(tag)
            if v:
                out.append((where, str(v)))
        ifd = exif.get_ifd(0x8769) if hasattr(exif, "get_ifd") else {}
        for tag in (0x9286,):  # UserComment
            if ifd and ifd.get(tag):
                out.append(("EXIF UserComment", str(ifd.get(tag))[:120]))
    except Exception:  # noqa: BLE001
        pass
    xmp = img.info.get("xmp") or b""
    if not xmp:
        m = re.search(rb"<x:xmpmeta.*?</x:xmpmeta>", raw[:400_000], re.S)
        xmp = m.group(0) if m else b""
    if isinstance(xmp, bytes):
        xmp = xmp.decode("utf-8", "replace")
    for m in re.finditer(r"(CreatorTool|softwareAgent)(?:>|=\")([^<\"]+)", xmp):
        out.append((f"XMP {m.group(1)}", m.group(2)))
    for k in ("Software", "software", "comment"):
        v = img.info.get(k)
        if isinstance(v, (str, bytes)) and v:
            out.append((f"{img.format} {k}", v.decode("utf-8", "replace") if isinstance(v, bytes) else v))
    return out


# ------------------------------------------------------------------ helpers
def _luma(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L"), dtype=np.float32)


def _blocks(a: np.ndarray, n: int) -> np.ndarray:
    h, w = (a.shape[0] // n) * n, (a.shape[1] // n) * n
    return a[:h, :w].reshape(h // n, n, w // n, n).swapaxes(1, 2)


def _region_of(mask: np.ndarray, scale: float) -> tuple[list[float], int] | None:
    """Bounding box (pixels) of the largest 8-connected component of a block mask."""
    import cv2

    n, lab, stats, _c = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h, area = stats[i]
    return [x * scale, y * scale, (x + w) * scale, (y + h) * scale], int(area)


def _robust_z(v: np.ndarray, ref: np.ndarray) -> np.ndarray:
    med = np.median(ref)
    mad = np.median(np.abs(ref - med)) * 1.4826 + 1e-6
    return (v - med) / mad


# ------------------------------------------------------------------ error level / noise consistency
def ela_region(img: Image.Image, quality: int = 90, block: int = 8) -> tuple[Region | None, np.ndarray]:
    """Paper/background blocks whose noise floor and recompression error are far below the rest.

    A patch pasted from a clean source (typed digits, a stamp from another file) lacks the scan or
    sensor noise of its surroundings and loses almost nothing when recompressed; measured only on
    background pixels (away from strokes), relative to the same image's own background. An image
    whose whole background is flat (a scanner that clips paper to white) gives nothing to compare.
    """
    import cv2

    y = _luma(img)
    y8 = np.clip(y, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(y8).save(buf, "JPEG", quality=quality)
    ela = np.abs(y - np.asarray(Image.open(io.BytesIO(buf.getvalue())), dtype=np.float32))
    resid = y - cv2.medianBlur(y8, 3).astype(np.float32)
    smooth = cv2.medianBlur(y8, 5).astype(np.float32)
    edges = cv2.dilate((np.abs(cv2.Laplacian(smooth, cv2.CV_32F, ksize=3)) > 12).astype(np.uint8), np.ones((5, 5), np.uint8))
    bgpix = (edges == 0) & (smooth > 20)
    n = _blocks(bgpix.astype(np.float32), block).sum(axis=(2, 3))
    r2 = _blocks(np.where(bgpix, resid ** 2, 0), block).sum(axis=(2, 3))
    e1 = _blocks(np.where(bgpix, ela, 0), block).sum(axis=(2, 3))
    ok = n >= block * block * 0.4
    heat = np.zeros(n.shape, dtype=np.float32)
    if ok.sum() < 200:
        return None, heat
    std = np.sqrt(r2 / np.maximum(n, 1))
    el = e1 / np.maximum(n, 1)
    ref_std, ref_el = float(np.median(std[ok])), float(np.median(el[ok]))
    if ref_std < 0.8:
        return None, heat  # flat background everywhere: nothing to stand out from
    low = ok & (std < 0.25 * ref_std) & (el < 0.5 * ref_el + 0.05)
    heat = np.where(ok, np.clip(1 - std / ref_std, 0, 1), 0).astype(np.float32)
    low = cv2.morphologyEx(low.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    reg = _region_of(low & ok, block)
    if reg is None:
        return None, heat
    bbox, area = reg
    if area < 6 or area > 0.2 * ok.sum():
        return None, heat
    inside = low.astype(bool)
    score = float(ref_std / max(float(np.median(std[inside & ok])), 0.05))
    # Context only: on bi-level scans whose paper the JPEG already flattened, clean background is
    # common in honest files (7 % false alarms on the corpus), so this map never decides alone.
    return Region("img.ela_region", "info", bbox, score,
                  f"{area} blocks of {block}px whose background has no scan/sensor noise (noise {score:.1f}× below "
                  f"the rest of the image) and no recompression loss: pasted content"), heat


# ------------------------------------------------------------------ aligned double JPEG
_DCT = None


def _dct_matrix() -> np.ndarray:
    global _DCT
    if _DCT is None:
        m = np.zeros((8, 8))
        for k in range(8):
            for n in range(8):
                m[k, n] = (np.sqrt(1 / 8) if k == 0 else np.sqrt(2 / 8)) * np.cos(np.pi * (2 * n + 1) * k / 16)
        _DCT = m
    return _DCT


FREQS = [(0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (1, 2), (2, 1), (0, 3), (3, 0), (2, 2)]


def _freq_basis() -> np.ndarray:
    """(64, len(FREQS)): column i is the 8×8 DCT basis image of FREQS[i], flattened row by row."""
    D = _dct_matrix()
    return np.stack([np.outer(D[u], D[v]).ravel() for u, v in FREQS], axis=1)


def double_jpeg_region(img: Image.Image) -> tuple[Region | None, np.ndarray]:
    """Blocks compressed once inside a twice-compressed image (Lin et al. 2009 style, aligned grid).

    When an image saved at one quality is edited and saved at another, every untouched block's DCT
    coefficients skip the values the first quantiser could not produce; a pasted block does not.
    """
    import cv2

    q = getattr(img, "quantization", None)
    if not q or img.format != "JPEG":
        return None, np.zeros((1, 1))
    qt = np.asarray(q[0], dtype=np.float64).reshape(8, 8)
    ycc = np.asarray(img.convert("YCbCr"), dtype=np.float64)[..., 0] - 128.0
    blk = _blocks(ycc, 8)
    by, bx = blk.shape[:2]
    if by * bx < 256:
        return None, np.zeros((by, bx))
    # Only the FREQS coefficients are looked at: each is one basis image's dot product with every block
    # (one matrix product, ~20x less work than the blocks' full 2-D DCT).
    coef = np.ascontiguousarray(blk).reshape(by, bx, 64) @ _freq_basis()
    forb = np.zeros((by, bx), dtype=np.float32)
    used = 0
    for i, (u, v) in enumerate(FREQS):
        k = np.rint(coef[:, :, i] / qt[u, v]).astype(np.int64)
        kk = np.clip(np.abs(k), 0, 40)
        hist = np.bincount(kk.ravel(), minlength=41).astype(np.float64)
        bad = np.zeros(41, dtype=bool)
        for b in range(2, 39):
            nb = (hist[b - 1] + hist[b + 1]) / 2
            if nb >= 15 and hist[b] < 0.12 * nb:
                bad[b] = True
        if bad.sum() < 2:
            continue
        used += 1
        forb += bad[kk] & (kk > 0)
    heat = np.zeros((by, bx), dtype=np.float32)
    if used < 2:
        return None, heat  # no double-compression pattern in the image: nothing to localise against
    active = forb > 0
    dens = cv2.blur(active.astype(np.float32), (5, 5))
    heat = np.clip(dens * 3, 0, 1)
    base = float(active.mean())
    mask = (dens >= max(0.32, 6 * base)) & active
    mask = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8))
    reg = _region_of(mask, 8)
    if reg is None:
        return None, heat
    bbox, area = reg
    inside = active[int(bbox[1] // 8):int(bbox[3] // 8), int(bbox[0] // 8):int(bbox[2] // 8)]
    hits = int(inside.sum())
    if hits < 8 or area > 0.2 * by * bx:
        return None, heat
    return Region("img.double_jpeg_region", "fraud", bbox, float(inside.mean() / max(base, 1e-3)),
                  f"{hits} 8×8 blocks compressed only once inside an image compressed twice "
                  f"({used} DCT frequencies show the first quantiser's gaps): pasted or retouched area"), heat


# ------------------------------------------------------------------ copy-move
def copy_move_region(img: Image.Image, min_shift: float = 40.0, min_matches: int = 18) -> Region | None:
    """Keypoints of one image matched against themselves; many pairs with one common shift = a clone."""
    import cv2

    g = np.asarray(img.convert("L"))
    sift = cv2.SIFT_create(nfeatures=4000)
    kps, des = sift.detectAndCompute(g, None)
    if des is None or len(kps) < 20:
        return None
    pts = np.array([k.pt for k in kps], dtype=np.float32)
    P, dist = _shifted_pairs(des, pts, min_shift)
    if len(P) < min_matches:
        return None
    shifts = P[:, 2:] - P[:, :2]
    # Cluster by shift (4 px tolerance) and keep the largest cluster.
    best, best_idx = 0, None
    for s in shifts:
        idx = np.where(np.all(np.abs(shifts - s) <= 4, axis=1))[0]
        if len(idx) > best:
            best, best_idx = len(idx), idx
    if best < min_matches or best_idx is None:
        return None
    src, dst = P[best_idx, :2], P[best_idx, 2:]
    uniq = len({(int(x) // 4, int(y) // 4) for x, y in src})
    spread = float(np.ptp(src[:, 0]) * np.ptp(src[:, 1]))
    if uniq < min_matches or spread < 400:
        return None
    box = [float(dst[:, 0].min()), float(dst[:, 1].min()), float(dst[:, 0].max()), float(dst[:, 1].max())]
    sbox = [float(src[:, 0].min()), float(src[:, 1].min()), float(src[:, 0].max()), float(src[:, 1].max())]
    sx, sy = shifts[best_idx].mean(axis=0)
    med_d = float(np.median(dist[best_idx]))
    if med_d > MAX_CLONE_DIST:
        return None  # repeated print (the same word twice) matches loosely; a clone matches almost exactly
    return Region("img.copy_move", "fraud", box, float(best),
                  f"{best} keypoints (median descriptor distance {med_d:.0f}) repeat with one shift ({sx:+.0f},{sy:+.0f}) px: the region "
                  f"[{', '.join(f'{v:.0f}' for v in sbox)}] was cloned onto [{', '.join(f'{v:.0f}' for v in box)}]")


def _nearest_others(des: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Each descriptor's `k` nearest descriptors of the same set (itself among them), as
    `cv2.BFMatcher(NORM_L2).knnMatch(des, des, k)` gives them: (indices, distances), each (n, k), nearest
    first, equal distances in index order. SIFT's descriptors hold whole numbers up to 255, so the squared
    distances |a|² + |b|² − 2a·b come out of one matrix product exact (every sum stays below 2²⁴, where
    float32 still counts in ones) and their float32 roots are the matcher's own, at a fraction of its
    cost; other descriptors go to the matcher."""
    import cv2

    d = np.ascontiguousarray(des, dtype=np.float32)
    sq = (d * d).sum(axis=1, dtype=np.float64)
    if len(d) <= k or not np.array_equal(d, np.rint(d)) or float(sq.max()) * 4 >= 2 ** 24:
        knn = cv2.BFMatcher(cv2.NORM_L2).knnMatch(des, des, k=k)
        return (np.array([[m.trainIdx for m in ms] for ms in knn], dtype=np.int64),
                np.array([[m.distance for m in ms] for ms in knn], dtype=np.float32))
    sqf = sq.astype(np.float32)
    d2 = d @ d.T
    d2 *= -2
    d2 += sqf[:, None]
    d2 += sqf[None, :]
    np.maximum(d2, 0, out=d2)
    kth = np.partition(d2, k - 1, axis=1)[:, k - 1]
    rows, cols = np.nonzero(d2 <= kth[:, None])  # the k nearest and any tied with the k-th
    vals = d2[rows, cols]
    order = np.lexsort((cols, vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.searchsorted(rows, np.arange(len(d)))
    take = first[:, None] + np.arange(k)[None, :]
    return cols[take].astype(np.int64), np.sqrt(vals[take])


def _shifted_pairs(des: np.ndarray, pts: np.ndarray, min_shift: float) -> tuple[np.ndarray, np.ndarray]:
    """Keypoints whose nearest other descriptor is a clear match (half the distance of the next, at most
    160) lying at least `min_shift` away: rows (x, y of the upper one, x, y of the lower one) and the match
    distances."""
    idx, dist = _nearest_others(des)
    n = len(des)
    other = idx != np.arange(n)[:, None]
    ok = other.sum(axis=1) >= 2
    # The first two neighbours that are not the keypoint itself.
    rank = np.cumsum(other, axis=1)
    j1 = np.argmax(other & (rank == 1), axis=1)
    j2 = np.argmax(other & (rank == 2), axis=1)
    r = np.arange(n)
    t1, d1, d2 = idx[r, j1], dist[r, j1].astype(np.float64), dist[r, j2].astype(np.float64)
    ok &= ~((d1 > 0.5 * d2) | (d1 > 160))
    a, b = pts[r], pts[t1]
    diff = b - a
    ok &= ~(np.hypot(diff[:, 0], diff[:, 1]) < min_shift)
    swap = (a[:, 1] > b[:, 1]) | ((a[:, 1] == b[:, 1]) & (a[:, 0] > b[:, 0]))
    lo, hi = np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)
    return np.concatenate([lo, hi], axis=1)[ok], d1[ok]


# ------------------------------------------------------------------ entry
def analyse_image(raw: bytes, tools: list[dict[str, Any]], *, copy_move: bool = True) -> ImageReport:
    img = Image.open(io.BytesIO(raw))
    img.load()
    rep = ImageReport(size=img.size)
    for where, text in software_tags(img, raw):
        t = match_tool(text, tools, "image")
        if t is not None:
            rep.software.append((where, text, t))
    work = img
    scale = 1.0
    if max(img.size) > MAX_SIDE:
        scale = max(img.size) / MAX_SIDE
        work = img.convert("RGB").resize((int(img.width / scale), int(img.height / scale)), Image.LANCZOS)
    heats = []
    if img.format == "JPEG":
        r, h = double_jpeg_region(img)
        if r is not None:
            rep.regions.append(r)
        heats.append(h)
    r, h = ela_region(work if work is not img else img.convert("RGB"))
    if r is not None:
        r.bbox = [v * scale for v in r.bbox]
        rep.regions.append(r)
    heats.append(h)
    r = pasted_text_region(img)  # full resolution: downscaling would blur the pure white it looks for
    if r is not None:
        rep.regions.append(r)
    if copy_move:
        r = copy_move_region(work)
        if r is not None:
            r.bbox = [v * scale for v in r.bbox]
            rep.regions.append(r)
    hs = [x for x in heats if x is not None and x.size > 1]
    if hs:
        rep.heat = hs[0]
    return rep


def write_heatmap(raw: bytes, rep: ImageReport, out: Path) -> Path | None:
    """The image with its suspicious regions outlined and the anomaly map tinted red (reviewer aid)."""
    try:
        from PIL import ImageDraw

        img = Image.open(io.BytesIO(raw)).convert("RGB")
        if rep.heat is not None and rep.heat.size > 1:
            hm = Image.fromarray((np.clip(rep.heat, 0, 1) * 255).astype(np.uint8)).resize(img.size, Image.NEAREST)
            red = Image.new("RGB", img.size, (255, 0, 0))
            img = Image.composite(red, img, hm.point(lambda v: int(v * 0.45)))
        d = ImageDraw.Draw(img)
        for r in rep.regions:
            d.rectangle(r.bbox, outline=(255, 0, 0), width=max(2, img.width // 400))
            d.text((r.bbox[0], max(0, r.bbox[1] - 12)), r.code, fill=(255, 0, 0))
        if max(img.size) > 1600:
            img.thumbnail((1600, 1600))
        out.parent.mkdir(parents=True, exist_ok=True)
        img.save(out, "PNG")
        return out
    except Exception:  # noqa: BLE001 — the heat map is an aid; its failure must not lose the signals
        return None
