"""Persistence: the database (SQLite embedded, PostgreSQL at scale), blobs and the extraction cache."""
from originproof.store.db import Store

__all__ = ["Store"]
