"""Fingerprints for the reuse index: perceptual hashes of images, MinHash of filled-in content.

Schemes (stored as strings in `Forensics.fingerprints`):
  facts1    — the filled-in values that make a document *that* document, read by the documents
              reader: its number, its parties (producer/exporter, consignee, licence holder, agreement
              parties), its date and its goods — each normalised and hashed. Never the printed form:
              a chamber issues thousands of certificates on one form, every 报关单 shares one layout.
  phash64   — 64-bit DCT perceptual hashes of a scan page or photo (imagehash.phash): the image as
              submitted and two centred crops (85 %, 70 %), so a cropped copy still meets its original.
  phash64q  — the query side: the hashes of the eight dihedral transforms (quarter turns, mirrors)
              of the image and its crops; a mirrored or rotated copy meets the original's phash64.
  orb1/orb1m — up to 200 ORB keypoints (position + 256-bit descriptor) of the image and of its mirror,
              to confirm a hash candidate by a geometric match (OpenCV) before any finding.
  fields128/tmpl128 — MinHash helpers kept for the index benchmark; no longer produced.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any, Iterable

import numpy as np

NPERM = 128
# Schemes that only ever ask the index (the transforms of this file); the index keeps the others.
QUERY_ONLY = frozenset({"phash64q", "orb1m"})
_rng = np.random.default_rng(0x0A0D17)
_SEEDS = _rng.integers(0, 1 << 63, NPERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_SKIP_FIELDS = {"form", "scheme", "signatures_present", "currency", "country", "origin_country"}


def _h64(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(), "little")


def minhash(tokens: Iterable[str]) -> str | None:
    toks = {t for t in tokens if t}
    if len(toks) < 3:
        return None
    x = np.array([_h64(t) for t in toks], dtype=np.uint64)
    # One splitmix64 finaliser per seed: a strong 64-bit mix, so each seed orders the shingles
    # independently (a linear a·x+b without wrap-around would order them all the same way).
    z = x[:, None] ^ _SEEDS[None, :]
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    sig = (z.min(axis=0) >> np.uint64(32)).astype(">u4")
    return sig.tobytes().hex()


def minhash_array(hexsig: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(hexsig), dtype=">u4").astype(np.uint32)


def jaccard(a: str, b: str) -> float:
    x, y = minhash_array(a), minhash_array(b)
    n = min(len(x), len(y))
    return float(np.mean(x[:n] == y[:n])) if n else 0.0


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    return re.sub(r"\s+", " ", s).strip()


def _values(v: Any) -> list[str]:
    if v is None or isinstance(v, bool):
        return []
    if isinstance(v, dict):
        return [x for k, vv in v.items() if k not in _SKIP_FIELDS for x in _values(vv)]
    if isinstance(v, (list, tuple)):
        return [x for vv in v for x in _values(vv)]
    s = norm(str(v))
    return [s] if len(s) >= 2 else []


def field_values(facts: Any) -> list[str]:
    out: list[str] = []
    try:
        fields = facts.fields()
    except Exception:  # noqa: BLE001
        return out
    for name, f in fields.items():
        if name in _SKIP_FIELDS:
            continue
        out += _values(f.value)
    return out


def shingles(values: list[str], k: int = 4) -> set[str]:
    """Whole values + character k-grams of each value (robust to OCR slips in one character)."""
    out: set[str] = set()
    for v in values:
        out.add("v:" + v)
        compact = v.replace(" ", "")
        out.update("g:" + compact[i:i + k] for i in range(max(1, len(compact) - k + 1)))
    return out


_DIGITS = re.compile(r"\d+")


def template_tokens(text: str, values: list[str]) -> set[str]:
    t = norm(text)
    for v in sorted(values, key=len, reverse=True):
        if len(v) >= 3:
            t = t.replace(v, " ◇ ")
    t = _DIGITS.sub("#", t)
    words = re.findall(r"[\w#◇]+", t)
    # Word 3-grams for spaced scripts; character 5-grams cover CJK runs without spaces.
    out = {" ".join(words[i:i + 3]) for i in range(max(0, len(words) - 2))}
    compact = re.sub(r"\s+", "", t)
    out |= {"c:" + compact[i:i + 5] for i in range(0, max(0, len(compact) - 4), 2)}
    return out


def phash_image(img) -> str:
    import imagehash

    return str(imagehash.phash(img.convert("L"), hash_size=8))


def _crop(img, frac: float):
    w, h = img.size
    dx, dy = int(w * (1 - frac) / 2), int(h * (1 - frac) / 2)
    return img.crop((dx, dy, w - dx, h - dy))


def _small(img, side: int = 512):
    g = img.convert("L")
    w, h = g.size
    k = side / max(w, h)
    return g.resize((max(1, int(w * k)), max(1, int(h * k)))) if k < 1 else g


def image_hashes(img) -> tuple[list[str], list[str]]:
    """(stored, query) perceptual hashes of one image: stored = the image and two centred crops;
    query = the eight dihedral transforms of the image and its crops."""
    from PIL import Image

    g = _small(img)
    views = [g, _crop(g, 0.85), _crop(g, 0.70)]
    stored = [phash_image(v) for v in views]
    query: list[str] = []
    for v in views:
        for t in (None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270):
            r = v if t is None else v.transpose(t)
            query += [phash_image(r), phash_image(r.transpose(Image.Transpose.FLIP_LEFT_RIGHT))]
    return stored, list(dict.fromkeys(query))


ORB_POINTS = 200
ORB_SIDE = 640


def orb_features(img, mirror: bool = False) -> str | None:
    """Up to ORB_POINTS keypoints as hex: per point x, y (uint16, on the image scaled to ORB_SIDE) + 32 bytes."""
    import cv2
    from PIL import Image

    g = img.convert("L")
    if mirror:
        g = g.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    w, h = g.size
    k = ORB_SIDE / max(w, h)
    g = g.resize((max(1, int(w * k)), max(1, int(h * k))))
    arr = np.asarray(g, dtype=np.uint8)
    orb = cv2.ORB_create(nfeatures=ORB_POINTS * 2, fastThreshold=10)
    kps, des = orb.detectAndCompute(arr, None)
    if des is None or len(kps) < 12:
        return None
    order = np.argsort([-kp.response for kp in kps])[:ORB_POINTS]
    xy = np.array([[kps[i].pt[0], kps[i].pt[1]] for i in order], dtype=np.float32)
    head = np.array([arr.shape[1], arr.shape[0]], dtype=">u2").tobytes()
    body = np.hstack([np.round(xy).astype(">u2").view(np.uint8).reshape(len(order), 4), des[order]]).tobytes()
    return (head + body).hex()


def _orb_decode(hexs: str) -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    raw = bytes.fromhex(hexs)
    w, h = np.frombuffer(raw[:4], dtype=">u2").astype(int)
    rows = np.frombuffer(raw[4:], dtype=np.uint8).reshape(-1, 36)
    xy = rows[:, :4].copy().view(">u2").astype(np.float32).reshape(-1, 2)
    return (int(w), int(h)), xy, np.ascontiguousarray(rows[:, 4:])


def orb_confirm(a: str, b: str) -> tuple[int, float, float]:
    """(inliers, inlier share, covered share) of a geometric match between two ORB sets.

    A copy — resized, rotated, cropped, re-encoded — is the same pixels under a similarity transform
    (rotation, scale, shift), so nearly every good descriptor match fits one such transform within
    2 px. A second photograph of a similar receipt (another take, a perspective of its own) matches
    descriptors too, but only part of them fit one similarity."""
    import cv2

    try:
        (wa, ha), xa, da = _orb_decode(a)
        (_wb, _hb), xb, db = _orb_decode(b)
    except Exception:  # noqa: BLE001
        return 0, 0.0, 0.0
    if len(da) < 8 or len(db) < 8:
        return 0, 0.0, 0.0
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(da, db, k=2)
    good = [m[0] for m in pairs if len(m) == 2 and m[0].distance < 0.8 * m[1].distance and m[0].distance <= 64]
    if len(good) < 8:
        return 0, 0.0, 0.0
    src = np.float32([xa[m.queryIdx] for m in good])
    dst = np.float32([xb[m.trainIdx] for m in good])
    M, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=2.0)
    if M is None or inl is None:
        return 0, 0.0, 0.0
    ok = inl.ravel().astype(bool)
    n = int(ok.sum())
    pts = src[ok]
    # How much of the area this image's features cover do the inliers span (features of a document
    # page gather where its print is dense; a photo's spread over the frame).
    full = float(np.ptp(xa[:, 0]) * np.ptp(xa[:, 1]))
    span = float(np.ptp(pts[:, 0]) * np.ptp(pts[:, 1])) / max(full, 1.0) if n >= 2 else 0.0
    return n, n / len(good), span


def same_photo(mine: list[str], theirs: str) -> tuple[bool, int, float]:
    """Confirm a hash candidate: any of this image's ORB sets (as is, mirrored) matches theirs."""
    best = (0, 0.0, 0.0)
    for m in mine:
        r = orb_confirm(m, theirs)
        if r[0] > best[0]:
            best = r
    ok = best[0] >= ORB_MIN_INLIERS and best[1] >= ORB_MIN_SHARE and best[2] >= ORB_MIN_SPAN
    return ok, best[0], best[1]


