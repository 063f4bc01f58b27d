"""Celery tasks. A dossier travels as a zip in the shared blob store, so any worker machine can read it.

Tasks are idempotent: a worker killed mid-task is simply retried (acks_late), and a re-run records
one more check of the same dossier digest, never a second dossier.
"""
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
                    result_expires=7 * 24 * 3600, broker_connection_retry_on_startup=True)
    return app


app = make_app()


@app.task(name="originproof.check_dossier", bind=True, max_retries=3, default_retry_delay=5)
def check_dossier(self, blob_sha256: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check the dossier zip stored under `blob_sha256`; returns report@1 (and records it)."""
    from originproof.pipeline import CheckOptions, check_path
    from originproof.policy import load_policy
    from originproof.registry import Registry
    from originproof.rules.dates import parse_iso_datetime
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
            as_of = parse_iso_datetime(options["as_of"], "Asia/Shanghai") if options.get("as_of") else None
            res = check_path(local, CheckOptions(policy=load_policy(options.get("policy_path")),
                                                 registry=Registry.load(), store=store,
                                                 record=options.get("record", True), as_of=as_of, blobs=blobs,
                                                 workers=int(options.get("workers", 1)),
                                                 actor=options.get("actor", "worker")))
            return res.report
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
