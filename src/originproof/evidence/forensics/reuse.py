"""Where else have we seen this evidence? Near-duplicate lookup across every dossier in the store.

What counts as reuse (spec/rules.md "Reuse"):
- a resubmission by the same merchant for the same brand is not, nor the same dossier checked again;
- the evidence belongs to the dossier that submitted it first: a later dossier of another merchant or
  brand that carries it is reuse; the first dossier's own re-checks are not (issue #11);
- documents are compared by their *filled-in values* (fingerprints.key_facts): the same document
  number with the same producer / parties / date / goods is the same document, even re-typed on a
  fresh form; the same parties and goods under a new number or date is a template re-use; the same
  form filled in with other values is neither — a chamber issues thousands of certificates on one form;
- a factory licence seen again in another brand's dossier is not reuse when it is the same licence
  (same number, same holder); the same number under another holder is;
- photos (receipts) are compared by perceptual hashes of the image, its eight dihedral transforms and
  centred crops, and a hash candidate counts only when an ORB feature match confirms one similarity
  transform across the frame (a mirrored, rotated, cropped, resized or re-encoded copy does; another
  photo of a similar receipt does not);
- a scanned document's picture is mostly its printed form (two certificates scanned from one form
  match each other's features as well as a copy does), so it never decides alone: it only confirms a
  document whose number its values already share when nothing else could be read.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np

from originproof.evidence.forensics.fingerprints import orb_join, same_photo, token_overlap
from originproof.evidence.forensics.index import HammingIndex
from originproof.facts import DossierFacts, ReuseHit

PHOTO_RADIUS = 14  # phash64 candidates for photos (small rotations, crops); ORB confirms every one
PAGE_RADIUS = 4  # scans of documents without readable values: near-identical pages only, ORB confirms
NO_ORB_RADIUS = 2  # a stored image without ORB features (older rows): only a near-identical hash counts
GOODS_OVERLAP = 0.8
VIDEO_DISTANCE = 0.25
_SCHEMES = ("facts1", "phash64", "orb1", "vseq")


@dataclass
class _Index:
    count: int = -1
    rows: list[dict[str, Any]] = field(default_factory=list)
    by_number: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (type, number) → rows
    by_party: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (type, party) → rows
    by_ref: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (type, shipment reference) → rows
    by_ptoken: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (type, party word) → rows
    facts: dict[int, dict[str, Any]] = field(default_factory=dict)
    has_facts: set[tuple[str, str]] = field(default_factory=set)  # (digest, path)
    phash: tuple[HammingIndex, list[int]] | None = None
    orb: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (digest, path) → ORB sets
    videos: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (digest, path) → vseq in order
    video_rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


_CACHE: dict[str, _Index] = {}
_LOCK = threading.Lock()


def _aware(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _load_rows(store) -> list[dict[str, Any]]:
    """Every fingerprint with its dossier (digest, parties, when it was first seen), in insertion order."""
    from sqlalchemy import select

    from originproof.store.models import Dossier, Fingerprint

    with store.Session() as s:
        q = (select(Fingerprint.id, Fingerprint.path, Fingerprint.kind, Fingerprint.role, Fingerprint.scheme,
                    Fingerprint.value, Dossier.digest, Dossier.merchant_id, Dossier.merchant_uscc, Dossier.brand,
                    Dossier.first_seen)
             .join(Dossier, Dossier.id == Fingerprint.dossier_id).order_by(Fingerprint.id))
        return [{"path": r.path, "kind": r.kind, "role": r.role, "scheme": r.scheme, "value": r.value,
                 "digest": r.digest, "merchant_id": r.merchant_id, "merchant_uscc": r.merchant_uscc, "brand": r.brand,
                 "first_seen": _aware(r.first_seen)} for r in s.execute(q)]


def _first_seen(store, digest: str) -> datetime | None:
    try:
        from sqlalchemy import select

        from originproof.store.models import Dossier

        with store.Session() as s:
            return _aware(s.execute(select(Dossier.first_seen).where(Dossier.digest == digest)).scalar_one_or_none())
    except Exception:  # noqa: BLE001
        return None


def _stored_rows(store) -> tuple[int, list[dict[str, Any]] | None]:
    """(row count key, rows or None when the cached index is still current)."""
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
    try:
        return key, _load_rows(store)
    except Exception:  # noqa: BLE001 — a store without the dossier columns: fall back to its own listing
        return key, [dict(r, first_seen=None) for r in store.fingerprints()]


def _build(rows: list[dict[str, Any]], count: int) -> _Index:
    idx = _Index(count=count, rows=rows)
    ph_vals, ph_ids = [], []
    orb_parts: dict[tuple[str, str], list[str]] = {}
    for i, r in enumerate(rows):
        key = (r["digest"], r["path"])
        sc = r["scheme"]
        try:
            if sc == "facts1":
                kf = json.loads(r["value"])
                idx.facts[i] = kf
                idx.has_facts.add(key)
                t = kf.get("t", "")
                if kf.get("n"):
                    idx.by_number.setdefault((t, kf["n"]), []).append(i)
                for p in kf.get("p", []):
                    idx.by_party.setdefault((t, p), []).append(i)
                for x in kf.get("x", []):
                    idx.by_ref.setdefault((t, x), []).append(i)
                for tok in {tk for toks in kf.get("pt", []) for tk in toks}:
                    idx.by_ptoken.setdefault((t, tok), []).append(i)
            elif sc == "phash64":
                ph_vals.append(int(r["value"], 16))
                ph_ids.append(i)
            elif sc == "orb1":
                orb_parts.setdefault(key, []).append(r["value"])
            elif sc == "vseq":
                idx.videos.setdefault(key, []).append(r["value"])
                idx.video_rows.setdefault(key, r)
        except Exception:  # noqa: BLE001 — one malformed stored value must not disable reuse checks
            continue
    if ph_vals:
        idx.phash = (HammingIndex(np.array(ph_vals, dtype=np.uint64), radius=PHOTO_RADIUS), ph_ids)
    for key, parts in orb_parts.items():
        try:
            idx.orb[key] = orb_join(parts)
        except Exception:  # noqa: BLE001
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


def _overlap(a: list[str], b: list[str]) -> float:
    sa, sb = set(a or []), set(b or [])
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


# Two names agree when every distinctive word (or CJK character pair) of the shorter one, at least two,
# appears in the longer: "country) Hanbit Cosmetic" = "Hanbit Cosmetic Co., Ltd."; "Shanghai Minghui
# International Trading" ≠ "Shanghai Chengyuan International Trading".
NAME_OVERLAP = 1.0
NAME_MIN_TOKENS = 2


def _agree(k: str, mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Do two documents' values of kind k (p parties, c consignee, g goods, x references) agree?
    Names agree word-wise, so a caption fragment or stray word the reader kept does not split them."""
    if not mine.get(k) or not theirs.get(k):
        return False
    if k == "x":
        return _overlap(mine[k], theirs[k]) >= 0.99
    if set(mine[k]) & set(theirs[k]):
        return True
    if k in ("p", "c"):
        return any(token_overlap(a, b) >= NAME_OVERLAP and min(len(a), len(b)) >= NAME_MIN_TOKENS
                   for a in mine.get(k + "t", []) for b in theirs.get(k + "t", []))
    if k == "g":
        # every word of the shorter goods list in the other (a brand name differing is other goods)
        return _overlap(mine[k], theirs[k]) >= GOODS_OVERLAP or (
            token_overlap(mine.get("gt", []), theirs.get("gt", [])) >= 1.0 and
            min(len(mine.get("gt", [])), len(theirs.get("gt", []))) >= NAME_MIN_TOKENS)
    return False