ORB_MIN_INLIERS = 20
ORB_MIN_SHARE = 0.75
ORB_MIN_SPAN = 0.10
ORB_CHUNK = 30  # points per stored value: keeps each row under the index-row limit of PostgreSQL btrees


def orb_chunks(hexs: str, idx: int) -> list[str]:
    """Split one ORB set into stored values "idx:hex" of ORB_CHUNK points, each with the size header."""
    raw = bytes.fromhex(hexs)
    head, body = raw[:4], raw[4:]
    step = 36 * ORB_CHUNK
    return [f"{idx}:" + (head + body[i:i + step]).hex() for i in range(0, len(body), step)]


def orb_join(values: list[str]) -> list[str]:
    """The ORB sets (one per image) back from their stored chunks, in order."""
    sets: dict[str, bytearray] = {}
    for v in values:
        idx, _, hx = v.partition(":")
        if not hx:
            idx, hx = "0", v
        raw = bytes.fromhex(hx)
        if idx not in sets:
            sets[idx] = bytearray(raw)
        else:
            sets[idx] += raw[4:]
    return [bytes(b).hex() for _k, b in sorted(sets.items())]


# ------------------------------------------------------------------ the filled-in values
# Per document type: the field that numbers it, the parties, the counterparty, the date and the goods.
KEY_FIELDS: dict[str, dict[str, Any]] = {
    "certificate_of_origin": {"number": ["certificate_number"], "parties": ["producer", "exporter"],
                              "counterparty": ["consignee"], "date": ["issue_date"], "goods": ["goods"],
                              "ids": ["invoice_number", "verification_payload"]},
    "customs_declaration": {"number": ["declaration_number"], "parties": ["consignor"],
                            "counterparty": ["consignee_uscc", "consignee"], "date": ["declared_on"], "goods": ["lines"]},
    "factory_licence": {"number": ["licence_number"], "parties": ["holder"], "date": ["issue_date"]},
    "production_agreement": {"parties": ["parties"], "date": ["signed_on"], "goods": ["products"]},
    "receipt": {"parties": ["store_name", "branch"], "date": ["date"], "ids": ["time", "total"], "goods": ["items"]},
}
_GOODS_KEYS = ("description", "goods_name", "name")
_NUMBERISH = re.compile(r"[0-9]")


