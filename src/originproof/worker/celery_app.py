"""Celery entry points (Redis broker, shared PostgreSQL store and S3/fsspec blobs). Thin: the work
is `worker.tasks.run_version`, the same function the in-process pool runs.

Acknowledged late and rejected on a lost worker, so a task whose worker was killed is delivered
again; the task is idempotent."""
from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from celery import Celery

from originproof.config import settings


def make_app(broker_url: str | None = None) -> Celery:
    url = broker_url or os.environ.get("ORIGINPROOF_BROKER_URL") or settings().broker_url
    app = Celery("originproof", broker=url, backend=url)
    app.conf.update(task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
                    task_serializer="json", result_serializer="json", accept_content=["json"],
                    result_expires=7 * 24 * 3600, broker_connection_retry_on_startup=True,
                    # Redis redelivers a dead worker's unacknowledged task after this many seconds; longer
                    # than any check, or a slow check would run twice (harmless — tasks are idempotent).
                    broker_transport_options={"visibility_timeout": settings().visibility_timeout})
    return app


app = make_app()


@app.task(name="originproof.run_version", bind=True, max_retries=3, default_retry_delay=5)
def run_version_task(self, version_pk: int) -> str:
    from originproof.worker.context import context_from_settings
    from originproof.worker.tasks import run_version

    result = run_version(context_from_settings(), int(version_pk))
    if result == "failed":
        raise self.retry()
    return result


@app.task(name="originproof.check_dossier", bind=True, max_retries=3, default_retry_delay=5)
def check_dossier(self, blob_sha256: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """`originproof submit`: check the dossier zip stored under `blob_sha256`; returns report@1."""
    from originproof.pipeline import check_path
    from originproof.pipeline.options import check_options, load_operator, parse_evaluation_time
    from originproof.store import Store
    from originproof.store.blobs import BlobStore

    options = options or {}
    blobs = BlobStore(options.get("blob_url") or settings().resolved_blob_url())
    store = Store(options.get("store_url") or settings().resolved_store_url())
    try:
        with tempfile.TemporaryDirectory(prefix="originproof-task-") as tmp:
            local = Path(tmp) / "dossier.zip"
            with blobs.open(blob_sha256) as src, open(local, "wb") as out:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
            # As `originproof check` would judge it: same operator files, no implicit archive.
            op = load_operator(options.get("policy_path"), workers=int(options.get("workers", 1)))
            opts = check_options(op, store=store, blobs=blobs, record=options.get("record", True),
                                 as_of=parse_evaluation_time(options.get("as_of")),
                                 actor=options.get("actor", "worker"))
            return check_path(local, opts).report
    finally:
        store.close()


def zip_dossier(path: Path, dest: Path) -> Path:
    """A folder becomes a zip (sorted members, fixed timestamps); a zip is used as it is."""
    if path.is_file():
        return path
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(path.rglob("*")):
            if p.is_file() and not p.is_symlink():
                info = zipfile.ZipInfo(p.relative_to(path).as_posix(), date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, p.read_bytes())
    return dest
