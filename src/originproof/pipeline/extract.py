"""Run the registered readers over a dossier's files, cached by content hash + reader version."""
from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from originproof.facts import DOCUMENT_TYPES, EvidenceFacts, ListingFacts, Unread, VideoFacts
from originproof.evidence.readers import FileRef, ReadContext, reader
from originproof.store import Store

log = logging.getLogger(__name__)

FACT_CLASSES: dict[str, type[EvidenceFacts]] = {c.__name__: c for c in
                                                 [*DOCUMENT_TYPES.values(), VideoFacts, ListingFacts]}


def cache_key(files: list[FileRef], reader_id: str, hint: str | None, prior: str | None) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.sha256.encode())
    h.update(f"|{reader_id}|{hint}|{prior}".encode())
    return h.hexdigest()


def _dump(facts: EvidenceFacts) -> dict[str, Any]:
    return {"cls": type(facts).__name__, "data": facts.model_dump(mode="json")}


def _load(blob: dict[str, Any]) -> EvidenceFacts | None:
    cls = FACT_CLASSES.get(blob.get("cls", ""))
    if cls is None:
        return None
    try:
        return cls.model_validate(blob["data"])
    except Exception:  # noqa: BLE001 — a stale cache entry is simply re-read
        return None


class Extractor:
    def __init__(self, ctx: ReadContext, store: Store | None, workers: int = 2):
        self.ctx = ctx
        self.store = store
        self.workers = max(1, workers)
        self.stats = {"cache_hits": 0, "reads": 0, "errors": 0}

    def _cached(self, kind: str, files: list[FileRef], hint: str | None,
                run: Callable[[], EvidenceFacts]) -> EvidenceFacts | Unread:
        spec = reader(kind)
        if spec is None:
            return Unread(files=[f.path for f in files], reason=f"no {kind} reader is built yet")
        key = cache_key(files, f"{spec.name}@{spec.version}", hint, self.ctx.origin_country)
        if spec.cacheable and self.store is not None:
            blob = self.store.cache_get(key)
            if blob is not None:
                facts = _load(blob)
                if facts is not None:
                    self.stats["cache_hits"] += 1
                    return facts
        try:
            facts = run()
        except Exception as e:  # noqa: BLE001 — one hostile file must not sink the dossier
            log.warning("reader %s failed on %s: %s", spec.name, [f.path for f in files], e, exc_info=True)
            self.stats["errors"] += 1
            return Unread(files=[f.path for f in files], reason=f"{kind} reader failed: {type(e).__name__}: {e}")
        self.stats["reads"] += 1
        if spec.cacheable and self.store is not None:
            try:
                self.store.cache_put(key, spec.name, _dump(facts))
            except Exception:  # noqa: BLE001 — a cache write race or outage only costs speed
                log.debug("cache write failed", exc_info=True)
        return facts

    def document(self, files: list[FileRef], hint: str | None) -> EvidenceFacts | Unread:
        spec = reader("document")
        result = self._cached("document", files, hint,
                              lambda: spec.fn(files, hint, self.ctx))  # type: ignore[union-attr]
        if isinstance(result, EvidenceFacts) and result.forensics is None:
            self._attach_forensics(files, result)
        return result

    def video(self, file: FileRef) -> EvidenceFacts | Unread:
        spec = reader("video")
        result = self._cached("video", [file], "video", lambda: spec.fn(file, self.ctx))  # type: ignore[union-attr]
        if isinstance(result, EvidenceFacts) and result.forensics is None:
            self._attach_forensics([file], result)
        return result

    def _attach_forensics(self, files: list[FileRef], facts: EvidenceFacts) -> None:
        spec = reader("forensics")
        if spec is None:
            return
        key = cache_key(files, f"{spec.name}@{spec.version}", facts.doc_type, None)
        if self.store is not None:
            blob = self.store.cache_get(key)
            if blob is not None:
                from originproof.facts import Forensics
                facts.forensics = Forensics.model_validate(blob)
                return
        try:
            facts.forensics = spec.fn(files, facts, self.ctx)
        except Exception as e:  # noqa: BLE001
            log.warning("forensics failed on %s: %s", [f.path for f in files], e, exc_info=True)
            facts.notes.append(f"forensic checks failed: {type(e).__name__}")
            return
        if self.store is not None and facts.forensics is not None:
            try:
                self.store.cache_put(key, spec.name, facts.forensics.model_dump(mode="json"))
            except Exception:  # noqa: BLE001
                pass

    def listing(self, url: str) -> EvidenceFacts | Unread:
        spec = reader("listing")
        if spec is None:
            return Unread(files=[url], reason="no listing reader is built yet")
        try:
            return spec.fn(url, self.ctx)
        except Exception as e:  # noqa: BLE001
            log.warning("listing reader failed on %s: %s", url, e, exc_info=True)
            return Unread(files=[url], reason=f"listing reader failed: {type(e).__name__}: {e}")

    def map(self, jobs: list[Callable[[], Any]]) -> list[Any]:
        if self.workers == 1 or len(jobs) <= 1:
            return [j() for j in jobs]
        with ThreadPoolExecutor(max_workers=self.workers) as ex:
            return list(ex.map(lambda j: j(), jobs))
