"""Every input of a reading is in its cache key: change one, and the evidence is read again."""
from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from originproof.evidence.readers import READERS, FileRef, ReadContext, load_readers, register_reader
from originproof.facts import OtherDocument
from originproof.pipeline import extract as X
from originproof.policy import load_policy
from originproof.registry import Registry, default_registry
from originproof.store import Store

CALLS: list[list[str]] = []


@pytest.fixture()
def probe_reader():
    """A reader kind that consults everything a video reading consults (brands, registry, policy)."""
    def read(file, ctx):  # video-shaped signature: (file, ctx)
        CALLS.append(list(ctx.brand_names))
        return OtherDocument(files=[file.path])

    load_readers()  # the real readers first, so ours is not overwritten by a lazy import
    saved_fz = READERS.pop("forensics", None)
    saved = READERS.get("video")
    register_reader("video", "probe", "1")(read)
    CALLS.clear()
    try:
        yield
    finally:
        if saved is not None:
            READERS["video"] = saved
        if saved_fz is not None:
            READERS["forensics"] = saved_fz


def _ctx(**kw) -> ReadContext:
    base = ReadContext(registry=default_registry(), policy=load_policy(None), origin_country="JP",
                       brand_names=["Hadaluna"])
    return replace(base, **kw)


def _read(store, ctx, tmp_path) -> dict:
    p = tmp_path / "v.mp4"
    p.write_bytes(b"not really a video")
    f = FileRef(path="evidence/v.mp4", real=p, sha256=hashlib.sha256(p.read_bytes()).hexdigest(), kind="mp4")
    ex = X.Extractor(ctx, store, isolation="inline")
    ex.read_all([("video", [f], None)])
    return ex.stats


def test_each_input_of_a_reading_forces_a_re_read(tmp_path, probe_reader):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    assert _read(store, _ctx(), tmp_path)["reads"] == 1
    assert _read(store, _ctx(), tmp_path)["cache_hits"] == 1  # nothing changed: served from the cache
    # Another brand: the video reader decides stages from the brand names.
    assert _read(store, _ctx(brand_names=["Kiyora"]), tmp_path)["reads"] == 1
    # An operator changes a registry (a new chain): re-read.
    reg = default_registry()
    data = dict(reg.data)
    data["chains.yaml"] = {**(data.get("chains.yaml") or {}), "operator_note": "a chain added"}
    assert _read(store, _ctx(registry=Registry(data=data)), tmp_path)["reads"] == 1
    # A reading parameter of the policy (intake caps): re-read.
    pol = load_policy(None)
    pol2 = pol.model_copy(update={"intake": pol.intake.model_copy(update={"max_pages": pol.intake.max_pages + 1})})
    assert _read(store, _ctx(policy=pol2), tmp_path)["reads"] == 1
    # Another origin country: re-read.
    assert _read(store, _ctx(origin_country="KR"), tmp_path)["reads"] == 1
    assert len(CALLS) == 5


def test_a_rule_threshold_does_not_force_a_re_read(tmp_path, probe_reader):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    pol = load_policy(None)
    _read(store, _ctx(policy=pol), tmp_path)
    pol2 = pol.model_copy(update={"version": pol.version + "-operator"})
    assert _read(store, _ctx(policy=pol2), tmp_path)["cache_hits"] == 1


def test_documents_do_not_depend_on_brand_names():
    ctx = _ctx()
    a = X.reading_inputs("certificate_of_origin", ctx)
    b = X.reading_inputs("certificate_of_origin", _ctx(brand_names=["Other"]))
    assert a == b and "registry" in a and "policy" in a
    assert X.reading_inputs("video", ctx) != X.reading_inputs("video", _ctx(brand_names=["Other"]))
