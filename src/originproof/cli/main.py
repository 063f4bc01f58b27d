"""Entry point: `originproof check|extract|demo|bench …`."""
from __future__ import annotations

import json
import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from originproof import __version__
from originproof.cli.common import get_operator, get_policy, get_registry, open_blobs, open_store, parse_as_of

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="OriginProof — verify cross-border import sellers' origin distribution and production proof.")
err = Console(stderr=True)


def out_console() -> Console:
    # Piped output gets a fixed, wide layout instead of an 80-column squeeze.
    probe = Console()
    return probe if probe.is_terminal else Console(width=160)


class Fmt(str, Enum):
    json = "json"
    text = "text"
    md = "md"
    html = "html"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"originproof {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
         verbose: bool = typer.Option(False, "--verbose", "-v", help="Log reader details to stderr.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


@app.command()
def check(
    dossiers: list[Path] = typer.Argument(..., exists=True, help="Dossier folders or .zip files (dossier@1)."),
    fmt: Fmt = typer.Option(Fmt.text, "--format", "-f", help="Report format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Evaluation instant (ISO 8601); default submitted_at, else now."),
    policy: Optional[Path] = typer.Option(None, "--policy", exists=True, help="Policy YAML merged over the shipped one."),
    store: Optional[str] = typer.Option(None, "--store", help="Store URL (sqlite:///…, postgresql://…); default under ORIGINPROOF_HOME."),
    no_record: bool = typer.Option(False, "--no-record", help="Check without recording the dossier in the store."),
    web_archive: list[Path] = typer.Option([], "--web-archive", exists=True, help="WARC captures of listings: judge offline from them."),
    registry_dir: list[Path] = typer.Option([], "--registry-dir", exists=True, help="Operator registry overrides (YAML)."),
    workers: int = typer.Option(2, "--workers", min=1, help="Reader processes."),
    allow_network: bool = typer.Option(False, "--allow-network", help="Observe listings live (registry platform hosts only, public addresses only, archived as WARC)."),
    all_findings: bool = typer.Option(False, "--all", help="Text format: show passing findings too."),
) -> None:
    """Check one or more dossiers; exit 0 approve, 10 review, 20 reject."""
    from originproof.cli.signals import Terminated, unwind_on_sigterm
    from originproof.pipeline import check_path
    from originproof.pipeline.options import check_options
    from originproof.report.render import render, render_text

    unwind_on_sigterm()  # SIGTERM unwinds like Ctrl-C: temp folders removed, readers killed
    op = get_operator(policy, registry_dir, web_archive, allow_network, workers)
    st = open_store(store)
    opts = check_options(op, store=st, record=not no_record, as_of=parse_as_of(as_of),
                         blobs=None if no_record else open_blobs())
    outputs: list[str] = []
    worst = 0
    try:
        with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as prog:
            task = prog.add_task("checking", total=len(dossiers))
            for d in dossiers:
                prog.update(task, description=f"checking {d.name}")
                res = check_path(d, opts)
                worst = max(worst, res.exit_code)
                if fmt == Fmt.json:
                    outputs.append(json.dumps(res.report, ensure_ascii=False))
                elif fmt == Fmt.text and output is None:
                    render_text(res.report, console=out_console(), verbose=all_findings, source=d.name)
                else:
                    outputs.append(render(res.report, fmt.value, source=d.name))
                prog.advance(task)
    except KeyboardInterrupt as e:
        err.print("check interrupted; nothing recorded for the dossier in progress")
        raise typer.Exit(143 if isinstance(e, Terminated) else 130)
    finally:
        st.close()
    text = "\n".join(outputs)
    if output is not None:
        output.write_text(text + ("\n" if text else ""), encoding="utf-8")
    elif text:
        sys.stdout.write(text + "\n")
    raise typer.Exit(worst)


@app.command()
def extract(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="One evidence file."),
    kind: Optional[str] = typer.Option(None, "--kind", help="receipt|listing|certificate_of_origin|factory_licence|"
                                       "production_agreement|customs_declaration|video"),
    url: Optional[str] = typer.Option(None, "--url", help="For an HTML page: the address it was captured from."),
    origin: Optional[str] = typer.Option(None, "--origin", help="Origin-country prior for reading (ISO alpha-2)."),
    fmt: Fmt = typer.Option(Fmt.json, "--format", "-f", help="json (the `extracted` object) or text (a table "
                            "of the fields read, with confidences)."),
) -> None:
    """Read one file into the `extracted` object of report@1."""
    from originproof.pipeline.single import extract_file
    from originproof.report.render import render_extracted_text

    kinds = {None, "receipt", "listing", "certificate_of_origin", "factory_licence", "production_agreement",
             "customs_declaration", "video"}
    if kind not in kinds:
        raise typer.BadParameter(f"--kind must be one of {sorted(k for k in kinds if k)}")
    if fmt not in (Fmt.json, Fmt.text):  # md and html are report renderings; one file's reading has none
        raise typer.BadParameter(f"extract prints json or text, not {fmt.value}", param_hint="--format")
    policy = get_policy(None)
    obj = extract_file(file, kind=kind, url=url, origin=origin, policy=policy, registry=get_registry(None))
    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        render_extracted_text(obj, file.name, console=out_console(), min_confidence=policy.reading.min_field_confidence)
    raise typer.Exit(0 if obj.get("doc_type") else 1)


