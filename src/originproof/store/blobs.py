"""Content-addressed evidence blobs on any fsspec filesystem (local folder by default)."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import fsspec


class BlobStore:
    def __init__(self, url: str):
        self.fs, self.root = fsspec.core.url_to_fs(url)
        self.fs.makedirs(self.root, exist_ok=True)

    def key(self, sha256: str) -> str:
        return f"{self.root.rstrip('/')}/{sha256[:2]}/{sha256}"

    def has(self, sha256: str) -> bool:
        return self.fs.exists(self.key(sha256))

    def put_file(self, local: Path, sha256: str) -> str:
        """Idempotent and atomic: a blob is either absent or complete, never half-written."""
        key = self.key(sha256)
        if self.fs.exists(key):
            return key
        self.fs.makedirs(key.rsplit("/", 1)[0], exist_ok=True)
        tmp = f"{key}.tmp-{uuid.uuid4().hex}"
        self.fs.put_file(str(local), tmp)
        try:
            self.fs.mv(tmp, key)
        except FileExistsError:
            self.fs.rm(tmp)
        return key

    def open(self, sha256: str, mode: str = "rb"):
        return self.fs.open(self.key(sha256), mode)

    def local_path(self, sha256: str) -> str | None:
        key = self.key(sha256)
        return key if self.fs.protocol in ("file", ("file", "local")) and os.path.exists(key) else None
