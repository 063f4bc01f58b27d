"""Render a store-visit video for a `DossierSpec`: one hand-held take that walks from the store
sign to the shelf (product with its EAN barcode held to the camera), the till (total and payment
words in the local language) and the printed receipt held to the camera (PyAV, H.264).

The camera dwells on each scene and pans between them with jitter, motion blur and drifting light,
as a phone in a hand does. Container metadata looks like a phone original (no `Lavf` encoder tag):
creation time, make/model, ISO 6709 location.

Defect knobs (keyword arguments, defaulting to `spec.extras`):
  video_stages   order of scenes shown, e.g. ["store", "payment", "shelf_pick", "receipt"] or
                 with one left out;
  video_splice   True: the second half comes from another take (another position, light, tint);
  video_pts_gap  seconds: drop that much footage mid-video but keep the timestamps (a jump);
  video_software an editing app written into `com.apple.quicktime.software` (e.g. "CapCut 12.1");
  video_location (lat, lon) written as the recording location instead of the store's.
"""
from __future__ import annotations

import math
import random
import re
from fractions import Fraction
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Sequence

import av
import numpy as np
from PIL import Image, ImageDraw

from originproof.samples.documents import receipt_lines
from originproof.samples.fonts import pil_font, script_for_lang
from originproof.samples.spec import DossierSpec

STAGES = ("store", "shelf_pick", "payment", "receipt")
# Till words in the store's language: (payment, total).
PAY_WORDS = {"ja": ("お会計", "合計"), "ko": ("결제", "합계"), "en": ("PAYMENT", "TOTAL"), "de": ("Bezahlen", "Summe"),
             "fr": ("Paiement", "Total à payer"), "it": ("Pagamento", "Totale")}
CUR_SIGN = {"JPY": "¥", "KRW": "₩", "USD": "$", "EUR": "€", "AUD": "$", "GBP": "£"}
# Summer UTC offsets of the sample stores (enough to turn a local receipt time into UTC).
UTC_OFFSET_H = {"JP": 9, "KR": 9, "US": -7, "DE": 2, "FR": 2, "IT": 2, "AU": 10, "GB": 1}


def visit_day(spec: DossierSpec, i: int) -> date:
    """The day store visit i really happened (the clean receipt prints the same day)."""
    d0 = spec.submitted_at.date()
    return d0.fromordinal(d0.toordinal() - 20 + i)


def visit_time(spec: DossierSpec, i: int) -> datetime:
    """Recording start in UTC: a few minutes before the receipt's 14:1i local time."""
    off = timezone(timedelta(hours=UTC_OFFSET_H.get(spec.country, 0)))
    local = datetime.combine(visit_day(spec, i), datetime.min.time(), off).replace(hour=14, minute=8 + i)
    return local.astimezone(timezone.utc)


# --------------------------------------------------------------------------- scene panels
def _text(d: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, script: str, fill) -> None:
    d.text(xy, text, fill=fill, font=pil_font(script, max(8, size)))


def _barcode(gtin: str, module: int) -> Image.Image | None:
    try:
        import zxingcpp
        bc = zxingcpp.create_barcode(gtin, zxingcpp.BarcodeFormat.EAN13)
        img = Image.fromarray(np.asarray(bc.to_image(scale=1, add_quiet_zones=True)))
    except Exception:  # noqa: BLE001 — an invalid GTIN simply shows no barcode
        return None
    return img.resize((img.width * module, max(img.height * module, module * 30)), Image.NEAREST).convert("RGB")