def hkey(s: str) -> str:
    return hashlib.blake2b(s.encode("utf-8"), digest_size=8).hexdigest()


def _compact(s: str) -> str:
    return re.sub(r"[\s\-_/.:,;·'\"()（）]+", "", norm(s))


def _number_ok(v: Any) -> str | None:
    """An identifier: ≥ 5 characters after compaction, ≥ 3 of them digits, no spaces inside words."""
    if not isinstance(v, (str, int)):
        return None
    c = _compact(str(v))
    if len(c) < 5 or len(_NUMBERISH.findall(c)) < 3 or len(c) > 40:
        return None
    return c


_CAPTIONS: set[str] | None = None


def _captions() -> set[str]:
    """Every caption the documents registry knows (all types, all languages), compacted: a value that
    contains one is a caption read as a value, not a filled-in value."""
    global _CAPTIONS
    if _CAPTIONS is None:
        out: set[str] = set()
        try:
            from importlib import resources

            import yaml

            base = resources.files("originproof.registry") / "data" / "captions"
            for f in base.iterdir():
                if not str(f.name).endswith(".yaml"):
                    continue
                data = yaml.safe_load(f.read_text("utf-8")) or {}

                def walk(x: Any) -> None:
                    if isinstance(x, dict):
                        for k, v in x.items():
                            if k == "captions" and isinstance(v, dict):
                                for lst in v.values():
                                    for c in lst or []:
                                        cc = _compact(str(c))
                                        if len(cc) >= 4:
                                            out.add(cc)
                            else:
                                walk(v)
                    elif isinstance(x, list):
                        for v in x:
                            walk(v)
                walk(data)
        except Exception:  # noqa: BLE001
            pass
        _CAPTIONS = out
    return _CAPTIONS