_LABEL = {"n": "number", "p": "parties", "c": "consignee", "d": "date", "g": "goods", "x": "reference numbers"}


def compare_facts(mine: dict[str, Any], theirs: dict[str, Any]) -> tuple[str, str] | None:
    """("document" | "template", what agrees) when two documents' filled-in values make them the same
    document (or one a re-typed copy of the other); None otherwise."""
    if not mine or not theirs:
        return None
    t = mine.get("t")
    if t != theirs.get("t"):
        return None
    same = [k for k in ("p", "c", "g", "x") if _agree(k, mine, theirs)]
    if mine.get("d") and mine.get("d") == theirs.get("d"):
        same.append("d")
    n_same = bool(mine.get("n")) and mine.get("n") == theirs.get("n")
    what = ", ".join(_LABEL[k] for k in (["n"] if n_same else []) + same)
    if t == "factory_licence":
        # One factory's licence is shared by every brand it makes; the same number under another holder is not.
        if n_same and mine.get("p") and theirs.get("p") and "p" not in same:
            return "template", "the same licence number under another holder"
        return None
    if t == "receipt":
        if "p" in same and "d" in same and "x" in same:
            return "document", what
        return None
    # Its number, or a shipment reference (invoice number, verification payload), with one more value
    # agreeing (producer, consignee, date or goods): the same document, whatever form it is typed on.
    ref_same = "x" in same
    if n_same or ref_same:
        if mine.get("p") and theirs.get("p") and "p" not in same:
            return None  # another producer under the same number: another issuer's numbering
        others = [k for k in same if k != "x"]
        if others:
            return "document", what
        # The number alone: another issuer may use it too — a scan's picture must confirm it.
        return "weak", what
    if t == "production_agreement":
        if "p" in same and len(mine.get("p", [])) >= 2 and len(theirs.get("p", [])) >= 2 and \
                set(mine["p"]) == set(theirs["p"]) and ("d" in same or "g" in same):
            return ("document" if "d" in same else "template"), what
        return None
    # Another number (or none read): the same producer, consignee and goods re-typed = template re-use.
    if "p" in same and "c" in same and "g" in same:
        return "template", what + " (under another number or date)"
    return None


