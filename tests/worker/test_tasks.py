"""The task is idempotent: a done version is skipped, a version left `running` by a dead worker is
claimed again, one that keeps failing ends `failed` (never stuck), and lost work is re-sent."""
from __future__ import annotations

from datetime import timedelta

from originproof.cases import service as cases
from originproof.cases.identity import DossierIdentity
from originproof.cases.models import CaseVersion
from originproof.pipeline.options import load_operator
from originproof.store import Store
from originproof.store.blobs import BlobStore
from originproof.worker.context import WorkerContext
from originproof.worker.pool import InProcessPool, resend_stuck
from originproof.worker.tasks import run_version
from tests.api.conftest import zip_folder


def _ctx(tmp_path) -> WorkerContext:
    return WorkerContext(Store(f"sqlite:///{tmp_path / 'w.db'}"), BlobStore(str(tmp_path / "b")), load_operator())


def _queue(ctx: WorkerContext, tmp_path, data: bytes, brand: str = "Acme", at=None) -> int:
    from originproof.dossier.intake import sha256_file

    z = tmp_path / f"{brand}.zip"
    z.write_bytes(data)
    sha = sha256_file(z)
    ctx.blobs.put_file(z, sha)
    with ctx.store.Session.begin() as s:
        o = cases.open_version(s, DossierIdentity("M-1", brand, None), sha, "test", at or cases.now())
        return o.version.id


def _status(ctx, pk) -> tuple[str, int]:
    with ctx.store.Session() as s:
        v = s.get(CaseVersion, pk)
        return v.status, v.attempts


def test_done_is_skipped_and_a_dead_workers_version_is_reclaimed(tmp_path, small_dossier_dir):
    ctx = _ctx(tmp_path)
    pk = _queue(ctx, tmp_path, zip_folder(small_dossier_dir, only_manifest=True))
    with ctx.store.Session.begin() as s:
        assert cases.claim(s, pk) is not None  # a worker took it … and died
    assert _status(ctx, pk) == ("running", 1)
    assert run_version(ctx, pk) == "done"
    assert _status(ctx, pk) == ("done", 2)
    assert run_version(ctx, pk) == "skipped"
    ctx.store.close()


def test_a_version_that_keeps_failing_ends_failed(tmp_path):
    ctx = _ctx(tmp_path)
    pk = _queue(ctx, tmp_path, b"irrelevant")
    ctx.blobs.fs.rm(ctx.blobs.key(_blob(ctx, pk)))  # its zip is gone: every attempt fails
    results = [run_version(ctx, pk) for _ in range(4)]
    assert results == ["failed", "failed", "failed", "skipped"]
    status, attempts = _status(ctx, pk)
    assert status == "failed" and attempts == 3
    ctx.store.close()


def _blob(ctx, pk) -> str:
    with ctx.store.Session() as s:
        return s.get(CaseVersion, pk).blob_sha256


def test_lost_work_is_resent(tmp_path, small_dossier_dir):
    ctx = _ctx(tmp_path)
    old = cases.now() - timedelta(hours=2)
    lost = _queue(ctx, tmp_path, zip_folder(small_dossier_dir, only_manifest=True), "Lost", at=old)
    fresh = _queue(ctx, tmp_path, zip_folder(small_dossier_dir, only_manifest=True, brand="Fresh"), "Fresh")
    pool = InProcessPool(ctx, threads=1)
    assert resend_stuck(ctx.store, pool, queued_for_s=600, running_for_s=3600) == 1
    pool.drain(timeout=120)
    assert _status(ctx, lost)[0] == "done" and _status(ctx, fresh) == ("queued", 0)
    pool.close()
    ctx.store.close()