@app.command()
def demo(
    out: Path = typer.Option(Path("originproof-demo"), "--out", help="Where to write the sample dossier."),
    fmt: Fmt = typer.Option(Fmt.text, "--format", "-f"),
    store: Optional[str] = typer.Option(None, "--store"),
    country: str = typer.Option("JP", "--country", help="Origin country of the sample: JP KR US DE FR AU GB IT."),
) -> None:
    """Write a realistic sample dossier (PDFs, videos, several languages) and the platform's captures of
    its listings, then check it as a compliance team would."""
    from originproof.samples.dossier import write_demo_dossier
    from originproof.pipeline import check_path
    from originproof.pipeline.options import Operator, check_options
    from originproof.report.render import render, render_text
    from originproof.samples.spec import COUNTRIES

    if country.upper() not in COUNTRIES:  # the sample generator has presets for these origins only
        raise typer.BadParameter(f"no sample for {country!r}; the demo has samples for {' '.join(COUNTRIES)} "
                                 f"(示例仅支持这些原产国)", param_hint="--country")
    with err.status("generating the sample dossier …"):
        root, captures = write_demo_dossier(out, country=country.upper())
    err.print(f"sample dossier written to [bold]{root}[/]; listing captures (WARC) in [bold]{out / 'captures'}[/]")
    st = open_store(store)
    try:
        with err.status("checking …"):
            op = Operator(get_policy(None), get_registry(None), archive_sources=list(captures))
            res = check_path(root, check_options(op, store=st, record=False))
    finally:
        st.close()
    if fmt == Fmt.text:
        render_text(res.report, console=out_console(), verbose=True)
    else:
        sys.stdout.write(render(res.report, fmt.value) + "\n")
    raise typer.Exit(res.exit_code)


@app.command()
def worker(concurrency: int = typer.Option(2, "--concurrency", "-c", min=1),
           broker: Optional[str] = typer.Option(None, "--broker", help="Broker URL (default ORIGINPROOF_BROKER_URL)."),
           queues: str = typer.Option("celery", "--queues", "-Q"),
           policy: Optional[Path] = typer.Option(None, "--policy", exists=True, help="Operator policy YAML (as for check)."),
           registry_dir: list[Path] = typer.Option([], "--registry-dir", exists=True, help="Operator registry overrides."),
           web_archive: list[Path] = typer.Option([], "--web-archive", exists=True, help="WARC files or folders every check reads.")) -> None:
    """Run a Celery worker: checks submitted through the API (`serve --executor celery`) or `originproof submit`."""
    from originproof.config import settings

    if broker:
        os.environ["ORIGINPROOF_BROKER_URL"] = broker
    # The tasks read the operator files through settings, exactly as `serve` and `check` do.
    _export_operator_env(policy, registry_dir, web_archive)
    settings.cache_clear()
    get_operator(None, None, None, None, None)  # a bad operator file fails now, not in the first task
    from originproof.worker.celery_app import app as capp

    # Threads, not prefork: each check already runs its readers in capped child processes, which a
    # daemonic prefork child may not create.
    capp.worker_main(["worker", f"--concurrency={concurrency}", "--pool=threads", "-Q", queues, "--loglevel=INFO"])