def _name_ok(v: Any) -> str | None:
    """A party / goods name: letters enough to name something, not a caption, not a bracketed hint."""
    if not isinstance(v, str):
        return None
    n = norm(v)
    if n.startswith(("(", "（", "[")) or len(re.findall(r"\w", n)) < 4:
        return None
    c = _compact(n)
    if sum(ch.isalpha() for ch in c) < 3:
        return None
    if any(cap in c for cap in _captions()):
        return None
    return c


def _fact(facts: Any, name: str) -> Any:
    f = getattr(facts, name, None)
    if f is None or not hasattr(f, "value"):
        return None
    if getattr(f, "confidence", 1.0) is not None and f.confidence < 0.5:
        return None
    return f.value


def _party_names(v: Any) -> list[str]:
    if isinstance(v, list):
        return [x for p in v for x in _party_names(p.get("name") if isinstance(p, dict) else p)]
    ok = _name_ok(v)
    return [ok] if ok else []


def _goods_names(v: Any) -> list[str]:
    out = []
    for g in v if isinstance(v, list) else [v]:
        if isinstance(g, dict):
            g = next((g.get(k) for k in _GOODS_KEYS if g.get(k)), None)
        ok = _name_ok(g)
        if ok:
            out.append(ok)
    return out


# Legal forms and connective words: they say what kind of company, not which one.
_LEGAL = {"co", "ltd", "inc", "llc", "gmbh", "ag", "sa", "sas", "sarl", "spa", "srl", "pty", "plc", "corp",
          "corporation", "company", "limited", "kk", "bv", "nv", "kg", "ohg", "ab", "oy", "as", "the", "and", "of",
          "und", "et", "de", "la", "le", "du", "des"}
_CJK_LEGAL = ("株式会社", "有限会社", "合同会社", "有限公司", "股份有限公司", "有限责任公司", "주식회사", "유한회사", "(주)", "㈜")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def name_tokens(v: Any) -> list[str]:
    """The words that tell one name from another: Latin words of ≥ 3 letters without legal forms; for
    names in CJK scripts, character pairs without the legal form. Robust to a caption fragment or a
    stray word the reader kept at either end of the value."""
    if not isinstance(v, str):
        return []
    n = norm(v)
    for lf in _CJK_LEGAL:
        n = n.replace(lf, " ")
    out: set[str] = set()
    for w in re.findall(r"\w+", n):
        if _CJK.search(w):
            cjk = "".join(ch for ch in w if _CJK.match(ch))
            out |= {cjk[i:i + 2] for i in range(max(1, len(cjk) - 1))}
            w = re.sub(_CJK, " ", w)
            out |= {x for x in w.split() if len(x) >= 3 and x not in _LEGAL and not x.isdigit()}
        elif len(w) >= 3 and w not in _LEGAL and not w.isdigit():
            out.add(w)
    return sorted(out)


def _htok(tokens: list[str]) -> list[str]:
    return sorted({hashlib.blake2b(t.encode("utf-8"), digest_size=4).hexdigest() for t in tokens})


