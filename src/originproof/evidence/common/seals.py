"""Seal ink lifted off a page before it is read.

Chambers, authorities and companies stamp their documents in red or purple ink, often right over the
date, the place or a name ("28.03.2026" under a chamber's ring and star). In grey the stamp's strokes are
as dark as the print and cut the glyphs under them; OCR reads "Date 03.202". In colour they are told
apart: the stamp's ink is red where the print is black (or blue), so every clearly reddish pixel is
lightened to its own red channel, in which red ink is almost as light as paper, while black print
keeps its darkness (a black stroke under a stamp stays black). Only ever lightens: paper under a
warm light gets a little lighter, never a stroke darker.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

REDDER_BY = 15  # red channel above both others by this much: seal ink (paper and print are near neutral)
LIGHT_RED = 120  # and light in its own red channel: print under a warm light is reddish too, but dark
LIFT = 30  # lightened a little past its red channel, where faded seal ink still shows


def _seal_mask(rgb: np.ndarray) -> np.ndarray:
    r = rgb[..., 0].astype(np.int16)
    return (r - np.maximum(rgb[..., 1], rgb[..., 2]).astype(np.int16) > REDDER_BY) & (r >= LIGHT_RED)


def has_seal_ink(rgb: np.ndarray, share: float = 0.0005) -> bool:
    """Whether a page (a small rendering will do) shows seal ink worth lifting."""
    return bool(_seal_mask(rgb).mean() >= share)


def lift_seal_ink(rgb: np.ndarray) -> np.ndarray:
    """Grey page (uint8) from an RGB one, with red/purple seal ink lightened to paper. The grey is PIL's
    (ITU-R 601 luma, as every page image was read before): OCR answers differently to one grey level."""
    from PIL import Image
    gray = np.array(Image.fromarray(rgb).convert("L"))
    r = rgb[..., 0].astype(np.int16)
    seal = _seal_mask(rgb)
    if seal.any():
        gray[seal] = np.maximum(gray[seal], np.minimum(255, r[seal] + LIFT)).astype(np.uint8)
    return gray


def load_page_image(path: Path) -> np.ndarray:
    """A photographed or scanned page (EXIF orientation applied) as grey, seal ink lifted."""
    from PIL import Image, ImageOps
    with Image.open(path) as im:
        return lift_seal_ink(np.asarray(ImageOps.exif_transpose(im).convert("RGB")))