def _export_operator_env(policy: Optional[Path], registry_dir: list[Path], web_archive: list[Path]) -> None:
    if policy:
        os.environ["ORIGINPROOF_POLICY_PATH"] = str(policy.resolve())
    for var, paths in (("ORIGINPROOF_REGISTRY_DIRS", registry_dir), ("ORIGINPROOF_WEB_ARCHIVES", web_archive)):
        if paths:
            have = [x for x in os.environ.get(var, "").split(os.pathsep) if x]
            os.environ[var] = os.pathsep.join(have + [str(p.resolve()) for p in paths])


@app.command()
def submit(
    dossiers: list[Path] = typer.Argument(..., exists=True),
    broker: Optional[str] = typer.Option(None, "--broker"),
    store: Optional[str] = typer.Option(None, "--store", help="Store URL the workers record into."),
    as_of: Optional[str] = typer.Option(None, "--as-of"),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Wait for the reports (JSON Lines on stdout)."),
    timeout: float = typer.Option(3600, "--timeout"),
    queue: str = typer.Option("celery", "--queue", "-Q", help="Queue the workers listen on."),
) -> None:
    """Queue dossiers for distributed workers (blobs must be shared storage, e.g. ORIGINPROOF_BLOB_URL=s3://…)."""
    import tempfile

    from originproof.dossier.intake import sha256_file
    if broker:
        os.environ["ORIGINPROOF_BROKER_URL"] = broker
    from originproof.worker.celery_app import check_dossier, zip_dossier
    from originproof.verdict import EXIT_CODES

    blobs = open_blobs()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, d in enumerate(dossiers):
            z = zip_dossier(d, Path(tmp) / f"d{i}.zip")
            sha = sha256_file(z)
            blobs.put_file(z, sha)
            opts = {"store_url": store, "as_of": as_of, "blob_url": None}
            results.append(check_dossier.apply_async(args=[sha, {k: v for k, v in opts.items() if v}], queue=queue))
    if not wait:
        for r in results:
            typer.echo(r.id)
        raise typer.Exit(0)
    worst = 0
    for r in results:
        rep = r.get(timeout=timeout)
        worst = max(worst, EXIT_CODES[rep["verdict"]])
        sys.stdout.write(json.dumps(rep, ensure_ascii=False) + "\n")
    raise typer.Exit(worst)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
          store: Optional[str] = typer.Option(None, "--store"),
          policy: Optional[Path] = typer.Option(None, "--policy", exists=True, help="Operator policy YAML (as for check)."),
          registry_dir: list[Path] = typer.Option([], "--registry-dir", exists=True, help="Operator registry overrides."),
          web_archive: list[Path] = typer.Option([], "--web-archive", exists=True, help="WARC files or folders every check reads."),
          allow_network: bool = typer.Option(False, "--allow-network", help="Observe listings live (SSRF-guarded)."),
          executor: Optional[str] = typer.Option(None, "--executor", help="embedded (in-process pool, default) | celery."),
          threads: int = typer.Option(2, "--threads", min=1, help="Embedded: checks run at once."),
          queue: str = typer.Option("celery", "--queue", "-Q", help="Celery: the queue workers listen on.")) -> None:
    """Serve the HTTP API v1 (OpenAPI at /docs) and the review console (/console).

    Credentials: `originproof accounts add-token --role admin` (Bearer tokens) and
    `originproof accounts add-user` (console sign-in)."""
    import uvicorn

    from originproof.api.app import create_app
    from originproof.service.runtime import build_service

    op = get_operator(policy, registry_dir, web_archive, allow_network or None, None, monitor_archive=True)
    svc = build_service(open_store(store), open_blobs(), op, executor=executor, threads=threads, queue=queue)
    err.print(f"OriginProof API on http://{host}:{port} (checks: {executor or 'embedded'}); "
              "tokens: `originproof accounts add-token --role admin`")
    # No access log: request lines are where secrets used to leak.
    uvicorn.run(create_app(svc), host=host, port=port, access_log=False)


def _register_subapps() -> None:
    try:
        from originproof.bench.cli import bench_app
        app.add_typer(bench_app, name="bench", help="Evaluation and speed benchmarks.")
    except ImportError:
        pass
    from originproof.cli import monitor; monitor.register(app)  # noqa: E702
    from originproof.accounts import cli as accounts_cli; accounts_cli.register(app)  # noqa: E702
    from originproof.cli import audit; audit.register(app)  # noqa: E702


_register_subapps()

if __name__ == "__main__":
    app()