def token_overlap(a: list[str], b: list[str]) -> float:
    sa, sb = set(a or []), set(b or [])
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def _raw_names(v: Any) -> list[str]:
    if isinstance(v, list):
        return [x for p in v for x in _raw_names(p.get("name") if isinstance(p, dict) else p)]
    return [v] if _name_ok(v) else []


def _raw_goods(v: Any) -> list[str]:
    out = []
    for g in v if isinstance(v, list) else [v]:
        if isinstance(g, dict):
            g = next((g.get(k) for k in _GOODS_KEYS if g.get(k)), None)
        if _name_ok(g):
            out.append(g)
    return out


def key_facts(facts: Any) -> dict[str, Any] | None:
    """The hashed filled-in values that identify a document (scheme facts1), or None when too few were read."""
    spec = KEY_FIELDS.get(getattr(facts, "doc_type", ""))
    if not spec:
        return None
    out: dict[str, Any] = {"t": facts.doc_type}
    for name in spec.get("number", []):
        n = _number_ok(_fact(facts, name))
        if n:
            out["n"] = hkey(n)
            break
    parties = [p for name in spec.get("parties", []) for p in _party_names(_fact(facts, name))]
    if parties:
        out["p"] = sorted({hkey(p) for p in parties})
        pt = [_htok(name_tokens(r)) for name in spec.get("parties", []) for r in _raw_names(_fact(facts, name))]
        out["pt"] = [t for t in pt if t]
    cps = []
    ct = []
    for name in spec.get("counterparty", []):
        v = _fact(facts, name)
        if name.endswith("uscc"):
            x = _number_ok(v)
            if x:
                cps.append(x)
                ct.append([hkey(x)[:8]])
        else:
            cps += _party_names(v)
            ct += [_htok(name_tokens(r)) for r in _raw_names(v)]
    if cps:
        out["c"] = sorted({hkey(c) for c in cps})
        out["ct"] = [t for t in ct if t]
    for name in spec.get("date", []):
        v = _fact(facts, name)
        if v:
            out["d"] = hkey(_compact(str(v)))
            break
    goods = [g for name in spec.get("goods", []) for g in _goods_names(_fact(facts, name))]
    if goods:
        out["g"] = sorted({hkey(g) for g in goods})
        out["gt"] = _htok([t for name in spec.get("goods", []) for r in _raw_goods(_fact(facts, name))
                           for t in name_tokens(r)])
    # Shipment references (an invoice number, a verification code's payload) identify the document as
    # well as its number does; a receipt's time and total identify it together with store and date.
    if facts.doc_type == "receipt":
        ids = [_compact(str(_fact(facts, name))) for name in spec.get("ids", []) if _fact(facts, name)]
    else:
        ids = [x for x in (_number_ok(_fact(facts, name)) for name in spec.get("ids", [])) if x]
    if ids:
        out["x"] = sorted({hkey(i) for i in ids if len(i) >= 3})
    if len(out) < 3:  # a type and one value identify nothing
        return None
    return out


def hamming_hex(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def document_fingerprints(facts: Any, page_images: list[Any], raster: bool = True) -> dict[str, list[str]]:
    """facts1 from the read values; image hashes and ORB sets only for raster evidence (scans, photos):
    the rendering of a text PDF is its printed form, shared by every document issued on it."""
    import json

    out: dict[str, list[str]] = {}
    kf = key_facts(facts)
    if kf:
        out["facts1"] = [json.dumps(kf, sort_keys=True, separators=(",", ":"))]
    if page_images and raster:
        stored: list[str] = []
        query: list[str] = []
        orbs: list[str] = []
        orbm: list[str] = []
        for im in page_images[:10]:
            st, q = image_hashes(im)
            stored += st
            query += q
        for i, im in enumerate(page_images[:3]):
            o, om = orb_features(im), orb_features(im, mirror=True)
            if o:
                orbs += orb_chunks(o, i)
            if om:
                orbm += orb_chunks(om, i)
        out["phash64"] = list(dict.fromkeys(stored))
        out["phash64q"] = list(dict.fromkeys(query))
        if orbs:
            out["orb1"] = orbs
        if orbm:
            out["orb1m"] = orbm
    return out
