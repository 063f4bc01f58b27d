"""The store on SQLite and on a real PostgreSQL: same reports, audit chain intact, cache used."""
from __future__ import annotations

import pytest

from originproof.pipeline import CheckOptions, check_path
from originproof.policy import load_policy
from originproof.registry import default_registry
from originproof.store import Store
from originproof.store.blobs import BlobStore


def _strip(report: dict) -> dict:
    r = dict(report)
    r.pop("timings_ms")
    return r


def _check_twice(url: str, dossier, tmp_path):
    st = Store(url)
    try:
        opts = CheckOptions(policy=load_policy(), registry=default_registry(), store=st,
                            blobs=BlobStore(str(tmp_path / "blobs")))
        a = check_path(dossier, opts).report
        b = check_path(dossier, opts).report
        return st, a, b
    except Exception:
        st.close()
        raise


def test_sqlite_and_postgres_give_identical_reports(clean_dossier_dir, tmp_path, pg_url):
    sq, a1, a2 = _check_twice(f"sqlite:///{tmp_path / 's.db'}", clean_dossier_dir, tmp_path)
    pg, b1, b2 = _check_twice(pg_url, clean_dossier_dir, tmp_path)
    try:
        assert _strip(a1) == _strip(a2) == _strip(b1) == _strip(b2)
        for st in (sq, pg):
            digest = a1["dossier"]["sha256"]
            assert len(st.checks_for(digest)) == 2  # two checks, one dossier
            assert st.verify_audit_chain()
            assert not st.dossier_flagged(digest)
    finally:
        sq.close()
        pg.close()


def test_audit_chain_detects_tampering(tmp_path, clean_dossier_dir):
    from sqlalchemy import update

    from originproof.store.models import AuditEvent

    st, _, _ = _check_twice(f"sqlite:///{tmp_path / 't.db'}", clean_dossier_dir, tmp_path)
    try:
        assert st.verify_audit_chain()
        with st.Session.begin() as s:
            s.execute(update(AuditEvent).where(AuditEvent.id == 1).values(actor="mallory"))
        assert not st.verify_audit_chain()
    finally:
        st.close()


def test_blobs_are_content_addressed(tmp_path, clean_dossier_dir):
    st, r, _ = _check_twice(f"sqlite:///{tmp_path / 'b.db'}", clean_dossier_dir, tmp_path)
    st.close()
    blobs = BlobStore(str(tmp_path / "blobs"))
    import hashlib
    sha = hashlib.sha256((clean_dossier_dir / "evidence/production/coo.pdf").read_bytes()).hexdigest()
    assert blobs.has(sha)
    with blobs.open(sha) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == sha


def test_bad_submission_loses_nothing(tmp_path, clean_dossier_dir, dossier_copy):
    """A broken dossier checked after a good one leaves the good one's records untouched."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    st, good, _ = _check_twice(url, clean_dossier_dir, tmp_path)
    try:
        bad = dossier_copy()
        (bad / "dossier.yaml").write_text(":::", "utf-8")
        r = check_path(bad, CheckOptions(policy=load_policy(), registry=default_registry(), store=st)).report
        assert r["verdict"] == "reject"
        assert len(st.checks_for(good["dossier"]["sha256"])) == 2
        assert st.verify_audit_chain()
    finally:
        st.close()


def test_migrations_are_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Store(url).close()
    Store(url).close()  # second upgrade is a no-op, not an error
