"""`originproof bench speed`: how fast, each figure beside a naive baseline measured in the same run
(this 2-core machine is shared and noisy, so only same-run ratios mean much).

- per evidence kind: our reader on each file of the standard dossier, cold, vs
  video: a full decode of every frame (PyAV, bgr) · document: OCR of every page at full resolution
  (300 dpi, Tesseract with the origin country's language); for documents also in CPU time, alone and
  with the forensics reader that a check runs on every document too;
- per dossier: `check_path` with reader threads vs naive sequential processing (one thread);
- throughput over dossiers with 1 and 2 worker processes;
- the standard dossier (3 one-minute 720p videos; 4 documents of 1–3 pages — three text PDFs and a
  2-page scan; 2 listings) checked cold and again after a manifest-only change (extraction cache
  hit in the same store). Targets: ≤ 20 s cold, ≤ 1 s manifest-only.
"""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

import yaml

TARGET_COLD_S = 20.0
TARGET_MANIFEST_ONLY_S = 1.0
TESS_LANG = {"ja": "jpn+eng", "ko": "kor+eng", "de": "deu+eng", "fr": "fra+eng", "it": "ita+eng", "en": "eng",
             "zh": "chi_sim+eng"}


def standard_plan(quick: bool):
    """The standard dossier (quick: the same shape with short low-res videos)."""
    from originproof.bench.writer import Plan, VideoStyle
    from originproof.samples.spec import category_spec

    spec = category_spec("JP", "cosmetics", 101)
    video = VideoStyle(6.0, (640, 360), 15) if quick else VideoStyle(60.0, (1280, 720), 30)
    return Plan(spec=spec, route="both", video=video,
                doc_style={"certificate_of_origin": "text", "factory_licence": "text_2p",
                           "production_agreement": "text_3p", "customs_declaration": "scan_2p"})


def _write(plan: Any, cache: Path, name: str) -> Path:
    """The item folder: dossier/ plus captures/ (the listings' platform-side observations)."""
    from originproof.bench.writer import source_hash, write_plan

    src = source_hash()
    d = cache / "speed" / f"{name}-{src}"
    if not (d / "done").exists():
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        write_plan(plan, d, cache / "videos", src)
        (d / "done").write_text("ok")
    return d


def _archives(item: Path) -> list[Path]:
    return sorted((item / "captures").glob("*.warc*")) if (item / "captures").is_dir() else []


def _opts(store: Any, threads: int = 2):
    from originproof.pipeline.options import Operator, check_options
    from originproof.policy import load_policy
    from originproof.registry import Registry

    # The shipped policy and registry only: a speed figure must not depend on operator files.
    return check_options(Operator(load_policy(None), Registry.load([]), workers=threads), store=store, record=False)


def _timed_check(path: Path, store_url: str | None, threads: int = 2,
                 archives: list[Path] | None = None) -> tuple[float, dict[str, Any]]:
    from originproof.pipeline import check_path
    from originproof.store import Store

    store = Store(store_url) if store_url else None
    try:
        opts = _opts(store, threads)
        opts.web_archives = list(archives or [])
        t0 = time.perf_counter()
        rep = check_path(path, opts).report
        return time.perf_counter() - t0, rep
    finally:
        if store is not None:
            store.close()


# ------------------------------------------------------------------------------ baselines
def full_decode_seconds(path: Path) -> float:
    """Naive video baseline: decode every frame and convert it for analysis."""
    import av

    t0 = time.perf_counter()
    with av.open(str(path)) as c:
        for fr in c.decode(video=0):
            fr.to_ndarray(format="bgr24")
    return time.perf_counter() - t0


