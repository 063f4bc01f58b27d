"""The double-JPEG map takes only the DCT coefficients it looks at (FREQS): they are the full 2-D DCT's,
and a block pasted into a twice-compressed image is still found."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from originproof.evidence.forensics.image import FREQS, _dct_matrix, _freq_basis, double_jpeg_region


def test_the_chosen_coefficients_are_the_full_dcts():
    blocks = np.random.default_rng(3).uniform(-128, 127, size=(5, 7, 8, 8))
    D = _dct_matrix()
    full = np.einsum("ij,abjk,lk->abil", D, blocks, D)
    some = blocks.reshape(5, 7, 64) @ _freq_basis()
    for i, (u, v) in enumerate(FREQS):
        assert np.allclose(some[:, :, i], full[:, :, u, v], atol=1e-9)


def _jpeg(a: np.ndarray, q: int) -> bytes:
    b = io.BytesIO()
    Image.fromarray(a).save(b, "JPEG", quality=q)
    return b.getvalue()


def test_a_block_compressed_once_inside_a_twice_compressed_image_is_found():
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:512, 0:512]
    page = np.clip(200 + 30 * np.sin(x / 9.0) * np.cos(y / 13.0) + rng.normal(0, 6, (512, 512)), 0, 255).astype(np.uint8)
    once = np.asarray(Image.open(io.BytesIO(_jpeg(page, 60)))).copy()
    once[200:296, 160:320] = page[200:296, 160:320]  # pasted from the uncompressed source
    img = Image.open(io.BytesIO(_jpeg(once, 90)))
    region, _heat = double_jpeg_region(img)
    assert region is not None and region.code == "img.double_jpeg_region"
    x0, y0, x1, y1 = region.bbox
    assert x0 < 320 and x1 > 160 and y0 < 296 and y1 > 200
    clean, _h = double_jpeg_region(Image.open(io.BytesIO(_jpeg(np.asarray(Image.open(io.BytesIO(_jpeg(page, 60)))), 90))))
    assert clean is None
