"""Render a store-visit video for a `DossierSpec`: one continuous hand-held take that pans from
the store entrance to the shelf, the till and the printed receipt (PyAV, H.264)."""
from __future__ import annotations

import math
import random
from datetime import datetime
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

from originproof.samples.documents import receipt_lines
from originproof.samples.fonts import pil_font, script_for_lang
from originproof.samples.spec import DossierSpec


def _panel(w: int, h: int, bg: tuple[int, int, int], lines: list[tuple[str, int]], script: str) -> Image.Image:
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    y = h // 6
    for text, size in lines:
        f = pil_font(script, size)
        d.text((w // 12, y), text, fill=(20, 20, 20) if sum(bg) > 380 else (250, 250, 250), font=f)
        y += int(size * 1.5)
    return img


def store_panorama(spec: DossierSpec, i: int, h: int = 360) -> Image.Image:
    st = spec.stores[i]
    sc = script_for_lang(spec.lang)
    prod = spec.products[0]
    w = int(h * 16 / 9)
    panels = [
        _panel(w, h, (200, 30, 40), [(spec.extras.get("sign_chain", st.chain_local), 44), (st.branch, 26)], sc),
        _panel(w, h, (235, 235, 225), [(prod.name_local, 26), (spec.brand, 34), (prod.gtin, 22)], sc),
        _panel(w, h, (60, 70, 90), [("TOTAL", 34), (prod.price + " " + spec.currency, 30)], sc),
        _panel(w, h, (250, 250, 248), [(t, 18) for t in receipt_lines(spec, i)[:8]], sc),
    ]
    pano = Image.new("RGB", (w * len(panels), h))
    for k, p in enumerate(panels):
        pano.paste(p, (k * w, 0))
    return pano


def render_store_video(spec: DossierSpec, i: int, out: Path, *, seconds: float = 8.0, fps: int = 15,
                       size: tuple[int, int] = (640, 360), created_at: datetime | None = None,
                       location: tuple[float, float] | None = None, seed: int = 0) -> Path:
    w, h = size
    pano = np.asarray(store_panorama(spec, i, h))
    rng = random.Random(seed)
    n = int(seconds * fps)
    span = pano.shape[1] - w
    out.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(out), "w", format="mp4") as c:
        when = created_at or spec.submitted_at.replace(day=max(1, spec.submitted_at.day - 3))
        c.metadata["creation_time"] = when.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        if location:
            c.metadata["location"] = f"{location[0]:+08.4f}{location[1]:+09.4f}/"
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.options = {"crf": "26", "preset": "veryfast"}
        jx = jy = 0.0
        for k in range(n):
            # Ease along the panorama, dwelling on each panel, with hand-held jitter.
            u = k / max(1, n - 1)
            x = span * (u - math.sin(2 * math.pi * u * 3) / (2 * math.pi * 3))
            jx = 0.8 * jx + rng.uniform(-3, 3)
            jy = 0.8 * jy + rng.uniform(-2, 2)
            x0 = int(min(max(x + jx, 0), span))
            frame = pano[:, x0:x0 + w].copy()
            dy = int(jy)
            frame = np.roll(frame, dy, axis=0)
            light = 1.0 + 0.08 * math.sin(k / 11)
            frame = np.clip(frame.astype(np.float32) * light, 0, 255).astype(np.uint8)
            for pkt in s.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    return out
