"""Run the registered readers over a dossier's files, cached by content hash + reader versions.

Readers parse hostile input (PDFs, videos, images from sellers), so by default each read runs in a
worker *process* with an address-space cap and a time limit: a parser that crashes, loops or
balloons costs that one file (reported `unknown`), never the dossier or the service. It also lets
OCR and decoding use both cores despite the GIL.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing as mp
import os
import resource
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from originproof.dossier.safety import make_temp_dir, remove_tree
from originproof.evidence.readers import FileRef, ReadContext, die_with_parent, kill_processes, reader
from originproof.facts import DOCUMENT_TYPES, EvidenceFacts, ListingFacts, Unread, VideoFacts
from originproof.store import Store

log = logging.getLogger(__name__)

FACT_CLASSES: dict[str, type[EvidenceFacts]] = {c.__name__: c for c in
                                                 [*DOCUMENT_TYPES.values(), VideoFacts, ListingFacts]}
MEMORY_CAP_BYTES = 6 * 1024 ** 3


# What each reader consults besides the file (so its cache key must name it). Every reading also
# runs the forensics reader, which consults the registry (editing tools): the registry is in every key.
# The policy enters only through the sections readers read (intake caps, reading parameters), so an
# operator who changes a rule threshold re-judges without re-reading anything.
CONSULTS: dict[str, frozenset[str]] = {
    "video": frozenset({"brands", "registry", "policy"}),
}
DEFAULT_CONSULTS = frozenset({"registry", "policy"})
READER_POLICY_SECTIONS = ("intake", "reading")


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")).hexdigest()


def registry_digest(registry: Any) -> str:
    return _digest(getattr(registry, "data", None))


def reader_policy_digest(policy: Any) -> str:
    if policy is None:
        return "-"
    try:
        return _digest({k: policy.model_dump(mode="json").get(k) for k in READER_POLICY_SECTIONS})
    except Exception:  # noqa: BLE001
        return _digest(str(policy))


def reading_inputs(kind: str, ctx: ReadContext, digests: dict[str, str] | None = None) -> dict[str, str]:
    """The context inputs a reading of `kind` depends on, by name (brand names, registry, policy)."""
    uses = CONSULTS.get(kind, DEFAULT_CONSULTS)
    out: dict[str, str] = {}
    if "brands" in uses:
        out["brands"] = "|".join(sorted({b.casefold().strip() for b in ctx.brand_names if b}))
    if "registry" in uses:
        out["registry"] = (digests or {}).get("registry") or registry_digest(ctx.registry)
    if "policy" in uses:
        out["policy"] = (digests or {}).get("policy") or reader_policy_digest(ctx.policy)
    return out


def cache_key(files: list[FileRef], reader_id: str, hint: str | None, prior: str | None,
              inputs: dict[str, str] | None = None) -> str:
    """sha256 over every input of a reading: the files' content, reader (+ forensics) versions, the
    hint, the origin country, and what the reader consults (brand names, registry, reader policy)."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.sha256.encode())
    h.update(f"|{reader_id}|{hint}|{prior}".encode())
    for k, v in sorted((inputs or {}).items()):
        h.update(f"|{k}={v}".encode("utf-8"))
    return h.hexdigest()


def dump_facts(facts: EvidenceFacts) -> dict[str, Any]:
    return {"cls": type(facts).__name__, "data": facts.model_dump(mode="json")}


def load_facts(blob: dict[str, Any]) -> EvidenceFacts | None:
    cls = FACT_CLASSES.get(blob.get("cls", ""))
    if cls is None:
        return None
    try:
        return cls.model_validate(blob["data"])
    except Exception:  # noqa: BLE001 — a stale cache entry is simply re-read
        return None


