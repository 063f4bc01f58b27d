"""Container facts of a video: stream geometry and the recording metadata phones write
(creation time, make/model, software, ISO 6709 location) plus tags that betray an editor."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import av

# Keys whose values name the producing software (container or stream level).
SOFTWARE_KEYS = ("encoder", "com.apple.quicktime.software", "software", "handler_name", "comment",
                 "com.android.version", "major_brand", "compatible_brands", "title", "description")
LOCATION_KEYS = ("com.apple.quicktime.location.ISO6709", "location", "location-eng")
CREATED_KEYS = ("com.apple.quicktime.creationdate", "creation_time", "date")
_ISO6709 = re.compile(r"^\s*([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?/?\s*$")


@dataclass
class Probe:
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    codec: str | None = None
    fps: float | None = None
    rotation: int = 0
    created_at: datetime | None = None
    created_key: str | None = None
    make: str | None = None
    model: str | None = None
    location: tuple[float, float] | None = None
    location_key: str | None = None
    software_tags: list[tuple[str, str]] = field(default_factory=list)  # (key, value) that name software
    metadata: dict[str, str] = field(default_factory=dict)
    stream_metadata: dict[str, str] = field(default_factory=dict)


def _dms(v: str, deg_digits: int) -> float:
    """ISO 6709 number: ±DD.D, ±DDMM.M or ±DDMMSS.S (DDD for longitude)."""
    sign = -1.0 if v.startswith("-") else 1.0
    body = v.lstrip("+-")
    ip = body.split(".")[0]
    if len(ip) <= deg_digits:
        return sign * float(body)
    deg = float(ip[:deg_digits])
    rest = body[deg_digits:]
    if len(ip) == deg_digits + 2:
        return sign * (deg + float(rest) / 60)
    return sign * (deg + float(rest[:2]) / 60 + float(rest[2:]) / 3600)


def parse_iso6709(text: str) -> tuple[float, float] | None:
    m = _ISO6709.match(text or "")
    if not m:
        return None
    try:
        lat, lon = _dms(m.group(1), 2), _dms(m.group(2), 3)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return lat, lon


def parse_created(text: str) -> datetime | None:
    t = (text or "").strip()
    if not t or t.startswith(("0000", "1904-01-01", "1970-01-01")):
        return None  # unset QuickTime / epoch zero: no creation time
    t = t.replace("Z", "+00:00")
    t = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", t)
    try:
        d = datetime.fromisoformat(t)
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def probe_container(c: Any) -> Probe:
    """Read what the container says (no decoding)."""
    p = Probe()
    md = {str(k): str(v) for k, v in (c.metadata or {}).items()}
    p.metadata = md
    vs = c.streams.video[0] if c.streams.video else None
    if vs is not None:
        p.stream_metadata = {str(k): str(v) for k, v in (vs.metadata or {}).items()}
        cc = vs.codec_context
        p.width, p.height, p.codec = cc.width or None, cc.height or None, cc.name
        rate = vs.average_rate or vs.guessed_rate
        p.fps = float(rate) if rate else None
        if vs.duration is not None and vs.time_base is not None:
            p.duration = float(vs.duration * vs.time_base)
        rot = p.stream_metadata.get("rotate")
        if rot and rot.lstrip("-").isdigit():
            p.rotation = int(rot) % 360
    if p.duration is None and c.duration:
        p.duration = c.duration / 1_000_000
    for k in CREATED_KEYS:
        v = md.get(k) or p.stream_metadata.get(k)
        d = parse_created(v) if v else None
        if d is not None:
            p.created_at, p.created_key = d, k
            break
    p.make = md.get("com.apple.quicktime.make") or md.get("make") or md.get("com.android.manufacturer")
    p.model = md.get("com.apple.quicktime.model") or md.get("model") or md.get("com.android.model")
    for k in LOCATION_KEYS:
        loc = parse_iso6709(md.get(k, ""))
        if loc:
            p.location, p.location_key = loc, k
            break
    for src in (md, p.stream_metadata):
        for k, v in src.items():
            if k in SOFTWARE_KEYS or "software" in k.lower() or "encoder" in k.lower():
                p.software_tags.append((k, v))
    return p


def editing_traces(p: Probe, tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Registry tools (editing_tools.yaml) named by the software tags; longest match per tag wins."""
    found = []
    for key, value in p.software_tags:
        low = value.casefold()
        best, blen = None, 0
        for t in tools:
            for m in t.get("match") or []:
                ml = str(m).casefold()
                if len(ml) < 4 and not re.search(r"(?<![a-z])" + re.escape(ml) + r"(?![a-z])", low):
                    continue
                if ml in low and len(ml) > blen:
                    best, blen = t, len(ml)
        if best is not None and best.get("editing"):
            found.append({"tool": best.get("name"), "tag": key, "value": value, "weak": bool(best.get("weak"))})
    return found


def open_video(path: str) -> Any:
    return av.open(path, metadata_errors="ignore")
