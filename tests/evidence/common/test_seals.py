"""Seal ink lifted off a page: red strokes go to paper, black print (also under the seal) stays."""
from __future__ import annotations

import numpy as np

from originproof.evidence.common.seals import lift_seal_ink


def test_red_seal_ink_is_lifted_and_black_print_under_it_stays_dark():
    page = np.full((40, 60, 3), 235, np.uint8)            # paper
    page[10:14, :] = (30, 30, 30)                           # a black stroke of print
    page[:, 20:24] = (170, 70, 80)                          # the seal's faded red ring crossing it
    page[10:14, 20:24] = (25, 20, 20)                       # where they cross, the print is on top
    page[30:34, 40:50] = (40, 50, 140)                      # blue ink (a signature) is no seal
    g = lift_seal_ink(page)
    assert g[25, 21] >= 195                                 # the ring: near paper
    assert g[12, 5] < 60 and g[12, 21] < 60                 # the print, also where the ring crosses it
    assert g[31, 45] < 90                                   # the signature keeps its darkness
    assert abs(int(g[2, 2]) - 235) <= 1                     # paper unchanged


def test_a_grey_page_has_nothing_to_lift():
    page = np.random.default_rng(0).integers(0, 255, (20, 20), np.uint8)
    rgb = np.stack([page] * 3, axis=-1)
    from PIL import Image
    assert np.array_equal(lift_seal_ink(rgb), np.asarray(Image.fromarray(rgb).convert("L")))


def test_dark_print_under_a_warm_light_is_no_seal():
    page = np.full((10, 10, 3), (70, 52, 40), np.uint8)  # black print photographed under lamplight
    from PIL import Image
    assert np.array_equal(lift_seal_ink(page), np.asarray(Image.fromarray(page).convert("L")))
