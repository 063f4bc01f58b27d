"""Assemble a running service: store, blobs, operator files, where checks run, webhook delivery."""
from __future__ import annotations

import logging
import threading

from originproof.api.deps import Service
from originproof.pipeline.options import Operator, load_operator
from originproof.store import Store
from originproof.store.blobs import BlobStore
from originproof.webhooks.service import deliver_due
from originproof.worker.context import WorkerContext
from originproof.worker.pool import CeleryDispatcher, InProcessPool

log = logging.getLogger(__name__)


def webhook_loop(store: Store, stop: threading.Event, every_s: float = 2.0) -> None:
    while not stop.wait(every_s):
        try:
            deliver_due(store)
        except Exception:  # noqa: BLE001 — delivery trouble must never stop the loop
            log.exception("webhook delivery pass failed")


def build_service(store: Store | None = None, blobs: BlobStore | None = None, operator: Operator | None = None,
                  executor: str | None = None, threads: int = 2, queue: str = "celery",
                  deliver_webhooks: bool = True, resume: bool = True) -> Service:
    """Embedded by default (in-process pool, SQLite, local blobs); `executor="celery"` hands checks to
    Celery workers, which must share the store and the blob store."""
    from originproof.config import settings

    cfg = settings()
    store = store or Store(cfg.resolved_store_url())
    blobs = blobs or BlobStore(cfg.resolved_blob_url())
    operator = operator or load_operator(monitor_archive=True)
    kind = executor or cfg.executor
    stops = []
    if kind == "celery":
        dispatcher = CeleryDispatcher(queue)
    elif kind == "embedded":
        dispatcher = InProcessPool(WorkerContext(store, blobs, operator), threads=threads)
        if resume:
            dispatcher.resume()
    else:
        raise ValueError(f"executor must be embedded or celery, not {kind!r}")
    stops.append(dispatcher.close)
    if deliver_webhooks:
        stop = threading.Event()
        t = threading.Thread(target=webhook_loop, args=(store, stop), name="originproof-webhooks", daemon=True)
        t.start()
        stops.insert(0, stop.set)
    return Service(store=store, blobs=blobs, operator=operator, dispatcher=dispatcher, extras={"on_shutdown": stops})
