"""Bench fixtures: generated dossiers cached for the session (tmp_path_factory), never committed."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(scope="session")
def corpus_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("corpus-cache")
