"""Copy-move's self-matching: the one-product nearest neighbours are the brute-force matcher's, ties and all,
and the pairs it keeps are the ones the matcher's k-nearest list gave."""
from __future__ import annotations

import cv2
import numpy as np

from originproof.evidence.forensics.image import _nearest_others, _shifted_pairs


def _descriptors(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = rng.integers(0, 60, size=(n, 128)).astype(np.float32)
    d[10] = d[3]  # an exact repeat (distance 0 to another keypoint, as its own)
    d[11] = d[3]
    d[20] = d[4] + 1  # two at one distance from a third
    d[21] = d[4] - 1
    d[30] = d[5]
    d[30, 0] += 1  # a near repeat: the clone's match
    return d


def _brute(des: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    knn = cv2.BFMatcher(cv2.NORM_L2).knnMatch(des, des, k=k)
    return (np.array([[m.trainIdx for m in ms] for ms in knn]), np.array([[m.distance for m in ms] for ms in knn],
                                                                            dtype=np.float32))


def test_nearest_neighbours_are_the_matchers_own():
    for seed in (1, 2):
        des = _descriptors(300, seed)
        idx, dist = _nearest_others(des)
        bi, bd = _brute(des)
        assert np.array_equal(idx, bi) and np.array_equal(dist, bd)


def test_descriptors_that_are_not_whole_numbers_go_to_the_matcher():
    des = _descriptors(120, 3) + np.float32(0.25)
    idx, dist = _nearest_others(des)
    bi, bd = _brute(des)
    assert np.array_equal(idx, bi) and np.array_equal(dist, bd)


def test_kept_pairs_are_the_clear_distant_matches():
    des = _descriptors(200, 4)
    pts = np.random.default_rng(5).uniform(0, 1000, size=(200, 2)).astype(np.float32)
    pts[30] = pts[5] + np.float32([0, 3])  # a clear match too close to its original to be a clone
    P, dist = _shifted_pairs(des, pts, 40.0)
    want = []
    for ms in cv2.BFMatcher(cv2.NORM_L2).knnMatch(des, des, k=3):  # the plain loop over the matcher's lists
        cand = [m for m in ms if m.trainIdx != m.queryIdx]
        if len(cand) < 2 or cand[0].distance > 0.5 * cand[1].distance or cand[0].distance > 160:
            continue
        a, b = pts[cand[0].queryIdx], pts[cand[0].trainIdx]
        if np.hypot(*(b - a)) < 40.0:
            continue
        if (a[1], a[0]) > (b[1], b[0]):
            a, b = b, a
        want.append((np.concatenate([a, b]), cand[0].distance))
    assert want and len(P) == len(want)
    assert all(np.array_equal(p, w) and d == wd for p, d, (w, wd) in zip(P, dist, want))
