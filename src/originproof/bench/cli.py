"""`originproof bench …` — thin command layer; the work lives in the bench modules.

Teammates add their commands here with a small import + @bench_app.command() each."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

bench_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="Evaluation (accuracy per rule) and speed benchmarks on a generated, labelled corpus.")
err = Console(stderr=True)


def _console() -> Console:
    probe = Console()
    return probe if probe.is_terminal else Console(width=160)


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True, disable=not err.is_terminal)


@bench_app.command("eval")
def eval_cmd(
    size: str = typer.Option("ci", "--size", help="Corpus size: ci | small | medium | large, or a number of dossiers."),
    seed: int = typer.Option(0, "--seed", help="Corpus seed (deterministic)."),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Generated-dossier cache (default ORIGINPROOF_HOME/corpus-cache)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Checker processes (over dossiers)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the full figures (and per-dossier results) here."),
    update_floors: bool = typer.Option(False, "--update-floors", help="Raise floors.yaml to the measured figures (never lowers)."),
    floors_file: Optional[Path] = typer.Option(None, "--floors", help="Floors file (default: the packaged floors.yaml)."),
    check_floors: bool = typer.Option(False, "--check-floors", help="Exit 1 when a rule falls below its floor."),
    store: Optional[Path] = typer.Option(None, "--store", help="SQLite file whose extraction cache is kept between runs "
                                         "(nothing is recorded in it); default: a throwaway store."),
) -> None:
    """Accuracy per rule (detection, false fails), verdict accuracy and automation share, beside the targets."""
    from originproof.bench import floors as fl
    from originproof.bench.eval import evaluate, print_result

    with _progress() as prog:
        tasks: dict[str, int] = {}

        def progress(stage: str, i: int, n: int) -> None:
            if stage not in tasks:
                tasks[stage] = prog.add_task(stage, total=n)
            prog.update(tasks[stage], completed=i)
        res = evaluate(size, seed=seed, cache=cache, workers=workers, store_path=store, progress=progress)
    floors = fl.load(floors_file)
    print_result(res, _console(), floors)
    if json_out is not None:
        json_out.write_text(json.dumps(res.as_dict(), ensure_ascii=False, indent=1, default=str), "utf-8")
        err.print(f"figures written to {json_out}")
    code = 0
    if update_floors:
        try:
            new, changes = fl.update(floors, res, size, seed)
        except fl.FloorError as e:
            err.print(f"[red]{e}[/]")
            raise typer.Exit(1)
        path = fl.save(new, floors_file)
        err.print(f"floors written to {path}" + ("".join(f"\n  {c}" for c in changes) if changes else " (unchanged)"))
    elif check_floors:
        bad = fl.violations(res, floors)
        for b in bad:
            err.print(f"[red]{b}[/]")
        code = 1 if bad else 0
    raise typer.Exit(code)


@bench_app.command("speed")
def speed_cmd(
    quick: bool = typer.Option(False, "--quick", help="CI smoke size: short low-res videos, one repetition."),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Generated-dossier cache (default ORIGINPROOF_HOME/corpus-cache)."),
    dossiers: int = typer.Option(4, "--dossiers", min=2, help="Dossiers for the throughput run."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the figures here."),
) -> None:
    """Time per dossier and per evidence kind against naive baselines; throughput with 1 and 2 processes;
    the standard dossier cold and after a manifest-only change."""
    from originproof.bench.speed import print_speed, run_speed

    res = run_speed(quick=quick, cache=cache, n_dossiers=dossiers, log=lambda m: err.print(f"[dim]{m}[/]"))
    print_speed(res, _console())
    if json_out is not None:
        json_out.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), "utf-8")
        err.print(f"figures written to {json_out}")


from originproof.bench.extract_eval import register as _register_extract  # noqa: E402  (documents helper)

_register_extract(bench_app)


if __name__ == "__main__":  # pragma: no cover
    bench_app(sys.argv[1:])


@bench_app.command("forensics")
def forensics_cmd(
    per_type: int = typer.Option(12, "--per-type", min=1, help="Tampered samples per tamper type."),
    originals: int = typer.Option(200, "--originals", min=1, help="Untouched originals (false-alarm base)."),
    seed: int = typer.Option(7, "--seed"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the figures here."),
) -> None:
    """Detection rate per tamper type and false-alarm rate on originals (generated tamper corpus)."""
    from originproof.bench.forensics_eval import evaluate, print_result

    with _progress() as prog:
        task = prog.add_task("forensics", total=None)
        res = evaluate(per_type, originals, seed, progress=lambda _s, i, n: prog.update(task, completed=i, total=n))
    print_result(res, _console())
    if json_out is not None:
        json_out.write_text(json.dumps(res.as_dict(), ensure_ascii=False, indent=1), "utf-8")


@bench_app.command("index")
def index_cmd(
    max_n: int = typer.Option(1_000_000, "--max", help="Largest index size (10⁴, 10⁵, 10⁶ up to this)."),
) -> None:
    """Insert and query time of the reuse indexes at 10⁴–10⁶ fingerprints, with a brute-force baseline."""
    from originproof.bench.index_bench import print_result, run

    sizes = tuple(n for n in (10_000, 100_000, 1_000_000) if n <= max_n) or (max_n,)
    print_result(run(sizes), _console())


@bench_app.command("video")
def bench_video(seconds: int = typer.Option(60, help="Length of the generated video."),
                width: int = typer.Option(1280), height: int = typer.Option(720)) -> None:
    """Video reader wall time as a ratio to a plain full decode of the same file (target ≤ 1.0)."""
    from originproof.bench.video_speed import run_video_bench

    sys.stdout.write(json.dumps(run_video_bench(seconds, (width, height)), ensure_ascii=False) + "\n")


@bench_app.command("external")
def external_cmd(
    root: Path = typer.Argument(..., exists=True, file_okay=False,
                                help="An external set: labels.json, dossiers/, the listings' WARC (e.g. ../shared/devset)."),
    workers: int = typer.Option(2, "--workers", min=1, help="Reader processes per dossier."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the figures (and every misread field) here."),
) -> None:
    """Check every dossier of a set another tool made, in order, with one store: verdicts, fails/warns per
    rule, and field accuracy of the document readers against the printed values (text PDFs vs images)."""
    from originproof.bench.external import print_result, run_external

    res = run_external(root, workers=workers, log=lambda m: err.print(f"[dim]{m}[/]"))
    print_result(res, _console())
    if json_out is not None:
        json_out.write_text(json.dumps(res.as_dict(), ensure_ascii=False, indent=1, default=str), "utf-8")
        err.print(f"figures written to {json_out}")


@bench_app.command("receipts")
def receipts_cmd(
    root: Path = typer.Argument(..., exists=True, file_okay=False,
                                help="Receipts with SROIE-style labels: img/NNN.jpg + key/NNN.json (e.g. ../shared/realdata/receipts)."),
    country: Optional[str] = typer.Option(None, "--country", help="Country prior for reading (ISO alpha-2); none by default."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N receipts."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the figures and every miss here."),
) -> None:
    """Receipt reader accuracy: store name (allowing OCR-level differences), date and total (targets 0.90/0.95/0.90)."""
    from originproof.bench.receipts import run_receipt_bench

    res = run_receipt_bench(root, country, limit, log=lambda m: err.print(f"[dim]{m}[/]")).as_dict()
    misses = res.pop("misses")
    sys.stdout.write(json.dumps(res, ensure_ascii=False) + "\n")
    if json_out is not None:
        json_out.write_text(json.dumps({**res, "misses": misses}, ensure_ascii=False, indent=1), "utf-8")
        err.print(f"figures written to {json_out}")


@bench_app.command("listings")
def listings_cmd(
    root: Path = typer.Argument(..., exists=True, file_okay=False,
                                help="Product pages with benchmark labels: html/<key>.html.gz + ground-truth.json "
                                     "(e.g. ../shared/realdata/product-pages)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N pages."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the figures and every miss here."),
) -> None:
    """Listing page reader: F1 per attribute (availability, price, sku, brand) with the benchmark's matching,
    on the even and odd halves, and the time per page beside a plain lxml parse."""
    from originproof.bench.listings import print_result, run_listing_bench

    res = run_listing_bench(root, limit)
    print_result(res, _console())
    if json_out is not None:
        json_out.write_text(json.dumps(res.as_dict(), ensure_ascii=False, indent=1, default=str), "utf-8")
        err.print(f"figures written to {json_out}")


@bench_app.command("api")
def api_cmd(
    reads: int = typer.Option(400, "--reads", min=10, help="Requests per read scenario."),
    submissions: int = typer.Option(40, "--submissions", min=1, help="Dossiers submitted (manifest-only zips)."),
    concurrency: int = typer.Option(8, "--concurrency", min=1, help="Client threads."),
    threads: int = typer.Option(2, "--threads", min=1, help="Embedded: checks at once."),
    broker: Optional[str] = typer.Option(None, "--broker", help="Distributed: Redis URL (loopback) — starts Celery workers."),
    store: Optional[str] = typer.Option(None, "--store", help="Distributed: the PostgreSQL URL workers share."),
    workers: int = typer.Option(2, "--workers", min=1, help="Distributed: Celery worker processes."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the figures here."),
) -> None:
    """HTTP API on loopback: throughput and p50/p95/p99 of submissions and case reads (ratio to /healthz)."""
    from rich.table import Table

    from originproof.service.bench import run_api_bench

    if broker and not (store or "").startswith("postgresql"):
        raise typer.BadParameter("--broker needs --store postgresql://… (the workers share it)")
    res = run_api_bench(reads, submissions, concurrency, threads, store_url=store, broker_url=broker,
                        workers=workers)
    t = Table(title=f"API bench — {res['mode']}, {concurrency} client threads")
    for col in ("scenario", "n", "req/s", "p50 ms", "p95 ms", "p99 ms", "p50 ÷ baseline"):
        t.add_column(col, justify="right" if col != "scenario" else "left")
    for key in ("baseline", "case_reads", "case_lists", "report_reads", "submissions"):
        f = res[key]
        t.add_row(f["name"], str(f["n"]), f"{f['throughput_per_s']:g}", f"{f['p50_ms']:g}", f"{f['p95_ms']:g}",
                  f"{f['p99_ms']:g}", str(f.get("p50_vs_baseline", "1.0")))
    _console().print(t)
    c = res["checks_done"]
    _console().print(f"{c['n']} submissions accepted and checked in {c['wall_s']} s ({c['per_s']}/s end to end)")
    if json_out:
        json_out.write_text(json.dumps(res, indent=2), encoding="utf-8")
