"""The distributed path for real: a Celery worker process on Redis, recording into PostgreSQL."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from originproof.cli.main import app

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def worker_env(tmp_path, redis_url, pg_url_fresh, monkeypatch):
    pg_url = pg_url_fresh
    env = {"ORIGINPROOF_HOME": str(tmp_path / "home"), "ORIGINPROOF_STORE_URL": pg_url,
           "ORIGINPROOF_BLOB_URL": str(tmp_path / "shared-blobs"), "ORIGINPROOF_BROKER_URL": redis_url}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    # A queue of its own: another test run on this machine (and its worker) must not take our task.
    env["QUEUE"] = f"op-test-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen([sys.executable, "-m", "originproof.cli.main", "worker", "-c", "1", "-Q", env["QUEUE"]],
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    yield env
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_submitted_dossier_is_checked_by_a_worker(worker_env, dossier_copy):
    pg_url = worker_env["ORIGINPROOF_STORE_URL"]
    from originproof.config import settings
    settings.cache_clear()
    # Online route only: the point here is the distributed path, not the video readers' cost.
    clean_dossier_dir = dossier_copy(lambda m: m["distribution"].pop("offline"))
    res = CliRunner().invoke(app, ["submit", str(clean_dossier_dir), "--timeout", "180", "-Q", worker_env["QUEUE"]])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    [report] = [json.loads(ln) for ln in res.stdout.splitlines() if ln.startswith("{")]
    assert report["format"] == "originproof/report@1"
    # Same content as checking in-process (timings aside).
    local = CliRunner().invoke(app, ["check", str(clean_dossier_dir), "--format", "json", "--no-record",
                                     "--store", f"sqlite:///{Path(worker_env['ORIGINPROOF_HOME']) / 'x.db'}"])
    mine = json.loads(local.stdout)
    for r in (report, mine):
        r.pop("timings_ms")
    key = lambda r: {(f["rule"], f["subject"], f["message"]["en"]): f["status"] for f in r["findings"]}  # noqa: E731
    a, b = key(report), key(mine)
    diff = sorted(set(a.items()) ^ set(b.items()))
    assert not diff and report == mine, diff
    # …and the worker recorded it in the shared PostgreSQL store.
    from originproof.store import Store
    st = Store(pg_url)
    try:
        assert len(st.checks_for(report["dossier"]["sha256"])) >= 1
        assert st.verify_audit_chain()
    finally:
        st.close()
