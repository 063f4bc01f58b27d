"""Where queued versions run: an in-process thread pool (embedded default) or Celery workers."""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from originproof.cases import repository as cases_repo
from originproof.worker.context import WorkerContext
from originproof.worker.tasks import run_version

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    def submit(self, version_pk: int) -> None: ...

    def close(self) -> None: ...


def resend_stuck(store, dispatcher: Dispatcher, queued_for_s: float, running_for_s: float) -> int:
    """Hand lost work out again (a broker flushed, a message dropped): tasks are idempotent and a
    version is claimed, so a duplicate costs one check at most and loses nothing."""
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    with store.Session() as s:
        pks = cases_repo.stuck_versions(s, now - timedelta(seconds=queued_for_s),
                                        now - timedelta(seconds=running_for_s))
    for pk in pks:
        dispatcher.submit(pk)
    return len(pks)


class InProcessPool:
    """Threads, not processes: each check already runs its readers in capped child processes."""

    def __init__(self, ctx: WorkerContext, threads: int = 2):
        self.ctx = ctx
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="originproof-check")
        self.futures: list[Future] = []

    def submit(self, version_pk: int) -> None:
        self.futures = [f for f in self.futures if not f.done()]
        self.futures.append(self.pool.submit(self._run, version_pk))

    def _run(self, version_pk: int) -> str:
        # A retry within the pool mirrors Celery's: a failed attempt goes back to `queued`.
        result = "failed"
        for _ in range(3):
            result = run_version(self.ctx, version_pk)
            if result != "failed":
                break
        return result

    def resume(self) -> int:
        """After a restart: queue again what was queued or running when the process stopped."""
        with self.ctx.store.Session() as s:
            pending = cases_repo.unfinished_versions(s)
        for pk in pending:
            self.submit(pk)
        return len(pending)

    def drain(self, timeout: float | None = None) -> None:
        for f in list(self.futures):
            f.result(timeout=timeout)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)


class CeleryDispatcher:
    """Sends `originproof.run_version` by name on a Celery app of its own, so the broker is the one
    configured when the service was built, whatever was imported before."""

    def __init__(self, queue: str = "celery", broker_url: str | None = None):
        from originproof.worker.celery_app import make_app

        self.queue = queue
        self.app = make_app(broker_url)

    def submit(self, version_pk: int) -> None:
        self.app.send_task("originproof.run_version", args=[version_pk], queue=self.queue)

    def close(self) -> None:
        self.app.close()