def find_hits(facts: DossierFacts, fingerprints: list[tuple[str, str, str | None, str, str]], store) -> list[ReuseHit]:
    idx = index_for(store)
    digest = facts.digest
    mine_since = _first_seen(store, digest) if digest else None
    mine: dict[tuple[str, str], list[str]] = {}
    meta: dict[str, tuple[str, str | None]] = {}
    for path, kind, role, scheme, value in fingerprints:
        mine.setdefault((path, scheme), []).append(value)
        meta.setdefault(path, (kind, role))
    best: dict[tuple[str, str, str], ReuseHit] = {}

    def eligible(row: dict[str, Any]) -> bool:
        if row["digest"] == digest or _same_party(facts, row):
            return False
        # The first submission owns the evidence: a dossier recorded before the other one never
        # becomes a re-user of it when it is checked again.
        if mine_since is not None and row.get("first_seen") is not None and row["first_seen"] >= mine_since:
            return False
        return True

    def add(path: str, row: dict[str, Any], dist: float, hit_kind: str, detail: str) -> None:
        key = (path, row["digest"], row["path"])
        h = ReuseHit(file=path, other_dossier=row["digest"], other_file=row["path"], other_merchant_id=row.get("merchant_id"),
                     other_brand=row.get("brand"), kind=hit_kind, distance=round(dist, 3), detail=detail)
        cur = best.get(key)
        if cur is None or (h.kind == "template") < (cur.kind == "template") or h.distance < cur.distance:
            best[key] = h

    # Documents: the filled-in values.
    weak: set[tuple[str, str, str]] = set()  # same number, nothing else agreeing: the raster decides
    for (path, scheme), values in mine.items():
        if scheme != "facts1":
            continue
        for v in values:
            try:
                kf = json.loads(v)
            except ValueError:
                continue
            t = kf.get("t", "")
            cand = set(idx.by_number.get((t, kf["n"]), [])) if kf.get("n") else set()
            for p in kf.get("p", []):
                cand |= set(idx.by_party.get((t, p), []))
            for x in kf.get("x", []):
                cand |= set(idx.by_ref.get((t, x), []))
            for tok in {tk for toks in kf.get("pt", []) for tk in toks}:
                cand |= set(idx.by_ptoken.get((t, tok), []))
            for i in sorted(cand):
                row = idx.rows[i]
                if not eligible(row):
                    continue
                r = compare_facts(kf, idx.facts[i])
                if r is None:
                    continue
                kind, what = r
                if kind == "weak":
                    weak.add((path, row["digest"], row["path"]))
                    continue
                add(path, row, 0.0 if kind == "document" else 0.2, kind,
                    f"same filled-in values ({what})" if kind == "document" else f"re-typed copy: {what}")
    # Raster: photos, and scans whose values could not be read on either side.
    if idx.phash is not None:
        hx, ids = idx.phash
        for (path, scheme), values in mine.items():
            if scheme != "phash64q":
                continue
            kind, role = meta.get(path, ("image", None))
            is_doc = kind == "document"
            if is_doc and not any(w[0] == path for w in weak):
                # A document's picture is mostly its printed form: scans of two certificates issued on one
                # form match each other's features as well as a copy does. The picture only confirms a
                # document its values already point at (the same number, nothing else readable).
                continue
            my_orb = orb_join(mine.get((path, "orb1"), [])) + orb_join(mine.get((path, "orb1m"), []))
            seen: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
            for q in values:
                for pos, d in hx.query(int(q, 16), PHOTO_RADIUS):
                    row = idx.rows[ids[pos]]
                    k = (row["digest"], row["path"])
                    if k not in seen or d < seen[k][0]:
                        seen[k] = (d, row)
            for (odig, opath), (d, row) in sorted(seen.items(), key=lambda kv: kv[1][0]):
                if not eligible(row):
                    continue
                if is_doc and (d > PAGE_RADIUS or (path, odig, opath) not in weak):
                    continue
                if is_doc and role == "factory_licence" and row.get("role") == "factory_licence":
                    continue
                theirs = idx.orb.get((odig, opath), [])
                if theirs and my_orb:
                    res = [same_photo(my_orb, o) for o in theirs]
                    ok = max(res, key=lambda r: r[1])
                    if not ok[0]:
                        continue
                    detail = (f"perceptual hash {d}/64 bits apart (after rotation/mirroring/crop), confirmed by "
                              f"{ok[1]} matching features ({ok[2]:.0%} on one similarity transform)")
                elif d <= NO_ORB_RADIUS and not is_doc:
                    detail = f"perceptual hash {d}/64 bits apart"
                else:
                    continue
                add(path, row, d / 64, "document" if is_doc else "image", detail)
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
                if not eligible(row):
                    continue
                d = _video_distance(seq, other)
                if d is not None and d <= NEAR_DUPLICATE:
                    add(path, row, d, "video", f"video fingerprint distance {d:.3f}")
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
