"""Accounts from the command line: tokens printed once as the last line, stored hashed, scoped and
revocable; users with argon2 password hashes sign in to the console (cookie + CSRF)."""
from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from originproof.accounts import service as accounts
from originproof.api.app import create_app
from originproof.cli.main import app as cli
from originproof.pipeline.options import load_operator
from originproof.service.runtime import build_service
from originproof.store import Store
from originproof.store.blobs import BlobStore
from tests.api.state import db_state


def _store_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'acc.db'}"


def test_add_token_prints_the_token_last_and_stores_only_its_digest(tmp_path):
    url = _store_url(tmp_path)
    r = CliRunner().invoke(cli, ["accounts", "add-token", "--role", "seller", "--merchant", "M-1", "--store", url])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[-1]
    assert token.startswith("op_") and len(token) > 40
    st = Store(url)
    try:
        assert token not in repr(db_state(st)) and token.split("_", 2)[2] not in repr(db_state(st))
        with st.Session() as s:
            p = accounts.principal_for_token(s, token)
            assert p is not None and p.role == "seller" and p.merchants == frozenset({"M-1"})
            assert accounts.principal_for_token(s, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    finally:
        st.close()
    # A seller token without a merchant, or a reviewer token with one, is refused.
    assert CliRunner().invoke(cli, ["accounts", "add-token", "--role", "seller", "--store", url]).exit_code == 2
    assert CliRunner().invoke(cli, ["accounts", "add-token", "--role", "reviewer", "--merchant", "M-1",
                                    "--store", url]).exit_code == 2
    tok_id = token.split("_")[1]
    assert CliRunner().invoke(cli, ["accounts", "revoke-token", tok_id, "--store", url]).exit_code == 0
    st = Store(url)
    try:
        with st.Session() as s:
            assert accounts.principal_for_token(s, token) is None
    finally:
        st.close()


def test_console_sign_in_session_and_csrf(tmp_path):
    url = _store_url(tmp_path)
    r = CliRunner().invoke(cli, ["accounts", "add-user", "rita", "--role", "reviewer", "--password-stdin",
                                 "--store", url], input="correct horse battery\n")
    assert r.exit_code == 0, r.output
    st = Store(url)
    with st.Session() as s:
        from originproof.accounts.repository import user_by_name
        assert user_by_name(s, "rita").password_hash.startswith("$argon2id$")
    svc = build_service(st, BlobStore(str(tmp_path / "b")), load_operator(), deliver_webhooks=False)
    with TestClient(create_app(svc)) as c:
        assert c.get("/console", follow_redirects=False).headers["location"] == "/console/login"
        bad = c.post("/console/login", data={"name": "rita", "password": "wrong password"})
        assert bad.status_code == 401 and "op_session" not in c.cookies
        ok = c.post("/console/login", data={"name": "rita", "password": "correct horse battery"},
                    follow_redirects=False)
        assert ok.status_code == 303 and "httponly" in ok.headers["set-cookie"].lower()
        assert c.get("/console").status_code == 200
        assert c.get("/v1/cases").status_code == 200  # the session works for the API the console calls
        # A state-changing call on the session needs the CSRF token.
        w = c.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/x", "events": ["case.decided"]})
        assert w.status_code == 403 and w.json()["error"] == "csrf"
    st.close()


def test_bind_merchant_registers_the_company_a_merchant_files_for(tmp_path):
    url = _store_url(tmp_path)
    ok = CliRunner().invoke(cli, ["accounts", "bind-merchant", "M-1", "--uscc", "91310000MA1FL00001", "--store", url])
    assert ok.exit_code == 0, ok.output
    taken = CliRunner().invoke(cli, ["accounts", "bind-merchant", "M-2", "--uscc", "91310000MA1FL00001",
                                     "--store", url])
    assert taken.exit_code == 2
    st = Store(url)
    try:
        from originproof.cases.models import MerchantIdentity
        with st.Session() as s:
            assert s.get(MerchantIdentity, "M-1").uscc == "91310000MA1FL00001"
            assert s.get(MerchantIdentity, "M-2") is None
    finally:
        st.close()
