"""Small hostile evidence files, generated on the fly: each declares far more than it holds.

Each is a few hundred bytes to a few KB on disk, but read naively would cost minutes and gigabytes:
a huge blank PDF page (rendered for OCR), a video whose frames declare 16000×15992 pixels, a
truncated JPEG declaring 9000×8000 pixels."""
from __future__ import annotations

import io
import struct
from pathlib import Path


def big_page_pdf(path: Path, side_pt: float = 7200) -> Path:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page(width=side_pt, height=side_pt)  # blank: no text layer, so a reader would OCR it
    doc.save(path, garbage=4, deflate=True)
    doc.close()
    return path


def _patch_sof(data: bytes, width: int, height: int) -> bytes:
    """Rewrite every baseline/progressive JPEG frame header (SOF0/SOF2) to declare width×height."""
    out = bytearray(data)
    i = 0
    while True:
        i = out.find(b"\xff\xc0", i)
        j = out.find(b"\xff\xc2", i if i >= 0 else 0)
        if i < 0 and j < 0:
            return bytes(out)
        k = i if (i >= 0 and (j < 0 or i < j)) else j
        out[k + 5:k + 9] = struct.pack(">HH", height, width)
        i = k + 9


def truncated_jpeg(path: Path, width: int = 9000, height: int = 8000) -> Path:
    """A complete small JPEG whose frame header claims width×height: its scan data ends long before."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 200, 200)).save(buf, "JPEG", quality=90)
    path.write_bytes(_patch_sof(buf.getvalue(), width, height))
    return path


def huge_frame_mp4(path: Path, width: int = 16000, height: int = 15992, frames: int = 48) -> Path:
    """A short Motion-JPEG MP4 of tiny frames, its sample entry, track header and every JPEG frame
    rewritten to claim width×height."""
    import av
    import numpy as np

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as c:
        s = c.add_stream("mjpeg", rate=24)
        s.width, s.height, s.pix_fmt = 16, 16, "yuvj420p"
        img = np.full((16, 16, 3), 128, np.uint8)
        for _ in range(frames):
            for pkt in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    data = bytearray(_patch_sof(buf.getvalue(), width, height))
    # Visual sample entry (stsd 'jpeg'/'mp4v'): width/height are 16-bit, 24 bytes after the type.
    for fourcc in (b"jpeg", b"mp4v", b"mjpa"):
        k = data.find(fourcc)
        if k > 0 and data[k - 4 - 4:k - 4] != b"stsd":
            data[k + 28:k + 32] = struct.pack(">HH", width, height)
    k = data.find(b"tkhd")  # track header: 16.16 fixed-point width and height in its last 8 bytes
    if k > 0:
        size = struct.unpack(">I", data[k - 4:k])[0]
        end = k - 4 + size
        data[end - 8:end] = struct.pack(">II", width << 16, height << 16)
    path.write_bytes(bytes(data))
    return path


def huge_image_pdf(path: Path, side_px: int = 40000) -> Path:
    """An A4 page embedding an image whose dictionary declares side_px × side_px pixels."""
    import pymupdf
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buf, "PNG")
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_image(page.rect, stream=buf.getvalue())
    xref = doc.get_page_images(0)[0][0]
    doc.xref_set_key(xref, "Width", str(side_px))
    doc.xref_set_key(xref, "Height", str(side_px))
    doc.save(path, garbage=4, deflate=True)
    doc.close()
    return path
