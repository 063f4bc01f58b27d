"""What a refused request must leave unchanged: every row of every table and every blob."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy import MetaData, select


_REFLECTED: dict[int, MetaData] = {}


def db_state(store) -> dict[str, list[tuple]]:
    # Reflected once per engine: refused calls cannot create tables, and allowed ones don't either.
    md = _REFLECTED.get(id(store.engine))
    if md is None:
        md = _REFLECTED[id(store.engine)] = MetaData()
        md.reflect(store.engine)
    out = {}
    with store.engine.connect() as c:
        for name, table in sorted(md.tables.items()):
            if name == "alembic_version":
                continue
            out[name] = sorted((tuple(repr(v) for v in row) for row in c.execute(select(table))))
    return out


def blob_state(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def state(store, blob_root: Path) -> tuple[dict, dict]:
    return db_state(store), blob_state(Path(blob_root))
