"""What a task needs — store, blobs, operator configuration — built once per process."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from originproof.pipeline.options import Operator, load_operator
from originproof.store import Store
from originproof.store.blobs import BlobStore


@dataclass
class WorkerContext:
    store: Store
    blobs: BlobStore
    operator: Operator


@lru_cache(maxsize=1)
def context_from_settings() -> WorkerContext:
    """ORIGINPROOF_STORE_URL / _BLOB_URL / _POLICY_PATH / _REGISTRY_DIRS / _WEB_ARCHIVES — the same
    files `check`, `serve` and `monitor` read."""
    from originproof.config import settings

    cfg = settings()
    return WorkerContext(Store(cfg.resolved_store_url()), BlobStore(cfg.resolved_blob_url()),
                         load_operator(monitor_archive=True))
