"""Offline reverse geocoding (GPS → ISO country) and great-circle distance.

The country shapes ship with the package (`registry/data/geo/countries_110m.json`, ≈ 170 countries,
Natural Earth 1:110m outlines as redistributed in the MIT-licensed `countryinfo` wheel, coordinates
rounded to 0.001°). At that scale borders are off by up to ~10–20 km and micro-states are
missing, so a point close to another country's outline gets a lowered confidence, and a point in
no outline (sea, a missing micro-state) within a coastal margin is given to the nearest country
with a lowered confidence; farther out it is `None`. Nothing is fetched at run time.

Rebuild the data: `python -m originproof.evidence.video.geo build <unpacked countryinfo dir>`.
"""
from __future__ import annotations

import functools
import json
import math
from importlib import resources
from pathlib import Path

import numpy as np

DATA = ("originproof.registry", "data/geo/countries_110m.json")
BORDER_MARGIN_KM = 25.0  # the outline's own error: closer than this to a foreign outline is uncertain
COAST_MARGIN_KM = 30.0  # a shop on a coast may lie outside the coarse outline


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


@functools.lru_cache(maxsize=1)
def _shapes() -> dict[str, tuple[np.ndarray, list[np.ndarray]]]:
    """country → (bbox [minlon, minlat, maxlon, maxlat], rings as (n,2) lon/lat arrays)."""
    pkg, rel = DATA
    raw = json.loads(resources.files(pkg).joinpath(rel).read_text("utf-8"))
    out = {}
    for cc, rings in raw["countries"].items():
        arrs = [np.asarray(r, dtype=np.float64).reshape(-1, 2) / 1000.0 for r in rings]
        allp = np.concatenate(arrs)
        out[cc] = (np.array([allp[:, 0].min(), allp[:, 1].min(), allp[:, 0].max(), allp[:, 1].max()]), arrs)
    return out


def _inside(lon: float, lat: float, rings: list[np.ndarray]) -> bool:
    """Even-odd rule over all rings (holes are rings too)."""
    inside = False
    for r in rings:
        x1, y1 = r[:, 0], r[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        cond = (y1 > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            xs = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        inside ^= bool(np.count_nonzero(cond & (lon < xs)) % 2)
    return inside


def _edge_km(lon: float, lat: float, rings: list[np.ndarray]) -> float:
    """Distance from the point to the nearest outline edge (local equirectangular, km)."""
    kx = 111.32 * math.cos(math.radians(lat))
    best = float("inf")
    for r in rings:
        a = np.column_stack(((r[:, 0] - lon) * kx, (r[:, 1] - lat) * 110.57))
        b = np.roll(a, -1, axis=0)
        d = b - a
        L = np.einsum("ij,ij->i", d, d)
        t = np.clip(np.where(L > 0, -np.einsum("ij,ij->i", a, d) / np.where(L > 0, L, 1), 0), 0, 1)
        p = a + d * t[:, None]
        best = min(best, float(np.sqrt(np.einsum("ij,ij->i", p, p)).min()))
    return best


def country_at(lat: float, lon: float) -> tuple[str | None, float]:
    """ISO alpha-2 country of a GPS point and a confidence (0–1); (None, 0) at sea / unknown."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, 0.0
    shapes = _shapes()
    pad = 1.0  # degrees: candidate outlines near the point
    near = [(cc, rings) for cc, (bb, rings) in shapes.items()
            if bb[0] - pad <= lon <= bb[2] + pad and bb[1] - pad <= lat <= bb[3] + pad]
    home = next((cc for cc, rings in near if _inside(lon, lat, rings)), None)
    dists = {cc: _edge_km(lon, lat, rings) for cc, rings in near if cc != home}
    if home is not None:
        foreign = min(dists.values(), default=float("inf"))
        return home, (0.97 if foreign > BORDER_MARGIN_KM else 0.6)
    if not dists:
        return None, 0.0
    ranked = sorted(dists.items(), key=lambda kv: kv[1])
    cc, d = ranked[0]
    if d > COAST_MARGIN_KM:
        return None, 0.0
    second = ranked[1][1] if len(ranked) > 1 else float("inf")
    return cc, (0.85 if second - d > BORDER_MARGIN_KM else 0.5)


def build(src_dir: Path, out: Path) -> dict[str, int]:
    """Compact the countryinfo per-country GeoJSON into one file of integer (×1000) lon/lat rings."""
    countries: dict[str, list[list[int]]] = {}
    for f in sorted(Path(src_dir).glob("**/data/*.json")):
        d = json.loads(f.read_text("utf-8"))
        iso = (d.get("ISO") or {}).get("alpha2")
        feats = (d.get("geoJSON") or {}).get("features") or []
        if not iso or not feats:
            continue
        geom = feats[0]["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = []
        for poly in polys:
            for ring in poly:
                flat = [int(round(v * 1000)) for pt in ring for v in pt[:2]]
                rings.append(flat)
        countries[iso.upper()] = rings
    doc = {"format": "originproof/countries@1",
           "source": "Natural Earth 1:110m admin-0 outlines (public domain) via the countryinfo 1.0.1 wheel "
                     "(MIT, data/*.json geoJSON); lon/lat × 1000, even-odd rings",
           "countries": countries}
    out.write_text(json.dumps(doc, separators=(",", ":")), "utf-8")
    return {"countries": len(countries), "bytes": out.stat().st_size}


if __name__ == "__main__":  # pragma: no cover
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        dst = Path(__file__).resolve().parents[2] / "registry" / "data" / "geo" / "countries_110m.json"
        print(build(Path(sys.argv[2]), dst))