def _shopper(d: ImageDraw.ImageDraw, x: int, y: int, hh: int, lay: random.Random) -> None:
    """A passer-by in the aisle: head and body, somebody different in every take."""
    col = tuple(lay.randint(30, 200) for _ in range(3))
    bw = int(hh * 0.34)
    d.ellipse([x - bw // 3, y, x + bw // 3, y + bw * 2 // 3], fill=(lay.randint(150, 210), lay.randint(110, 170), 120))
    d.rounded_rectangle([x - bw // 2, y + bw * 2 // 3, x + bw // 2, y + hh], radius=max(1, bw // 4), fill=col)


# Storefront designs: how the chain's sign is drawn. "banner" (the name on the shop's colour, top left),
# "fascia" (a light fascia band with the name centred in the chain's colour and its Latin name under it),
# "lightbox" (a dark board, the name right-aligned, the branch on the left). "lightbox" is the held-out
# variety: generated only when asked for (`spec.extras["storefront"]`), never used while tuning readers.
STOREFRONTS = ("banner", "fascia")
HELD_OUT_STOREFRONT = "lightbox"


def storefront_style(spec: DossierSpec, i: int, lay: random.Random) -> str:
    """The design asked for in `spec.extras["storefront"]` ("auto": one of the tuning designs, drawn
    from the take's layout); without it the classic banner, drawn exactly as before, so existing
    takes and the corpus cache stay the same (the fascia's bright wall still reads as a cut to the
    continuity scan: see the video issue)."""
    want = spec.extras.get("storefront")
    if want in STOREFRONTS + (HELD_OUT_STOREFRONT,):
        return want
    if want == "auto":
        return STOREFRONTS[lay.randrange(len(STOREFRONTS))]
    return "banner"


def _store_panel(spec: DossierSpec, i: int, w: int, h: int, sc: str, lay: random.Random) -> Image.Image:
    st = spec.stores[i]
    palette = [(200, 30, 40), (30, 70, 160), (20, 120, 60), (230, 120, 20), (110, 40, 130), (0, 120, 140)]
    colour = palette[sum(map(ord, st.chain_local)) % len(palette)]
    style = storefront_style(spec, i, lay)
    if style != "banner":
        return _storefront(spec, i, w, h, sc, lay, style, colour)
    img = Image.new("RGB", (w, h), colour)
    d = ImageDraw.Draw(img)
    floor = int(h * lay.uniform(0.6, 0.66))
    d.rectangle([0, floor, w, h], fill=(225, 222, 210))  # aisle below the sign
    for k in range(6):
        y = floor + int(h * 0.04) + k * h // 18
        d.line([0, y, w, y], fill=(150, 140, 120), width=max(1, h // 180))
    for _ in range(lay.randint(2, 4)):  # other shoppers, never the same twice
        _shopper(d, lay.randint(w // 10, w * 9 // 10), floor - lay.randint(h // 40, h // 6), lay.randint(h // 5, h // 3), lay)
    x0 = w // 8 + lay.randint(0, w // 14)  # clear of the frame edge however the camera frames it
    sign = spec.extras.get("sign_chain", st.chain_local)
    size = h // 7
    while size > h // 14 and d.textlength(sign, font=pil_font(sc, size)) > w * 0.84 - x0:
        size -= max(1, size // 12)
    _text(d, (x0, h // 8 + lay.randint(-h // 40, h // 40)), sign, size, sc, (255, 255, 255))
    _text(d, (x0, int(h * 0.38)), st.branch, h // 13, sc, (255, 240, 240))
    return img


def _storefront(spec: DossierSpec, i: int, w: int, h: int, sc: str, lay: random.Random, style: str,
                colour: tuple[int, int, int]) -> Image.Image:
    """A shop front: a wall, the sign above the entrance, glass doors with goods behind them."""
    st = spec.stores[i]
    wall = tuple(lay.randint(150, 215) for _ in range(3))
    img = Image.new("RGB", (w, h), wall)
    d = ImageDraw.Draw(img)
    top, bottom = int(h * lay.uniform(0.06, 0.1)), int(h * lay.uniform(0.36, 0.42))
    x0, x1 = w // 12, w * 11 // 12
    if style == "fascia":
        d.rectangle([x0, top, x1, bottom], fill=(246, 244, 236))
        d.rectangle([x0, bottom - h // 60, x1, bottom], fill=colour)
        ink, ink2 = colour, (60, 60, 60)
    else:  # lightbox
        d.rectangle([x0, top, x1, bottom], fill=(28, 30, 34))
        ink, ink2 = (250, 250, 250), (210, 210, 210)
    sign = spec.extras.get("sign_chain", st.chain_local)
    size = (bottom - top) * 11 // 20
    while size > h // 14 and d.textlength(sign, font=pil_font(sc, size)) > (x1 - x0) * 0.8:
        size -= max(1, size // 12)
    tw = d.textlength(sign, font=pil_font(sc, size))
    tx = (w - tw) / 2 if style == "fascia" else x1 - tw - w // 30
    _text(d, (int(tx), top + (bottom - top) // 10), sign, size, sc, ink)
    latin = st.chain if st.chain != sign and re.fullmatch(r"[\x20-\x7e]+", st.chain or "") else ""
    small = max(9, h // 20)
    if style == "fascia" and latin:
        lw = d.textlength(latin, font=pil_font("latin", small))
        _text(d, (int((w - lw) / 2), top + (bottom - top) * 7 // 10), latin, small, "latin", ink2)
    branch_x = x0 + w // 30 if style == "lightbox" else x1 - int(d.textlength(st.branch, font=pil_font(sc, small))) - w // 40
    _text(d, (branch_x, bottom + h // 40), st.branch, small, sc, (40, 40, 40))
    for k in range(3):  # glass doors with goods behind
        gx = x0 + k * (x1 - x0) // 3 + w // 40
        gw = (x1 - x0) // 3 - w // 20
        d.rectangle([gx, bottom + h // 8, gx + gw, h - h // 20], fill=(120, 140, 150), outline=(60, 60, 60))
        for j in range(4):
            bx = gx + w // 60 + j * gw // 5
            d.rectangle([bx, bottom + h // 4, bx + gw // 7, bottom + h // 3], fill=tuple(lay.randint(40, 230) for _ in range(3)))
    return img


def _shelf_panel(spec: DossierSpec, i: int, w: int, h: int, sc: str, lay: random.Random) -> Image.Image:
    prod = spec.products[0]
    img = Image.new("RGB", (w, h), (120, 105, 85))
    d = ImageDraw.Draw(img)
    for k in range(1, 4):  # shelf boards and the goods on them behind the product
        y = k * h // 4 + lay.randint(-h // 30, h // 30)
        d.rectangle([0, y - h // 60, w, y + h // 60], fill=(90, 75, 60))
        x = lay.randint(0, w // 20)
        while x < w:
            bw = lay.randint(w // 30, w // 12)
            d.rectangle([x, y - h // 60 - lay.randint(h // 14, h // 6), x + bw, y - h // 60],
                        fill=tuple(lay.randint(40, 230) for _ in range(3)))
            x += bw + lay.randint(1, w // 40)
    # the product box held to the camera: where and how close depends on the hand
    dx, dy = lay.randint(-w // 25, w // 25), lay.randint(-h // 40, h // 40)
    x0, y0, x1, y1 = w // 10 + dx, h // 12 + dy, w * 9 // 10 + dx, h * 11 // 12 + dy
    d.rectangle([x0, y0, x1, y1], fill=(240, 238, 230))
    _text(d, (x0 + w // 30, y0 + h // 24), spec.brand, h // 10, "latin", (30, 60, 130))
    _text(d, (x0 + w // 30, y0 + h // 5), prod.name_local, h // 17, sc, (20, 20, 20))
    bc = _barcode(prod.gtin, max(2, h // 150))
    if bc is not None:
        img.paste(bc, (x0 + w // 30, y1 - bc.height - h // 30))
        _text(d, (x0 + w // 30 + bc.width + w // 40, y1 - h // 8), prod.gtin, h // 22, "latin", (20, 20, 20))
    return img


def _payment_panel(spec: DossierSpec, i: int, w: int, h: int, sc: str, lay: random.Random) -> Image.Image:
    prod = spec.products[0]
    pay, total = PAY_WORDS.get(spec.lang, PAY_WORDS["en"])
    cur = CUR_SIGN.get(spec.currency, "")
    img = Image.new("RGB", (w, h), (70, 72, 80))
    d = ImageDraw.Draw(img)
    for _ in range(lay.randint(3, 6)):  # counter clutter: bags, baskets, the cashier's things
        x, y = lay.randint(0, w), lay.randint(h * 2 // 3, h)
        d.rectangle([x, y, x + lay.randint(w // 20, w // 6), y + lay.randint(h // 20, h // 6)],
                    fill=tuple(lay.randint(20, 220) for _ in range(3)))
    dx, dy = lay.randint(-w // 16, w // 16), lay.randint(-h // 40, h // 30)
    d.rectangle([w // 8 + dx, h // 8 + dy, w * 7 // 8 + dx, h * 5 // 8 + dy], fill=(15, 40, 30))  # till display
    _text(d, (w // 6 + dx, h // 6 + dy), pay, h // 9, sc, (120, 255, 160))
    _text(d, (w // 6 + dx, int(h * 0.36) + dy), f"{total} {cur}{prod.price}", h // 9, sc, (120, 255, 160))
    tx = lay.randint(w // 5, w * 2 // 5)
    d.rectangle([tx, int(h * 0.7), tx + w // 3, h], fill=(40, 40, 44))  # card terminal
    _text(d, (tx + w // 30, int(h * 0.74)), "VISA  IC", h // 16, "latin", (230, 230, 230))
    return img


def _receipt_panel(spec: DossierSpec, i: int, w: int, h: int, sc: str, lay: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h), (55, 50, 48))
    d = ImageDraw.Draw(img)
    for _ in range(lay.randint(2, 5)):  # whatever lies on the counter under the receipt
        x, y = lay.randint(0, w), lay.randint(0, h)
        d.ellipse([x, y, x + lay.randint(w // 16, w // 5), y + lay.randint(h // 16, h // 5)],
                  fill=tuple(lay.randint(30, 160) for _ in range(3)))
    lines = receipt_lines(spec, i)
    size = max(9, h // 24)
    step = int(size * 1.55)
    ph = step * len(lines) + size * 2
    top = max(2, (h - ph) // 2 + lay.randint(-h // 30, h // 30))
    left = w // 5 + lay.randint(-w // 12, w // 12)
    d.rectangle([left, top, left + w * 3 // 5, min(h - 2, top + ph)], fill=(250, 250, 246))
    for k, ln in enumerate(lines):
        _text(d, (left + size, top + size + k * step), ln, size, sc, (15, 15, 15))
    return img


PANELS = {"store": _store_panel, "shelf_pick": _shelf_panel, "payment": _payment_panel, "receipt": _receipt_panel}


def _aisle(w: int, h: int, rng: random.Random) -> Image.Image:
    """Texture walked past between scenes, so pans stay continuous."""
    img = Image.new("RGB", (w, h), (185, 180, 170))
    d = ImageDraw.Draw(img)
    x = 0
    while x < w:
        bw = rng.randint(w // 30, w // 10)
        col = tuple(rng.randint(60, 230) for _ in range(3))
        d.rectangle([x, rng.randint(h // 5, h // 2), x + bw, h * 4 // 5], fill=col)
        x += bw + rng.randint(2, w // 40)
    return img


def store_panorama(spec: DossierSpec, i: int, h: int = 360, stages: Sequence[str] | None = None,
                   seed: int = 0) -> tuple[Image.Image, list[float]]:
    """The walk as one wide image and the x-centres (left edges) of each scene in it."""
    sc = script_for_lang(spec.lang)
    w = int(h * 16 / 9)
    stages = list(stages or STAGES)
    rng = random.Random(seed * 7 + i)
    lay = random.Random(seed * 7919 + i * 13 + 1)  # where things stand and who is around in this take
    parts: list[Image.Image] = []
    lefts: list[float] = []
    x = 0
    for k, st in enumerate(stages):
        if k:
            a = _aisle(w // 2, h, rng)
            parts.append(a)
            x += a.width
        lefts.append(float(x))
        p = PANELS[st](spec, i, w, h, sc, lay)
        parts.append(p)
        x += p.width
    pano = Image.new("RGB", (x, h))
    xx = 0
    for p in parts:
        pano.paste(p, (xx, 0))
        xx += p.width
    return pano, lefts


# --------------------------------------------------------------------------- camera
def _path(lefts: list[float], seconds: float, dwell_share: float = 0.62) -> Any:
    """Camera x (left edge) over time: dwell on each scene, smooth pan between them."""
    n = len(lefts)
    dwell = dwell_share * seconds / n
    pan = (seconds - dwell * n) / max(1, n - 1)

    def x_at(t: float) -> float:
        t = min(max(t, 0.0), seconds)
        for k in range(n):
            start = k * (dwell + pan)
            if t <= start + dwell or k == n - 1:
                return lefts[k]
            if t < start + dwell + pan:
                u = (t - start - dwell) / pan
                u = u * u * (3 - 2 * u)
                return lefts[k] + (lefts[k + 1] - lefts[k]) * u
        return lefts[-1]
    return x_at, dwell, pan


def render_store_video(spec: DossierSpec, i: int, out: Path, *, seconds: float = 8.0, fps: int = 15,
                       size: tuple[int, int] = (640, 360), created_at: datetime | None = None,
                       location: tuple[float, float] | None = None, seed: int = 0,
                       stages: Sequence[str] | None = None, splice: bool | None = None,
                       pts_gap: float | None = None, software: str | None = None,
                       make_model: tuple[str, str] = ("Apple", "iPhone 14"), crf: int = 24) -> Path:
    import cv2

    ex = spec.extras
    stages = list(stages if stages is not None else ex.get("video_stages", STAGES))
    splice = bool(ex.get("video_splice", False) if splice is None else splice)
    pts_gap = float(ex.get("video_pts_gap", 0.0) if pts_gap is None else pts_gap)
    software = software if software is not None else ex.get("video_software")
    location = tuple(ex["video_location"]) if ex.get("video_location") else location
    w, h = size
    rng = random.Random(seed * 1009 + i)
    # Every take is filmed differently: how close the phone is, how the scenes are framed, how long
    # each is held, the light and white balance of that day — only a copy of a take shares them.
    zoom = rng.uniform(1.0, 1.18)
    ph = max(h, int(round(h * zoom)) // 2 * 2)
    pano_img, lefts = store_panorama(spec, i, ph, stages, seed)
    pano = np.asarray(pano_img)
    pw = int(ph * 16 / 9)
    lefts = [float(np.clip(l + (pw - w) / 2 + rng.uniform(-0.04, 0.04) * w, 0, pano.shape[1] - w)) for l in lefts]
    voff = (ph - h) // 2
    span = pano.shape[1] - w
    x_at, dwell, pan = _path(lefts, seconds, 0.55 + 0.14 * rng.random())
    tilt = int(h * rng.uniform(-0.06, 0.06))
    light0, amp, period = rng.uniform(0.88, 1.08), rng.uniform(0.04, 0.11), rng.uniform(1.3, 2.6)
    balance = np.array([rng.uniform(0.93, 1.05) for _ in range(3)], np.float32)
    n = int(round(seconds * fps))
    nrng = np.random.default_rng(seed * 31 + i)
    noise = nrng.normal(0, 2.5, (h + 16, w + 16, 3)).astype(np.float32)
    # A splice joins another take: later in the walk, other light and tint, another hand.
    cut_at = (dwell + pan) * 1.0 + dwell * 0.5 if splice else None
    gap_at = seconds * 0.45 if pts_gap else None
    out.parent.mkdir(parents=True, exist_ok=True)
    when = created_at or visit_time(spec, i)
    meta = {"creation_time": when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
            "com.apple.quicktime.make": make_model[0], "com.apple.quicktime.model": make_model[1],
            "com.apple.quicktime.creationdate": when.strftime("%Y-%m-%dT%H:%M:%S%z")}
    if software:
        meta["com.apple.quicktime.software"] = software
    if location:
        iso = f"{location[0]:+08.4f}{location[1]:+09.4f}"
        meta["location"] = iso + "/"
        meta["com.apple.quicktime.location.ISO6709"] = iso + "+035.000/"
    with av.open(str(out), "w", format="mp4",
                 options={"movflags": "use_metadata_tags", "fflags": "+bitexact"}) as c:
        for k, v in meta.items():
            c.metadata[k] = v
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.options = {"crf": str(crf), "preset": "veryfast"}
        s.metadata["handler_name"] = "Core Media Video"
        jx = jy = 0.0
        prev_x = None
        take_b = False
        for k in range(n):
            t = k / fps
            if gap_at is not None and t >= gap_at:
                t = t + pts_gap  # the footage in between was cut out; the clock keeps running
            if cut_at is not None and t >= cut_at:
                take_b = True
            tt = t + ((dwell + pan) if take_b else 0.0)  # take B resumes one scene further on
            x = x_at(tt) + (w * 0.06 if take_b else 0.0)
            jx = 0.85 * jx + rng.uniform(-2.5, 2.5)
            jy = 0.85 * jy + rng.uniform(-1.6, 1.6)
            x0 = int(min(max(x + jx, 0), span))
            frame = pano[voff:voff + h, x0:x0 + w].astype(np.float32)
            frame = np.roll(frame, int(jy) + tilt, axis=0)
            v = abs(x0 - prev_x) if prev_x is not None else 0
            prev_x = x0
            if v > 3:  # motion blur of a moving phone
                frame = cv2.blur(frame, (min(int(v), 31), 1))
            light = light0 * (1.0 + amp * math.sin(t / period + seed) + 0.04 * math.sin(t * 2.3))
            if take_b:
                light *= 0.78
                frame = frame * np.array([1.0, 0.93, 0.82], np.float32)
            ox, oy = rng.randint(0, 15), rng.randint(0, 15)
            frame = frame * (light * balance) + noise[oy:oy + h, ox:ox + w]
            frame = np.clip(frame, 0, 255).astype(np.uint8)
            vf = av.VideoFrame.from_ndarray(frame, format="rgb24")
            vf.pts = int(round(t * fps))
            vf.time_base = Fraction(1, fps)
            for pkt in s.encode(vf):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    return out


def reencode_video(src: Path, out: Path, *, size: tuple[int, int], crf: int = 28, mirror: bool = False,
                   trim_start: float = 0.0) -> Path:
    """The same footage passed through another encoder: other size, quality, optionally mirrored or
    trimmed; metadata copied so that only the pixels tell it is a copy."""
    import cv2

    out.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(src)) as ic:
        meta = dict(ic.metadata)
        ist = ic.streams.video[0]
        fps = int(round(float(ist.average_rate or 15)))
        with av.open(str(out), "w", format="mp4",
                     options={"movflags": "use_metadata_tags", "fflags": "+bitexact"}) as oc:
            for k, v in meta.items():
                if k not in ("major_brand", "minor_version", "compatible_brands", "encoder", "location-eng"):
                    oc.metadata[k] = v
            s = oc.add_stream("libx264", rate=fps)
            s.width, s.height, s.pix_fmt = size[0], size[1], "yuv420p"
            s.options = {"crf": str(crf), "preset": "veryfast"}
            for fr in ic.decode(ist):
                if fr.time is not None and fr.time < trim_start:
                    continue
                a = fr.to_ndarray(format="rgb24")
                a = cv2.resize(a, size, interpolation=cv2.INTER_AREA)
                if mirror:
                    a = np.ascontiguousarray(a[:, ::-1])
                for pkt in s.encode(av.VideoFrame.from_ndarray(a, format="rgb24")):
                    oc.mux(pkt)
            for pkt in s.encode():
                oc.mux(pkt)
    return out
