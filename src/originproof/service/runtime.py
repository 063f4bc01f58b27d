"""Assemble a running service: store, blobs, operator files, where checks run, webhook delivery."""
from __future__ import annotations

import logging
import threading

from originproof.accounts.throttle import SignInThrottle
from originproof.api.deps import Service
from originproof.pipeline.options import Operator, load_operator
from originproof.store import Store
from originproof.store.blobs import BlobStore
from originproof.webhooks.service import deliver_due
from originproof.webhooks.targets import Targets
from originproof.worker.context import WorkerContext
from originproof.worker.pool import CeleryDispatcher, InProcessPool, resend_stuck

log = logging.getLogger(__name__)


def webhook_loop(store: Store, targets: Targets, stop: threading.Event, every_s: float = 2.0) -> None:
    while not stop.wait(every_s):
        try:
            deliver_due(store, targets)
        except Exception:  # noqa: BLE001 — delivery trouble must never stop the loop
            log.exception("webhook delivery pass failed")


def sweep_loop(store: Store, dispatcher, stop: threading.Event, visibility_s: float, every_s: float = 60.0) -> None:
    # Celery redelivers a dead worker's task by itself; this catches what the broker lost.
    while not stop.wait(every_s):
        try:
            n = resend_stuck(store, dispatcher, queued_for_s=max(600.0, visibility_s), running_for_s=2 * visibility_s)
            if n:
                log.warning("re-sent %d version(s) whose task looked lost", n)
        except Exception:  # noqa: BLE001
            log.exception("stuck-version sweep failed")


def build_service(store: Store | None = None, blobs: BlobStore | None = None, operator: Operator | None = None,
                  executor: str | None = None, threads: int = 2, queue: str = "celery",
                  deliver_webhooks: bool = True, resume: bool = True,
                  webhook_targets: Targets | None = None, signin_throttle: SignInThrottle | None = None) -> Service:
    """Embedded by default (in-process pool, SQLite, local blobs); `executor="celery"` hands checks to
    Celery workers, which must share the store and the blob store."""
    from originproof.config import settings

    cfg = settings()
    store = store or Store(cfg.resolved_store_url())
    blobs = blobs or BlobStore(cfg.resolved_blob_url())
    operator = operator or load_operator(monitor_archive=True)
    targets = webhook_targets or Targets.from_settings(cfg)
    throttle = signin_throttle or SignInThrottle.from_settings(cfg)
    kind = executor or cfg.executor
    stops = []
    if kind == "celery":
        dispatcher = CeleryDispatcher(queue)
        stop_sweep = threading.Event()
        threading.Thread(target=sweep_loop, args=(store, dispatcher, stop_sweep, cfg.visibility_timeout),
                         name="originproof-sweep", daemon=True).start()
        stops.append(stop_sweep.set)
    elif kind == "embedded":
        dispatcher = InProcessPool(WorkerContext(store, blobs, operator), threads=threads)
        if resume:
            dispatcher.resume()
    else:
        raise ValueError(f"executor must be embedded or celery, not {kind!r}")
    stops.append(dispatcher.close)
    if deliver_webhooks:
        stop = threading.Event()
        t = threading.Thread(target=webhook_loop, args=(store, targets, stop), name="originproof-webhooks", daemon=True)
        t.start()
        stops.insert(0, stop.set)
    return Service(store=store, blobs=blobs, operator=operator, dispatcher=dispatcher, webhook_targets=targets,
                   signin_throttle=throttle, extras={"on_shutdown": stops})