def read_one(kind: str, files: list[FileRef], hint: str | None, ctx: ReadContext) -> EvidenceFacts | Unread:
    """Reader + forensics for one piece of evidence. Runs in a worker process (or inline)."""
    spec = reader(kind)
    if spec is None:
        return Unread(files=[f.path for f in files], reason=f"no {kind} reader is built yet")
    try:
        facts = spec.fn(files[0], ctx) if kind == "video" else spec.fn(files, hint, ctx)
    except MemoryError:
        return Unread(files=[f.path for f in files], reason=f"{kind} reader ran out of memory on this file")
    except Exception as e:  # noqa: BLE001 — one hostile file must not sink the dossier
        log.warning("reader %s failed on %s: %s", spec.name, [f.path for f in files], e, exc_info=True)
        return Unread(files=[f.path for f in files], reason=f"{kind} reader failed: {type(e).__name__}: {e}")
    fz = reader("forensics")
    if fz is not None and facts.forensics is None:
        try:
            facts.forensics = fz.fn(files, facts, ctx)
        except Exception as e:  # noqa: BLE001
            log.warning("forensics failed on %s: %s", [f.path for f in files], e, exc_info=True)
            facts.notes.append(f"forensic checks failed: {type(e).__name__}: {e}")
    return facts


def _child_init(parent_pid: int | None = None, tmp: str | None = None) -> None:
    import faulthandler
    import tempfile

    if parent_pid is not None:
        die_with_parent(parent_pid)
    if tmp:
        tempfile.tempdir = tmp
        os.environ["TMPDIR"] = tmp
    faulthandler.disable()  # a crash here is expected and handled by the parent; no stack dump noise
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = MEMORY_CAP_BYTES if hard == resource.RLIM_INFINITY else min(hard, MEMORY_CAP_BYTES)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        pass


