"""Perceptual signature of a video: a difference hash (dHash, 16×16 cells) of the luma every
`STEP_S` seconds, as hex strings in time order. Each string holds 256 sign bits (is the right
neighbour brighter) followed by 256 strength bits (is the difference clear of noise); distances
count sign disagreements only where either side has a clear difference, so flat areas — a wall,
a floor — do not add coin-flip noise.

Robust to re-encoding, resizing and brightness changes (the hash compares neighbouring cells),
to trimming (the comparison searches the time offset) and to mirroring (a mirrored dHash is the
column-reversed, inverted hash, so no second signature is stored). `video_distance` is pure and
is what the cross-dossier reuse index calls.
"""
from __future__ import annotations

import cv2
import numpy as np

STEP_S = 0.25
HASH_W, HASH_H = 16, 16
NEAR_DUPLICATE = 0.07  # distance at or below which two videos are the same footage
KEEP = 0.75
MIN_OVERLAP = 12  # samples (3 s) that must overlap to call two videos the same footage


STRONG = 4  # grey levels


def dhash(small_luma: np.ndarray) -> str:
    a = cv2.resize(small_luma, (HASH_W + 1, HASH_H), interpolation=cv2.INTER_AREA).astype(np.int16)
    d = a[:, 1:] - a[:, :-1]
    bits = np.concatenate([(d > 0).flatten(), (np.abs(d) >= STRONG).flatten()])
    return np.packbits(bits).tobytes().hex()


def video_fingerprint(times: np.ndarray, smalls: np.ndarray, duration: float | None = None) -> list[str]:
    if len(times) == 0:
        return []
    end = float(duration or times[-1])
    out = []
    g = 0.0
    while g <= end + 1e-6:
        k = int(np.argmin(np.abs(times - g)))
        if abs(times[k] - g) <= STEP_S:
            out.append(dhash(smalls[k]))
        g += STEP_S
    return out


N = HASH_W * HASH_H


def _bits(fp: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rows = [np.unpackbits(np.frombuffer(bytes.fromhex(h), np.uint8)).astype(bool) for h in fp if h]
    rows = [r for r in rows if len(r) == 2 * N]
    if not rows:
        return np.zeros((0, N), bool), np.zeros((0, N), bool)
    a = np.stack(rows)
    return a[:, :N], a[:, N:]


def _mirror(b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    sign, strong = b
    flip = lambda x: x.reshape(-1, HASH_H, HASH_W)[:, :, ::-1].reshape(len(x), -1)  # noqa: E731
    return ~flip(sign), flip(strong)


def _aligned(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], min_overlap: int) -> float:
    best = 1.0
    (sa, ga), (sb, gb) = a, b
    na, nb = len(sa), len(sb)
    for off in range(-(nb - min_overlap), na - min_overlap + 1):
        i0, j0 = max(0, off), max(0, -off)
        m = min(na - i0, nb - j0)
        if m < min_overlap:
            continue
        care = ga[i0:i0 + m] | gb[j0:j0 + m]
        n = care.sum(axis=1)
        ok = n >= 8  # featureless frames cannot be told apart
        if ok.sum() < min_overlap // 2:
            continue
        per = ((sa[i0:i0 + m] != sb[j0:j0 + m]) & care).sum(axis=1)[ok] / n[ok]
        # The best KEEP of the pairs: fast pans sampled a frame apart differ even in a copy.
        per = np.sort(per)[: max(1, int(len(per) * KEEP))]
        best = min(best, float(per.mean()))
    return best


def video_distance(fp_a: list[str], fp_b: list[str]) -> float:
    """0 = same footage … ~0.5 = unrelated: differing-bit fraction (mean of the closest 75 % of
    sample pairs) at the best time offset, straight or mirrored. 1.0 when either signature is too short to compare."""
    a, b = _bits(fp_a), _bits(fp_b)
    k = min(MIN_OVERLAP, len(a[0]), len(b[0]))
    if k < 2:
        return 1.0
    return round(min(_aligned(a, b, k), _aligned(a, _mirror(b), k)), 4)
