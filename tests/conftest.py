"""Shared fixtures: a small generated dossier (cached per session) and helpers to mutate a copy."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import pytest
import yaml

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's OpenMP is 6–8× slower on this 2-core box

PG_URL = os.environ.get("ORIGINPROOF_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ORIGINPROOF_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Never touch the developer's ~/.originproof from a test."""
    monkeypatch.setenv("ORIGINPROOF_HOME", str(tmp_path / "op-home"))
    from originproof.config import settings
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture(scope="session")
def clean_dossier_dir(tmp_path_factory) -> Path:
    """A coherent JP dossier (4 text PDFs, 3 short videos, 3 receipt photos, 2 listings)."""
    from originproof.samples.dossier import write_dossier
    from originproof.samples.spec import clean_spec

    root = tmp_path_factory.mktemp("clean") / "dossier"
    return write_dossier(clean_spec("JP", 1), root, video_seconds=3.0)


@pytest.fixture(scope="session")
def cache_store_url(tmp_path_factory) -> str:
    """A store shared by the session for its extraction cache: tests that re-check copies of the same
    evidence with `--no-record` then re-read only the files they changed (as production would)."""
    return f"sqlite:///{tmp_path_factory.mktemp('cache') / 'cache.db'}"


@pytest.fixture
def dossier_copy(clean_dossier_dir, tmp_path) -> Callable[..., Path]:
    """Copy the clean dossier and let a test mutate its manifest and files."""
    def make(mutate_manifest: Callable[[dict], None] | None = None, name: str = "d") -> Path:
        dst = tmp_path / name
        shutil.copytree(clean_dossier_dir, dst, symlinks=True)
        if mutate_manifest is not None:
            p = dst / "dossier.yaml"
            m = yaml.safe_load(p.read_text("utf-8"))
            mutate_manifest(m)
            p.write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), "utf-8")
        return dst
    return make


def pg_available() -> bool:
    try:
        import psycopg
        with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


def redis_available() -> bool:
    try:
        import redis
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


def _require_services() -> bool:
    return os.environ.get("ORIGINPROOF_REQUIRE_SERVICES") == "1"


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    yield from _fresh_pg()


@pytest.fixture
def pg_url_fresh():
    """A PostgreSQL database of its own for one test (no records from other tests)."""
    yield from _fresh_pg()


def _fresh_pg():
    if not pg_available():
        if _require_services():
            pytest.fail("PostgreSQL on 127.0.0.1:5432 is required (ORIGINPROOF_REQUIRE_SERVICES=1)")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    import uuid

    import psycopg

    name = f"op_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url():
    if not redis_available():
        if _require_services():
            pytest.fail("Redis on 127.0.0.1:6379 is required (ORIGINPROOF_REQUIRE_SERVICES=1)")
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    return REDIS_URL
