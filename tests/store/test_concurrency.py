"""The store under concurrent writers, on SQLite and PostgreSQL: first use races the migration and
the same dossier arrives from several checks at once; reviewer decisions race for the audit chain
head. Every event must be recorded once and the chain must verify intact."""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from originproof.store import Store
from originproof.store.models import AuditEvent, Check, Dossier
from sqlalchemy import func, select

OP = [str(Path(sys.executable).parent / "originproof")]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'store.db'}"
    else:
        yield request.getfixturevalue("pg_url_fresh")


def _decide(url: str, barrier, i: int) -> None:
    st = Store(url, migrate=False)
    try:
        barrier.wait(timeout=60)
        st.audit(f"reviewer{i}", "decision", "d" * 64, {"decision": "approve", "n": i})
    finally:
        st.close()


def test_twenty_concurrent_decisions_keep_one_chain(store_url):
    Store(store_url).close()
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(20)
    procs = [ctx.Process(target=_decide, args=(store_url, barrier, i)) for i in range(20)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 20
    st = Store(store_url)
    try:
        with st.Session() as s:
            events = s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        assert sorted(e.payload["n"] for e in events) == list(range(20))  # every decision, once
        assert len({e.prev_hash for e in events}) == 20  # no two events extend the same head
        res = st.verify_audit()
        assert res.intact and res.count == 20, res.reason
    finally:
        st.close()
    out = subprocess.run([*OP, "audit", "verify", "--store", store_url], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "intact: 20 events" in out.stdout


def _first_use(url: str, barrier, q) -> None:
    report = {"dossier": {"sha256": "e" * 64, "merchant_id": "M-1", "brand": "B", "origin_country": "JP"},
              "verdict": "reject", "severity": "nonconforming", "evaluated_at": "2026-01-01T00:00:00+00:00",
              "policy": {"id": "p", "version": "1"}, "findings": []}
    try:
        barrier.wait(timeout=60)
        st = Store(url)  # every process migrates a store nobody created yet …
        st.record(report, None, [])  # … and records the same dossier
        st.close()
        q.put("ok")
    except Exception as e:  # noqa: BLE001 — reported to the test
        q.put(f"{type(e).__name__}: {e}"[:300])


def test_four_processes_migrate_and_record_one_dossier_at_the_same_instant(store_url):
    ctx = mp.get_context("fork")
    barrier, q = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_first_use, args=(store_url, barrier, q)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert sorted(q.get(timeout=5) for _ in procs) == ["ok"] * 4
    st = Store(store_url)
    try:
        with st.Session() as s:
            assert s.execute(select(func.count(Dossier.id))).scalar() == 1
            assert s.execute(select(func.count(Check.id))).scalar() == 4
        res = st.verify_audit()
        assert res.intact and res.count == 4
    finally:
        st.close()


def _minimal_dossier(root: Path) -> Path:
    # A manifest that fails the schema: intake reports it without reading any evidence, and the
    # check is still recorded — the cheapest check that exercises migration and the dossier insert.
    root.mkdir(parents=True)
    (root / "dossier.yaml").write_text(yaml.safe_dump({"format": "originproof/dossier@1", "merchant": {"id": "m"}}),
                                       "utf-8")
    return root


def test_four_first_use_checks_at_once(store_url, tmp_path):
    d = _minimal_dossier(tmp_path / "dossier")
    env = {**os.environ, "ORIGINPROOF_HOME": str(tmp_path / "home"), "OMP_THREAD_LIMIT": "1"}
    procs = [subprocess.Popen([*OP, "check", str(d), "--store", store_url, "--format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes == [20] * 4, [o[1][-2000:] for o in outs]
    digests = {json.loads(o[0])["dossier"]["sha256"] for o in outs}
    assert len(digests) == 1
    st = Store(store_url)
    try:
        with st.Session() as s:
            assert s.execute(select(func.count(Dossier.id))).scalar() == 1
            assert s.execute(select(func.count(Check.id))).scalar() == 4
            actions = s.execute(select(AuditEvent.action)).scalars().all()
        assert actions == ["check"] * 4
        assert st.verify_audit().intact
    finally:
        st.close()


def test_audit_verify_names_the_first_broken_link_and_a_cut_end(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    st = Store(url)
    try:
        for i in range(5):
            st.audit("r", "decision", None, {"n": i})
        good = st.verify_audit()
        assert st.audit_head() == (good.count, good.head) == (5, good.head)
        anchor = f"{good.count}:{good.head}"
        with st.Session.begin() as s:  # cut the last two events off the end: the rest still chains
            for ev in s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(2)).scalars():
                s.delete(ev)
        assert st.verify_audit().intact  # a plain re-hash cannot see it …
        cut = st.verify_audit((good.count, good.head))  # … the anchor kept outside can
        assert not cut.intact and "cut off" in cut.reason
        with st.Session.begin() as s:
            ev = s.execute(select(AuditEvent).order_by(AuditEvent.id).offset(1).limit(1)).scalar_one()
            ev.payload = {"n": 99}
            broken_id = ev.id
        res = st.verify_audit()
        assert not res.intact and res.first_broken == broken_id
    finally:
        st.close()
    out = subprocess.run([*OP, "audit", "verify", "--store", url, "--anchor", anchor], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1
    assert f"first broken link: event {broken_id}" in out.stdout


def test_audit_verify_anchor_file_catches_a_cut_end(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    st = Store(url)
    for i in range(3):
        st.audit("r", "decision", None, {"n": i})
    anchors = tmp_path / "anchors.txt"
    ok = subprocess.run([*OP, "audit", "verify", "--store", url, "--anchor-file", str(anchors)], capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0 and anchors.read_text().startswith("3:")
    with st.Session.begin() as s:
        s.delete(s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one())
    st.close()
    cut = subprocess.run([*OP, "audit", "verify", "--store", url, "--anchor-file", str(anchors), "--json"],
                         capture_output=True, text=True, timeout=120)
    res = json.loads(cut.stdout)
    assert cut.returncode == 1 and not res["intact"] and res["count"] == 2 and "cut off" in res["reason"]
    assert len(anchors.read_text().splitlines()) == 1  # a broken chain never becomes the new anchor
