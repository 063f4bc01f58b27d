"""`originproof bench api`: throughput and p50/p95/p99 of case reads and submissions through real
HTTP on loopback, embedded (in-process pool, SQLite) or distributed (Celery workers on Redis,
PostgreSQL). The baseline in the same run is `GET /healthz` (no auth, no database): the other
figures are also given as a ratio to it, so they compare across machines."""
from __future__ import annotations

import io
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import httpx
import yaml


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def _figures(name: str, lat_s: list[float], wall_s: float) -> dict[str, Any]:
    return {"name": name, "n": len(lat_s), "throughput_per_s": round(len(lat_s) / wall_s, 1),
            "p50_ms": round(_pct(lat_s, 0.50) * 1000, 2), "p95_ms": round(_pct(lat_s, 0.95) * 1000, 2),
            "p99_ms": round(_pct(lat_s, 0.99) * 1000, 2), "mean_ms": round(statistics.fmean(lat_s) * 1000, 2)}


def _load(n: int, concurrency: int, call: Callable[[int], None]) -> tuple[list[float], float]:
    lat: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        t = time.perf_counter()
        call(i)
        with lock:
            lat.append(time.perf_counter() - t)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    return lat, time.perf_counter() - t0


def _manifest_zip(brand: str, merchant: str) -> bytes:
    """A manifest-only dossier: its check is intake + rules, so the service, not the readers, is timed."""
    from originproof.samples.spec import clean_spec

    spec = clean_spec("JP", 1, submitted_at=datetime.now(timezone.utc) - timedelta(minutes=1))
    m = spec.manifest([], {}, [], online=True, offline=False)
    m["merchant"]["id"], m["brand"]["name"] = merchant, brand
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("dossier.yaml", yaml.safe_dump(m, allow_unicode=True, sort_keys=False))
    return buf.getvalue()


def _serve(app) -> tuple[Any, int]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, port


def run_api_bench(reads: int = 400, submissions: int = 40, concurrency: int = 8, threads: int = 2,
                  brands: int = 8, store_url: str | None = None, broker_url: str | None = None,
                  workers: int = 2) -> dict[str, Any]:
    """Embedded unless `broker_url` is given (then `workers` Celery processes on a queue of their own,
    and `store_url` must be a PostgreSQL URL they share)."""
    from originproof.accounts import service as accounts
    from originproof.api.app import create_app
    from originproof.cases.models import CaseVersion
    from originproof.pipeline.options import load_operator
    from originproof.service.runtime import build_service
    from originproof.store import Store
    from originproof.store.blobs import BlobStore

    distributed = broker_url is not None
    tmp = Path(tempfile.mkdtemp(prefix="originproof-bench-api-"))
    store = Store(store_url or f"sqlite:///{tmp / 'bench.db'}")
    blob_url = str(tmp / "blobs")
    procs: list[subprocess.Popen] = []
    queue = f"op-bench-{uuid.uuid4().hex[:8]}"
    if distributed:
        env = {**os.environ, "ORIGINPROOF_STORE_URL": store.url, "ORIGINPROOF_BLOB_URL": blob_url,
               "ORIGINPROOF_BROKER_URL": broker_url, "ORIGINPROOF_HOME": str(tmp / "home")}
        procs = [subprocess.Popen([sys.executable, "-m", "originproof.cli.main", "worker", "-c", "1", "-Q", queue],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True) for _ in range(workers)]
        os.environ["ORIGINPROOF_BROKER_URL"] = broker_url
    svc = build_service(store, BlobStore(blob_url), load_operator(), executor="celery" if distributed else "embedded",
                        threads=threads, queue=queue, deliver_webhooks=False, resume=False)
    with store.Session.begin() as s:
        seller = accounts.issue_token(s, "seller", ["M-BENCH"])[1]
        reviewer = accounts.issue_token(s, "reviewer")[1]
    server, port = _serve(create_app(svc))
    base = f"http://127.0.0.1:{port}"
    zips = [_manifest_zip(f"Bench brand {i}", "M-BENCH") for i in range(brands)]
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "c"):
            local.c = httpx.Client(base_url=base, timeout=120)
        return local.c
    try:
        out: dict[str, Any] = {"mode": "distributed" if distributed else "embedded", "concurrency": concurrency,
                               "check_threads" if not distributed else "workers": workers if distributed else threads}
        # Warm-up: imports, first connections, SQLite pages.
        for _ in range(20):
            client().get("/healthz")
        accepted: list[dict] = []

        def submit(i: int) -> None:
            r = client().post("/v1/dossiers", files={"file": ("d.zip", zips[i % brands])},
                              headers={"Authorization": f"Bearer {seller}"})
            assert r.status_code == 202, r.text
            accepted.append(r.json())
        t_sub = time.perf_counter()
        lat, wall = _load(submissions, concurrency, submit)
        out["submissions"] = _figures("POST /v1/dossiers (202)", lat, wall)
        with store.Session() as s:
            def unfinished() -> int:
                s.expire_all()
                return s.query(CaseVersion).filter(CaseVersion.status.in_(("queued", "running"))).count()
            while unfinished():
                time.sleep(0.1)
        done_wall = time.perf_counter() - t_sub
        out["checks_done"] = {"n": submissions, "wall_s": round(done_wall, 2),
                              "per_s": round(submissions / done_wall, 2)}
        case_ids = sorted({a["case_id"] for a in accepted})
        rng = random.Random(0)
        auth = {"Authorization": f"Bearer {reviewer}"}

        def health(_: int) -> None:
            client().get("/healthz").raise_for_status()

        def read_case(_: int) -> None:
            client().get(f"/v1/cases/{rng.choice(case_ids)}", headers=auth).raise_for_status()

        def list_cases(_: int) -> None:
            client().get("/v1/cases?limit=50", headers=auth).raise_for_status()

        def read_report(_: int) -> None:
            client().get(f"/v1/cases/{rng.choice(case_ids)}/versions/1/report", headers=auth).raise_for_status()
        for key, name, fn in (("baseline", "GET /healthz (baseline)", health),
                              ("case_reads", "GET /v1/cases/{id}", read_case),
                              ("case_lists", "GET /v1/cases?limit=50", list_cases),
                              ("report_reads", "GET …/versions/1/report", read_report)):
            lat, wall = _load(reads, concurrency, fn)
            out[key] = _figures(name, lat, wall)
        b = out["baseline"]["p50_ms"]
        for key in ("submissions", "case_reads", "case_lists", "report_reads"):
            out[key]["p50_vs_baseline"] = round(out[key]["p50_ms"] / b, 2) if b else None
        return out
    finally:
        server.should_exit = True
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(p.pid, signal.SIGKILL)
        for stop in svc.extras.get("on_shutdown", []):
            stop()
        store.close()
