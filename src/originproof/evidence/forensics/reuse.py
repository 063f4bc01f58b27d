"""Where else have we seen this evidence? Near-duplicate lookup across every dossier in the store.

What counts as reuse (spec/rules.md "Reuse"):
- a resubmission by the same merchant for the same brand is not;
- a factory licence seen again in another brand's dossier is not, when it is the same licence
  (same holder, number, dates — so every dossier names that same factory);
- shipment- and party-specific evidence (certificates of origin, customs declarations, agreements,
  receipts, videos) seen again for another merchant or brand is;
- a near-copy with changed names, numbers or dates (same wording and form, part of the filled-in
  content identical, the rest changed) always is — a factory licence included.
Only filled-in content is compared (fields128) — the printed form (every 报关单 shares one) is
masked out of the template signature and never counts on its own.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from originproof.evidence.forensics.fingerprints import minhash_array
from originproof.evidence.forensics.index import HammingIndex, MinHashLSH
from originproof.facts import DossierFacts, ReuseHit

PHOTO_RADIUS = 6  # phash64: re-compressed / resized copies of one photo stay within this
PAGE_RADIUS = 2  # rendered document pages: forms look alike, so only a near-identical page counts
SAME_CONTENT = 0.85  # fields128 Jaccard: the same document (OCR noise allowed)
TEMPLATE_FIELDS = 0.6  # …most of the filled-in content identical (another brand of one factory shares ~0.5: consignor, HS codes, mode) …
TEMPLATE_TEXT = 0.85  # …and the same wording/layout with the fields masked = template reuse
VIDEO_DISTANCE = 0.25


@dataclass
class _Index:
    count: int = -1
    rows: list[dict[str, Any]] = field(default_factory=list)
    by_scheme: dict[str, tuple[Any, list[int]]] = field(default_factory=dict)
    lookup: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (digest, path, scheme) → value
    videos: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (digest, path) → vseq in order
    video_rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


_CACHE: dict[str, _Index] = {}
_LOCK = threading.Lock()


def _stored_rows(store) -> tuple[int, list[dict[str, Any]] | None]:
    """(row count, rows or None when the cached index is still current)."""
    try:
        from sqlalchemy import func, select

        from originproof.store.models import Fingerprint

        with store.Session() as s:
            n = int(s.execute(select(func.count(Fingerprint.id))).scalar() or 0)
            mx = int(s.execute(select(func.max(Fingerprint.id))).scalar() or 0)
        key = n * 1_000_003 + mx
    except Exception:  # noqa: BLE001
        key = -2
    cached = _CACHE.get(store.url)
    if cached is not None and cached.count == key and key >= 0:
        return key, None
    return key, store.fingerprints()


def _build(rows: list[dict[str, Any]], count: int) -> _Index:
    idx = _Index(count=count, rows=rows)
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(r["scheme"], []).append(i)
        idx.lookup.setdefault((r["digest"], r["path"], r["scheme"]), r["value"])
        if r["scheme"] == "vseq":
            idx.videos.setdefault((r["digest"], r["path"]), []).append(r["value"])
            idx.video_rows.setdefault((r["digest"], r["path"]), r)
    for scheme, ids in groups.items():
        try:
            if scheme == "phash64":
                vals = np.array([int(rows[i]["value"], 16) for i in ids], dtype=np.uint64)
                idx.by_scheme[scheme] = (HammingIndex(vals, radius=PHOTO_RADIUS), ids)
            elif scheme in ("fields128", "tmpl128"):
                sigs = np.stack([minhash_array(rows[i]["value"]) for i in ids])
                idx.by_scheme[scheme] = (MinHashLSH(sigs, bands=32), ids)
        except Exception:  # noqa: BLE001 — one malformed stored value must not disable reuse checks
            continue
    return idx


def index_for(store) -> _Index:
    with _LOCK:
        count, rows = _stored_rows(store)
        if rows is None:
            return _CACHE[store.url]
        idx = _build(rows, count)
        _CACHE[store.url] = idx
        return idx


def _same_party(facts: DossierFacts, row: dict[str, Any]) -> bool:
    m = facts.manifest
    if m is None:
        return False
    same_merchant = (row.get("merchant_id") and row.get("merchant_id") == m.merchant.id) or \
                    (row.get("merchant_uscc") and row.get("merchant_uscc") == m.merchant.uscc)
    same_brand = (row.get("brand") or "").casefold().strip() == (m.brand.name or "").casefold().strip()
    return bool(same_merchant and same_brand)


def find_hits(facts: DossierFacts, fingerprints: list[tuple[str, str, str | None, str, str]], store) -> list[ReuseHit]:
    idx = index_for(store)
    digest = facts.digest
    # this dossier's signatures per file, for pairing page hashes with content
    mine: dict[tuple[str, str], list[str]] = {}
    for path, _k, _r, scheme, value in fingerprints:
        mine.setdefault((path, scheme), []).append(value)
    best: dict[tuple[str, str, str], ReuseHit] = {}

    def add(path: str, kind: str, row: dict[str, Any], dist: float, hit_kind: str, detail: str) -> None:
        key = (path, row["digest"], row["path"])
        h = ReuseHit(file=path, other_dossier=row["digest"], other_file=row["path"], other_merchant_id=row.get("merchant_id"),
                     other_brand=row.get("brand"), kind=hit_kind, distance=round(dist, 3), detail=detail)
        cur = best.get(key)
        if cur is None or (h.kind == "template") < (cur.kind == "template") or h.distance < cur.distance:
            best[key] = h

    def other_rows(scheme: str, positions: list[tuple[int, float]]):
        if scheme not in idx.by_scheme:
            return
        _ix, ids = idx.by_scheme[scheme]
        for pos, d in positions:
            row = idx.rows[ids[pos]]
            if row["digest"] == digest or _same_party(facts, row):
                continue
            yield row, d

    def stored_sig(scheme: str, row: dict[str, Any]) -> str | None:
        return idx.lookup.get((row["digest"], row["path"], scheme))

    for path, kind, role, scheme, value in fingerprints:
        if scheme == "fields128" and scheme in idx.by_scheme:
            lsh, _ids = idx.by_scheme[scheme]
            for row, j in other_rows(scheme, lsh.query(minhash_array(value), min_jaccard=TEMPLATE_FIELDS)):
                if j >= SAME_CONTENT:
                    if role == "factory_licence" and row.get("role") == "factory_licence":
                        continue  # the same licence shared by the brands one factory makes
                    add(path, kind, row, 1 - j, "document", f"same filled-in content (Jaccard {j:.2f})")
                else:
                    mt, ot = mine.get((path, "tmpl128")), stored_sig("tmpl128", row)
                    if mt and ot:
                        tj = float(np.mean(minhash_array(mt[0]) == minhash_array(ot)))
                        if tj >= TEMPLATE_TEXT:
                            add(path, kind, row, 1 - j, "template",
                                f"same wording/layout (Jaccard {tj:.2f}) with part of the filled-in content changed "
                                f"(field Jaccard {j:.2f}): names, numbers or dates replaced")
        elif scheme == "phash64" and scheme in idx.by_scheme:
            hx, _ids = idx.by_scheme[scheme]
            is_doc = kind == "document"
            radius = PAGE_RADIUS if is_doc else PHOTO_RADIUS
            for row, d in other_rows(scheme, hx.query(int(value, 16), radius)):
                if is_doc:
                    # Pages of one form look alike; a page hash counts only with the content, or when
                    # neither side has content to compare (a bare scan).
                    mf, of = mine.get((path, "fields128")), stored_sig("fields128", row)
                    if mf and of:
                        continue  # the content comparison above decides
                    if role == "factory_licence" and row.get("role") == "factory_licence":
                        continue
                add(path, kind, row, d / 64, "image" if not is_doc else "document",
                    f"perceptual hash {d}/64 bits apart")
    # Videos: one sequence of segment hashes per file, compared as a whole (trims, mirroring).
    my_videos: dict[str, list[str]] = {}
    for path, _k, _r, scheme, value in fingerprints:
        if scheme == "vseq":
            my_videos.setdefault(path, []).append(value)
    if my_videos and idx.videos:
        try:
            from originproof.evidence.video.fingerprint import NEAR_DUPLICATE
        except ImportError:
            NEAR_DUPLICATE = 0.07
        for path, seq in my_videos.items():
            for key, other in idx.videos.items():
                row = idx.video_rows[key]
                if row["digest"] == digest or _same_party(facts, row):
                    continue
                d = _video_distance(seq, other)
                if d is not None and d <= NEAR_DUPLICATE:
                    add(path, "video", row, d, "video", f"video fingerprint distance {d:.3f}")
    return list(best.values())


def _video_rows(idx: _Index) -> list[dict[str, Any]]:
    return [r for r in idx.rows if r["scheme"] == "vseq"]


def _video_distance(a: list[str], b: list[str]) -> float | None:
    try:
        from originproof.evidence.video.fingerprint import video_distance  # the video teammate's matcher
    except ImportError:
        return None
    try:
        return float(video_distance(a, b))
    except Exception:  # noqa: BLE001
        return None