class Extractor:
    """isolation: "process" (default), "thread" or "inline" (tests, debugging)."""

    def __init__(self, ctx: ReadContext, store: Store | None, workers: int = 2, isolation: str = "process",
                 timeout_s: float = 600.0, start_method: str | None = None):
        self.ctx = ctx
        self.store = store
        self.workers = max(1, workers)
        self.isolation = isolation
        self.timeout_s = timeout_s
        self.start_method = start_method
        self.stats = {"cache_hits": 0, "reads": 0, "errors": 0}
        self._digests: dict[str, str] | None = None

    def _context_digests(self) -> dict[str, str]:
        if self._digests is None:
            self._digests = {"registry": registry_digest(self.ctx.registry), "policy": reader_policy_digest(self.ctx.policy)}
        return self._digests

    def _reader_id(self, kind: str) -> str | None:
        spec = reader(kind)
        if spec is None:
            return None
        fz = reader("forensics")
        return f"{spec.name}@{spec.version}+{fz.name}@{fz.version}" if fz else f"{spec.name}@{spec.version}"

    def read_all(self, jobs: list[tuple[str, list[FileRef], str | None]]) -> list[EvidenceFacts | Unread]:
        """Read every (kind, files, hint) job; cache hits skip the readers entirely."""
        results: list[EvidenceFacts | Unread | None] = [None] * len(jobs)
        todo: list[int] = []
        keys: dict[int, str] = {}
        for i, (kind, files, hint) in enumerate(jobs):
            rid = self._reader_id(kind)
            if rid is None:
                results[i] = Unread(files=[f.path for f in files], reason=f"no {kind} reader is built yet")
                continue
            keys[i] = cache_key(files, rid, hint, self.ctx.origin_country,
                                reading_inputs(kind, self.ctx, self._context_digests()))
            if self.store is not None and reader(kind).cacheable:
                blob = self.store.cache_get(keys[i])
                facts = load_facts(blob) if blob is not None else None
                if facts is not None:
                    self.stats["cache_hits"] += 1
                    results[i] = facts
                    continue
            todo.append(i)
        for i, res in zip(todo, self._run([jobs[i] for i in todo])):
            results[i] = res
            if isinstance(res, Unread):
                self.stats["errors"] += 1
                continue
            self.stats["reads"] += 1
            if self.store is not None and reader(jobs[i][0]).cacheable:
                try:
                    self.store.cache_put(keys[i], jobs[i][0], dump_facts(res))
                except Exception:  # noqa: BLE001 — a cache write race or outage only costs speed
                    log.debug("cache write failed", exc_info=True)
        return results  # type: ignore[return-value]

    def _run(self, jobs: list[tuple[str, list[FileRef], str | None]]) -> list[EvidenceFacts | Unread]:
        if not jobs:
            return []
        if self.isolation == "inline" or (self.isolation == "thread" and (self.workers == 1 or len(jobs) == 1)):
            return [read_one(k, f, h, self.ctx) for k, f, h in jobs]
        if self.isolation == "thread":
            with ThreadPoolExecutor(max_workers=self.workers) as ex:
                return list(ex.map(lambda j: read_one(j[0], j[1], j[2], self.ctx), jobs))
        return self._run_processes(jobs)

    def _run_processes(self, jobs: list[tuple[str, list[FileRef], str | None]]) -> list[EvidenceFacts | Unread]:
        # The readers' temporary files (an OCR engine's page images) go to a folder of this check's own:
        # removed when the reading ends, however it ends; after a SIGKILL of the check the next intake's
        # sweep removes it (named for this process, like the expanded zip's folder).
        self._tmp = make_temp_dir()
        try:
            return self._run_processes_in(jobs)
        finally:
            remove_tree(self._tmp)

    def _run_processes_in(self, jobs: list[tuple[str, list[FileRef], str | None]]) -> list[EvidenceFacts | Unread]:
        out: list[EvidenceFacts | Unread | None] = [None] * len(jobs)
        broken = self._collect(list(range(len(jobs))), jobs, out, self.workers)
        # A crash breaks the shared pool and every job still in it; re-run those one process each so
        # only the file that really crashes its reader is reported unreadable.
        for k in range(0, len(broken), self.workers):
            batch = broken[k:k + self.workers]
            pools = {i: self._pool(1) for i in batch}
            try:
                futs = {i: pools[i].submit(read_one, *jobs[i], self.ctx) for i in batch}
                for i in batch:
                    out[i] = self._result(futs[i], pools[i], jobs[i]) or Unread(
                        files=[f.path for f in jobs[i][1]],
                        reason="the reader process crashed on this file (malformed or hostile content)")
                    pools[i].shutdown(wait=False, cancel_futures=True)
            except BaseException:  # interrupted (SIGINT/SIGTERM): no reader outlives the check
                for p in pools.values():
                    kill_processes(p)
                raise
        return out  # type: ignore[return-value]

    def _pool(self, n: int) -> ProcessPoolExecutor:
        # fork is cheap and inherits the loaded readers; from a multi-threaded host (a Celery thread
        # pool, a web server) a fork could copy a held lock, so start from a clean forkserver there.
        method = self.start_method or ("fork" if threading.active_count() == 1 else "forkserver")
        if method == "forkserver":
            try:
                from multiprocessing import forkserver
                forkserver.ensure_running()
            except ChildProcessError:
                # This process was forked from one that had started the fork server (a pool worker):
                # that server is not our child and cannot serve us; start readers from scratch.
                method = "spawn"
        ctx = mp.get_context(method)
        return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_child_init,
                                   initargs=(os.getpid(), str(getattr(self, "_tmp", "") or "") or None))

    def _collect(self, idx: list[int], jobs, out, n: int) -> list[int]:
        pool = self._pool(min(n, len(idx)))
        broken: list[int] = []
        try:
            futs = {i: pool.submit(read_one, *jobs[i], self.ctx) for i in idx}
            for i in idx:
                res = self._result(futs[i], pool, jobs[i])
                if res is None:
                    broken.append(i)
                else:
                    out[i] = res
        except BaseException:  # interrupted (SIGINT/SIGTERM): no reader outlives the check
            kill_processes(pool)
            raise
        pool.shutdown(wait=False, cancel_futures=True)
        return broken

    def _result(self, fut: Future, pool: ProcessPoolExecutor, job) -> EvidenceFacts | Unread | None:
        """The job's facts, an Unread for a hang or error, or None when the process pool broke."""
        files = [f.path for f in job[1]]
        try:
            return fut.result(timeout=self.timeout_s)
        except FutureTimeout:
            for p in list((getattr(pool, "_processes", None) or {}).values()):
                p.kill()
            return Unread(files=files, reason=f"reading took longer than {self.timeout_s:g} s")
        except BrokenProcessPool:
            return None
        except Exception as e:  # noqa: BLE001
            return Unread(files=files, reason=f"reader failed: {type(e).__name__}: {e}")

    def listing(self, url: str) -> EvidenceFacts | Unread:
        spec = reader("listing")
        if spec is None:
            return Unread(files=[url], reason="no listing reader is built yet")
        try:
            return spec.fn(url, self.ctx)
        except Exception as e:  # noqa: BLE001
            log.warning("listing reader failed on %s: %s", url, e, exc_info=True)
            return Unread(files=[url], reason=f"listing reader failed: {type(e).__name__}: {e}")