def full_ocr_seconds(paths: list[Path], lang: str) -> float:
    """Naive document baseline: OCR every page at full resolution (300 dpi), text layer or not."""
    import pymupdf as fitz
    import pytesseract
    from PIL import Image

    os.environ["OMP_THREAD_LIMIT"] = "1"
    t0 = time.perf_counter()
    for p in paths:
        if p.suffix.lower() == ".pdf":
            with fitz.open(str(p)) as doc:
                for page in doc:
                    pix = page.get_pixmap(dpi=300)
                    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
                    pytesseract.image_to_string(img, lang=TESS_LANG.get(lang, "eng"))
        else:
            pytesseract.image_to_string(Image.open(p), lang=TESS_LANG.get(lang, "eng"))
    return time.perf_counter() - t0


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract runs as a child): unlike the wall
    clock, what one reading costs whatever else the shared machine is doing."""
    import resource
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def per_kind(root: Path, lang: str, country: str) -> list[dict[str, Any]]:
    """Our reader on each evidence file, cold and uncached, beside the naive baseline for that file."""
    from originproof.dossier.intake import sha256_file
    from originproof.dossier.sniff import sniff
    from originproof.evidence.readers import FileRef, ReadContext, load_readers, reader
    from originproof.policy import load_policy
    from originproof.registry import Registry

    load_readers()
    m = yaml.safe_load((root / "dossier.yaml").read_text("utf-8"))
    ctx = ReadContext(registry=Registry.load([]), policy=load_policy(None), origin_country=country,
                      brand_names=[m["brand"]["name"], *m["brand"].get("local_names", [])])

    def ref(rel: str) -> FileRef:
        p = root / rel
        return FileRef(path=rel, real=p, sha256=sha256_file(p), kind=sniff(p))
    rows = []
    doc_reader, vid_reader, fz_reader = reader("document"), reader("video"), reader("forensics")
    for slot, docs in m["production"].items():
        for d in docs:
            rels = [d] if isinstance(d, str) else list(d)
            refs = [ref(r) for r in rels]
            ours = ours_cpu = fz_cpu = None
            if doc_reader is not None:
                t0, c0 = time.perf_counter(), cpu_seconds()
                try:
                    facts = doc_reader.fn(refs, slot, ctx)
                    ours, ours_cpu = time.perf_counter() - t0, cpu_seconds() - c0
                except Exception:  # noqa: BLE001
                    ours = None
                else:
                    # A check also runs the forensics reader on every document: what reading it costs in all.
                    if fz_reader is not None:
                        c0 = cpu_seconds()
                        fz_reader.fn(refs, facts, ctx)
                        fz_cpu = cpu_seconds() - c0
            c0 = cpu_seconds()
            base = full_ocr_seconds([root / r for r in rels], lang)
            rows.append({"kind": "document", "file": ", ".join(rels), "slot": slot, "ours_s": ours,
                         "baseline": "OCR every page at 300 dpi", "baseline_s": base,
                         "ours_cpu_s": ours_cpu, "forensics_cpu_s": fz_cpu, "baseline_cpu_s": cpu_seconds() - c0})
    for v in m.get("distribution", {}).get("offline", []):
        r = ref(v["video"])
        ours = None
        if vid_reader is not None:
            t0 = time.perf_counter()
            try:
                vid_reader.fn(r, ctx)
                ours = time.perf_counter() - t0
            except Exception:  # noqa: BLE001
                ours = None
        rows.append({"kind": "video", "file": v["video"], "ours_s": ours, "baseline": "full decode (every frame, bgr)",
                     "baseline_s": full_decode_seconds(root / v["video"])})
    for row in rows:
        row["ratio"] = (row["ours_s"] / row["baseline_s"]) if row["ours_s"] is not None and row["baseline_s"] else None
        if row.get("ours_cpu_s") is not None and row.get("baseline_cpu_s"):
            row["cpu_ratio"] = row["ours_cpu_s"] / row["baseline_cpu_s"]
            if row.get("forensics_cpu_s") is not None:
                row["cpu_ratio_with_forensics"] = (row["ours_cpu_s"] + row["forensics_cpu_s"]) / row["baseline_cpu_s"]
    return rows


# ------------------------------------------------------------------------------ throughput
def _check_one(args: tuple[str, str, list[str]]) -> float:
    path, url, archives = args
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return _timed_check(Path(path), url, threads=1, archives=[Path(a) for a in archives])[0]


def throughput(paths: list[tuple[Path, list[Path]]], processes: int, work: Path) -> dict[str, Any]:
    """Dossiers per minute over `paths` (dossier, web archives), one reader thread per process, cold store."""
    from originproof.store import Store

    url = f"sqlite:///{work / f'tp{processes}.db'}"
    Store(url).close()
    args = [(str(p), url, [str(a) for a in arch]) for p, arch in paths]
    t0 = time.perf_counter()
    if processes == 1:
        times = [_check_one(a) for a in args]
    else:
        with ProcessPoolExecutor(max_workers=processes) as ex:
            times = list(ex.map(_check_one, args, chunksize=1))
    wall = time.perf_counter() - t0
    return {"processes": processes, "dossiers": len(paths), "wall_s": wall,
            "per_minute": 60 * len(paths) / wall if wall else None, "median_dossier_s": statistics.median(times)}


# ------------------------------------------------------------------------------ run
def run_speed(quick: bool = False, cache: Path | None = None, n_dossiers: int = 4,
              log: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    from originproof.bench.corpus import default_cache_dir, generate, plan_items

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    cache = Path(cache or default_cache_dir())
    work = Path(tempfile.mkdtemp(prefix="originproof-speed-"))
    res: dict[str, Any] = {"quick": quick, "targets": {"cold_s": TARGET_COLD_S, "manifest_only_s": TARGET_MANIFEST_ONLY_S}}
    try:
        log("writing the standard dossier" + (" (quick: 6 s 360p videos)" if quick else " (3 × 60 s 720p videos)"))
        plan = standard_plan(quick)
        item = _write(plan, cache, "standard-quick" if quick else "standard")
        shutil.copytree(item, work / "std")
        std = work / "std" / "dossier"
        arch = _archives(work / "std")

        log("standard dossier: cold check (empty store)")
        url = f"sqlite:///{work / 'std.db'}"
        cold_s, rep = _timed_check(std, url, archives=arch)
        log("standard dossier: manifest-only change, same store")
        mp = std / "dossier.yaml"
        m = yaml.safe_load(mp.read_text("utf-8"))
        m["merchant"]["name"] = m["merchant"]["name"] + "（更名）"
        mp.write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), "utf-8")
        warm_s, rep2 = _timed_check(std, url, archives=arch)
        res["standard"] = {"cold_s": cold_s, "manifest_only_s": warm_s, "verdict": rep.get("verdict"),
                           "timings_ms": rep.get("timings_ms"), "timings_ms_manifest_only": rep2.get("timings_ms")}

        log("standard dossier: naive sequential (one reader thread, empty store)")
        seq_s, _ = _timed_check(std, f"sqlite:///{work / 'seq.db'}", threads=1, archives=arch)
        res["sequential"] = {"ours_s": cold_s, "naive_sequential_s": seq_s, "ratio": cold_s / seq_s if seq_s else None}

        log("per evidence kind: our readers vs full decode / full-resolution OCR")
        res["per_kind"] = per_kind(std, plan.spec.lang, plan.spec.country)

        log(f"throughput over {n_dossiers} clean dossiers with 1 and 2 processes")
        items = [it for it in plan_items("ci") if it.kind == "clean"][:n_dossiers]
        copies = []
        for k, it in enumerate(items):
            e = generate(it, cache)
            dst = work / f"tp{k}"
            shutil.copytree(e.dir, dst)
            copies.append((dst / e.label["path"], [dst / a for a in e.label.get("web_archives", [])]))
        res["throughput"] = [throughput(copies, 1, work), throughput(copies, 2, work)]
        a, b = res["throughput"]
        res["throughput_speedup_2_vs_1"] = (b["per_minute"] / a["per_minute"]) if a["per_minute"] else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return res


def _s(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} s"


def _r(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}×"


def print_speed(res: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    st = res["standard"]
    t = Table(title="Standard dossier" + (" (quick: 3 × 6 s 360p videos)" if res["quick"] else
                                           " (3 × 60 s 720p videos, 4 documents of 1–3 pages, 2 listings)"))
    for c in ("check", "time", "target"):
        t.add_column(c, justify="left" if c == "check" else "right")
    ok = lambda v, lim: f"[{'green' if v <= lim else 'red'}]{_s(v)}[/]"  # noqa: E731
    t.add_row("cold (empty cache)", ok(st["cold_s"], TARGET_COLD_S), f"≤ {TARGET_COLD_S:g} s")
    t.add_row("manifest-only change (cache hit)", ok(st["manifest_only_s"], TARGET_MANIFEST_ONLY_S),
              f"≤ {TARGET_MANIFEST_ONLY_S:g} s")
    seq = res["sequential"]
    t.add_row("naive sequential (1 thread), cold", _s(seq["naive_sequential_s"]),
              f"ours / naive = {_r(seq['ratio'])}")
    console.print(t)
    k = Table(title="Per evidence file: our reader (cold) vs the naive baseline, same run")
    for c in ("kind", "file", "ours", "baseline", "baseline time", "ours / baseline", "CPU: ours / baseline",
              "CPU with forensics / baseline"):
        k.add_column(c, justify="left" if c in ("kind", "file", "baseline") else "right")
    for row in res["per_kind"]:
        k.add_row(row["kind"], row["file"], _s(row["ours_s"]), row["baseline"], _s(row["baseline_s"]), _r(row["ratio"]),
                  _r(row.get("cpu_ratio")), _r(row.get("cpu_ratio_with_forensics")))
    console.print(k)
    tp = Table(title="Throughput over dossiers (multiprocessing, 1 reader thread each)")
    for c in ("processes", "dossiers", "wall", "dossiers / min", "median per dossier"):
        tp.add_column(c, justify="right")
    for row in res["throughput"]:
        tp.add_row(str(row["processes"]), str(row["dossiers"]), _s(row["wall_s"]),
                   "—" if row["per_minute"] is None else f"{row['per_minute']:.1f}", _s(row["median_dossier_s"]))
    console.print(tp)
    console.print(f"2 processes vs 1: {_r(res.get('throughput_speedup_2_vs_1'))}")
