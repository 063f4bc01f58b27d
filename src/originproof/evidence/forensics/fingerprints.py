"""Fingerprints for the reuse index: perceptual hashes of images, MinHash of filled-in content.

Schemes (stored as hex strings in `Forensics.fingerprints`):
  phash64   — 64-bit DCT perceptual hash of a photo / scan page (imagehash.phash)
  fields128 — MinHash (128 × 32-bit) of the values read into the facts: names, numbers, dates,
              goods lines. Never the printed form: every genuine 报关单 shares one layout.
  tmpl128   — MinHash of the document text with digits, dates and the read field values masked:
              same wording and layout with other names/numbers = template reuse candidate.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any, Iterable

import numpy as np

NPERM = 128
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


def hamming_hex(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def document_fingerprints(facts: Any, page_images: list[Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    vals = field_values(facts)
    fm = minhash(shingles(vals)) if len(vals) >= 2 else None
    if fm:
        out["fields128"] = [fm]
    text = getattr(facts, "text", None) or ""
    if len(text) > 80:
        tm = minhash(template_tokens(text, vals))
        if tm:
            out["tmpl128"] = [tm]
    if page_images:
        out["phash64"] = [phash_image(im) for im in page_images]
    return out
