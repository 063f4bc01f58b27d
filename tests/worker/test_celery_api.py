"""The distributed path through the API: PostgreSQL store, Redis broker, real Celery worker
processes. A worker killed with SIGKILL mid-check loses nothing (the task is redelivered and the
version re-claimed), and 50 concurrent submissions each end with the report a local check gives."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
import pytest
import uvicorn

from originproof.accounts import service as accounts
from originproof.api.app import create_app
from originproof.cases.models import CaseVersion
from originproof.pipeline import check_path
from originproof.pipeline.options import check_options, load_operator
from originproof.service.runtime import build_service
from originproof.store import Store
from originproof.store.blobs import BlobStore
from tests.api.conftest import zip_folder

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _worker(env: dict[str, str], queue: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "originproof.cli.main", "worker", "-c", "1", "-Q", queue],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _statuses(store: Store) -> dict[int, tuple[str, int]]:
    with store.Session() as s:
        return {v.id: (v.status, v.attempts) for v in s.query(CaseVersion)}


def _wait(pred, timeout: float, every: float = 0.5) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(every)
    return False


def _key(report: dict) -> tuple:
    return report["verdict"], report["severity"], sorted((f["rule"], f["subject"], f["status"])
                                                         for f in report["findings"])


def test_api_on_celery_workers_survives_sigkill(tmp_path, redis_url, pg_url_fresh, monkeypatch, small_dossier_dir):
    queue = f"op-api-{uuid.uuid4().hex[:8]}"
    env = {"ORIGINPROOF_HOME": str(tmp_path / "home"), "ORIGINPROOF_STORE_URL": pg_url_fresh,
           "ORIGINPROOF_BLOB_URL": str(tmp_path / "blobs"), "ORIGINPROOF_BROKER_URL": redis_url,
           "ORIGINPROOF_VISIBILITY_TIMEOUT": "8"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    from originproof.config import settings
    settings.cache_clear()
    store = Store(pg_url_fresh)
    svc = build_service(store, BlobStore(env["ORIGINPROOF_BLOB_URL"]), load_operator(), executor="celery",
                        queue=queue, deliver_webhooks=False)
    with store.Session.begin() as s:
        token = accounts.issue_token(s, "admin")[1]
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(svc), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    assert _wait(lambda: server.started, 20, 0.05)
    base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}

    def submit(data: bytes) -> dict:
        r = httpx.post(f"{base}/v1/dossiers", files={"file": ("d.zip", data)}, headers=auth, timeout=60)
        assert r.status_code == 202, r.text
        return r.json()

    workers = [_worker(env, queue)]
    try:
        # A real check (documents + listings), killed mid-run with its worker.
        slow = submit(zip_folder(small_dossier_dir))
        assert _wait(lambda: "running" in {s for s, _ in _statuses(store).values()}, 120)
        _stop(workers.pop(), signal.SIGKILL)
        workers += [_worker(env, queue), _worker(env, queue)]

        # 50 concurrent submissions: 5 brands × 10 (manifest-only zips: the queue is under test).
        zips = {f"Brand {i}": zip_folder(small_dossier_dir, only_manifest=True, brand=f"Brand {i}") for i in range(5)}
        with ThreadPoolExecutor(8) as pool:
            accepted = list(pool.map(lambda i: (f"Brand {i % 5}", submit(zips[f"Brand {i % 5}"])), range(50)))
        assert len({a["case_id"] for _, a in accepted}) == 5
        assert sorted(a["version"] for _, a in accepted if _ == "Brand 0") == list(range(1, 11))

        done = _wait(lambda: all(s == "done" for s, _ in _statuses(store).values()), 420, 1.0)
        states = _statuses(store)
        assert done, sorted(states.values())
        assert len(states) == 51 and max(a for _, a in states.values()) >= 2  # the killed one ran again

        # Each report is what a local check of the same files gives.
        local = {}
        scratch = Store(f"sqlite:///{tmp_path / 'local.db'}")  # as `check --no-record --store …` would
        for brand, data in zips.items():
            p = tmp_path / f"{brand}.zip"
            p.write_bytes(data)
            local[brand] = _key(check_path(p, check_options(load_operator(), store=scratch, record=False)).report)
        for brand, a in accepted:
            rep = httpx.get(f"{base}/v1/cases/{a['case_id']}/versions/{a['version']}/report", headers=auth).json()
            assert _key(rep) == local[brand]
        rep = httpx.get(f"{base}/v1/cases/{slow['case_id']}/versions/1/report", headers=auth).json()
        case = httpx.get(f"{base}/v1/cases/{slow['case_id']}", headers=auth).json()
        received = datetime.fromisoformat(case["versions"][0]["submitted_at"])
        p = tmp_path / "slow.zip"
        p.write_bytes(zip_folder(small_dossier_dir))
        # As `check` judges it when told the instant the service received it.
        mine = check_path(p, check_options(load_operator(), store=scratch, record=False,
                                                         received_at=received)).report
        assert _key(rep) == _key(mine)
        scratch.close()
        assert store.verify_audit_chain()
    finally:
        server.should_exit = True
        for w in workers:
            _stop(w)
        store.close()
