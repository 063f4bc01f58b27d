"""The speed benchmark measures what it says: the standard dossier has the agreed shape, and the
baselines really decode every frame / OCR every page (no timing assertions here)."""
from __future__ import annotations

import yaml

from originproof.bench.speed import _archives, _write, full_decode_seconds, standard_plan


def test_standard_dossier_shape(corpus_cache):
    import av
    import pymupdf as fitz

    full = standard_plan(quick=False)
    assert full.video.seconds == 60 and full.video.size == (1280, 720)
    item = _write(standard_plan(quick=True), corpus_cache, "standard-quick-test")
    root = item / "dossier"
    m = yaml.safe_load((root / "dossier.yaml").read_text("utf-8"))
    docs = {slot: v[0] for slot, v in m["production"].items()}
    assert len(docs) == 4
    scans = [d for d in docs.values() if isinstance(d, list)]
    assert len(scans) == 1 and len(scans[0]) == 2 and all(p.endswith(".jpg") for p in scans[0])
    pages = sorted(fitz.open(str(root / d)).page_count for d in docs.values() if isinstance(d, str))
    assert pages == [1, 2, 3]  # three text PDFs of 1–3 pages
    assert len(m["distribution"]["offline"]) == 3 and len(m["distribution"]["online"]) == 2
    assert _archives(item), "listings need platform-side captures"
    v = root / m["distribution"]["offline"][0]["video"]
    with av.open(str(v)) as c:
        n = sum(1 for _ in c.decode(video=0))
    assert n == int(round(6.0 * 15))
    assert full_decode_seconds(v) > 0


def test_the_per_file_table_shows_the_cpu_ratio_with_forensics():
    from rich.console import Console

    from originproof.bench.speed import print_speed
    row = {"kind": "document", "file": "scan.jpg", "ours_s": 2.0, "baseline": "OCR every page at 300 dpi",
           "baseline_s": 4.0, "ratio": 0.5, "cpu_ratio": 0.9, "cpu_ratio_with_forensics": 1.25}
    res = {"quick": True, "standard": {"cold_s": 10.0, "manifest_only_s": 0.2},
           "sequential": {"naive_sequential_s": 12.0, "ratio": 0.83}, "per_kind": [row],
           "throughput": [{"processes": 1, "dossiers": 1, "wall_s": 10.0, "per_minute": 6.0, "median_dossier_s": 10.0}],
           "throughput_speedup_2_vs_1": None}
    console = Console(record=True, width=240)
    print_speed(res, console)
    text = console.export_text()
    assert "CPU with forensics / baseline" in text and "1.25×" in text and "0.90×" in text
