"""A reader that crashes its process, hangs or balloons costs one file (unknown), never the dossier."""
from __future__ import annotations

import os
import signal
import time

import pytest

from originproof.evidence.readers import ReaderSpec, load_readers
from originproof.facts import OtherDocument
from originproof.pipeline import CheckOptions, check_path
from originproof.policy import load_policy
from originproof.registry import default_registry


def _evil_reader(files, hint, ctx):
    name = files[0].path
    if "coo" in name:
        os.kill(os.getpid(), signal.SIGSEGV)  # what a parser bug in a C library does
    if "agreement" in name:
        time.sleep(60)
    if "licence" in name:
        _ = bytearray(16 * 1024 ** 3)  # over the worker's address-space cap
    return OtherDocument(files=[f.path for f in files])


@pytest.fixture
def evil_documents(monkeypatch):
    load_readers()
    import originproof.evidence.readers as r
    monkeypatch.setitem(r.READERS, "document", ReaderSpec("document", "evil", "0", _evil_reader))
    monkeypatch.delitem(r.READERS, "forensics", raising=False)


def test_crash_hang_and_memory_bomb_are_contained(evil_documents, dossier_copy):
    clean_dossier_dir = dossier_copy(lambda m: m["distribution"].pop("offline"))  # documents only
    opts = CheckOptions(policy=load_policy(), registry=default_registry(), store=None, record=False,
                        isolation="process", reader_timeout_s=8,
                        start_method="fork")  # fork: the child must inherit the patched reader
    t0 = time.perf_counter()
    res = check_path(clean_dossier_dir, opts)
    assert time.perf_counter() - t0 < 50  # the hang was cut, not waited out
    docs = res.facts.documents
    assert "crashed" in docs["certificate_of_origin"][0].reason
    assert "longer than" in docs["production_agreement"][0].reason
    assert "memory" in docs["factory_licence"][0].reason or "crashed" in docs["factory_licence"][0].reason
    assert isinstance(docs["customs_declaration"][0], OtherDocument)  # the healthy file was still read
    coo = [f for f in res.report["findings"] if f["rule"] == "PROD.COO.PRESENT"][0]
    assert coo["status"] == "unknown"
    assert res.report["verdict"] in ("review", "reject")
