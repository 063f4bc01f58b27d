"""`originproof bench index`: insert (build) and query time of the reuse indexes at 10⁴–10⁶ items,
beside a numpy brute-force scan over the same data in the same run."""
from __future__ import annotations

import time
from typing import Any

import numpy as np

from originproof.evidence.forensics.index import HammingIndex, MinHashLSH


def _flip(rng: np.random.Generator, v: np.ndarray, bits: int) -> np.ndarray:
    out = v.copy()
    for i in range(len(out)):
        for b in rng.choice(64, bits, replace=False):
            out[i] ^= np.uint64(1 << int(b))
    return out


def bench_hamming(n: int, queries: int = 200, radius: int = 6, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    vals = rng.integers(0, 2 ** 63, n, dtype=np.uint64) ^ (rng.integers(0, 2, n, dtype=np.uint64) << np.uint64(63))
    t0 = time.perf_counter()
    ix = HammingIndex(vals, radius=radius)
    build = time.perf_counter() - t0
    picks = rng.integers(0, n, queries)
    qs = _flip(rng, vals[picks], 4)  # near-duplicates 4 bits away: each query has a true hit
    t0 = time.perf_counter()
    import originproof.evidence.forensics.index as I

    keep, I.BRUTE_UP_TO = I.BRUTE_UP_TO, 0  # time the multi-index path itself
    found = sum(any(p == int(pk) for p, _d in ix.query(int(q))) for q, pk in zip(qs, picks))
    I.BRUTE_UP_TO = keep
    q_ix = (time.perf_counter() - t0) / queries
    I.BRUTE_UP_TO = keep
    t0 = time.perf_counter()
    for q in qs[:50]:
        ix.brute(int(q))
    q_bf = (time.perf_counter() - t0) / min(50, queries)
    return {"scheme": "phash64 (MIH)", "n": n, "build_s": build, "query_ms": q_ix * 1e3, "brute_ms": q_bf * 1e3,
            "speedup": q_bf / q_ix if q_ix else 0.0, "recall": found / queries}


def bench_minhash(n: int, queries: int = 100, seed: int = 0, k: int = 128) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, 2 ** 32, (n, k), dtype=np.uint64).astype(np.uint32)
    t0 = time.perf_counter()
    ix = MinHashLSH(sigs, bands=32)
    build = time.perf_counter() - t0
    picks = rng.integers(0, n, queries)
    qs = sigs[picks].copy()
    mask = rng.random(qs.shape) < 0.3  # Jaccard ≈ 0.7 near-copies
    qs[mask] = rng.integers(0, 2 ** 32, mask.sum(), dtype=np.uint64).astype(np.uint32)
    t0 = time.perf_counter()
    found = sum(any(p == int(pk) for p, _j in ix.query(q, 0.5)) for q, pk in zip(qs, picks))
    q_ix = (time.perf_counter() - t0) / queries
    t0 = time.perf_counter()
    nb = min(10, queries)
    for q in qs[:nb]:
        ix.brute(q, 0.5)
    q_bf = (time.perf_counter() - t0) / nb
    return {"scheme": "minhash128 (LSH 32×4)", "n": n, "build_s": build, "query_ms": q_ix * 1e3, "brute_ms": q_bf * 1e3,
            "speedup": q_bf / q_ix if q_ix else 0.0, "recall": found / queries}


def run(sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)) -> list[dict[str, Any]]:
    out = []
    for n in sizes:
        out.append(bench_hamming(n))
        out.append(bench_minhash(n))
    return out


def print_result(rows: list[dict[str, Any]], console) -> None:
    from rich.table import Table

    t = Table(title="Reuse index: build (insert) and query, vs numpy brute force in the same run")
    for c in ("scheme", "n", "build s", "query ms", "brute ms", "speed-up", "recall"):
        t.add_column(c, justify="right")
    for r in rows:
        t.add_row(r["scheme"], f"{r['n']:,}", f"{r['build_s']:.2f}", f"{r['query_ms']:.3f}", f"{r['brute_ms']:.2f}",
                  f"{r['speedup']:.0f}×", f"{100 * r['recall']:.0f} %")
    console.print(t)
