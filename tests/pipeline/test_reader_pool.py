"""Reader pools started from a process that is itself a forked worker (bench eval, a service's pool)."""
from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time


def _in_forked_worker(q) -> None:
    # A worker forked from a parent that had started the fork server, now running a second thread (as a
    # check that used OCR threads leaves it): its reader pool must still start and read.
    threading.Thread(target=time.sleep, args=(1.0,), daemon=True).start()
    from originproof.pipeline.extract import Extractor
    ex = Extractor.__new__(Extractor)
    ex.start_method = None
    pool = ex._pool(1)
    try:
        q.put(pool.submit(os.getpid).result(timeout=60) != os.getpid())
    except BaseException as e:  # noqa: BLE001 — reported to the test
        q.put(repr(e))
    finally:
        pool.shutdown()


def test_reader_pool_starts_in_a_forked_worker_of_a_fork_server_parent():
    from multiprocessing import forkserver
    forkserver.ensure_running()
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_in_forked_worker, args=(q,))
    p.start()
    got = q.get(timeout=120)
    p.join(timeout=30)
    assert got is True, got
