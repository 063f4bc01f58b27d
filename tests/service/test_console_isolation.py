"""The console applies the API's rights: a seller's session sees its own merchants' cases only, and
another merchant's case page answers 404 without showing anything of it."""
from __future__ import annotations

from fastapi.testclient import TestClient

from originproof.accounts import service as accounts
from tests.api.conftest import MERCHANT_A, MERCHANT_B, zip_folder


def _session(app, name, password) -> TestClient:
    c = TestClient(app)
    r = c.post("/console/login", data={"name": name, "password": password}, follow_redirects=False)
    assert r.status_code == 303
    return c


def test_console_pages_follow_the_callers_merchants(running, small_dossier_dir):
    run = running
    with run.store.Session.begin() as s:
        accounts.create_user(s, "sam-a", "seller-a-pass-1", "seller", [MERCHANT_A])
        accounts.create_user(s, "sue-b", "seller-b-pass-1", "seller", [MERCHANT_B])
        accounts.create_user(s, "rita", "reviewer-pass-1", "reviewer")
    data = zip_folder(small_dossier_dir, only_manifest=True)
    r = run.client.post("/v1/dossiers", files={"file": ("d.zip", data)}, headers=run.auth("seller_a"))
    cid = r.json()["case_id"]
    run.drain()
    app = run.client.app
    a, b, rev = (_session(app, "sam-a", "seller-a-pass-1"), _session(app, "sue-b", "seller-b-pass-1"),
                 _session(app, "rita", "reviewer-pass-1"))
    assert cid in a.get("/console").text and cid in rev.get("/console").text
    assert cid not in b.get("/console").text and MERCHANT_A not in b.get("/console").text
    page_b = b.get(f"/console/cases/{cid}")
    assert page_b.status_code == 404 and MERCHANT_A not in page_b.text
    assert a.get(f"/console/cases/{cid}").status_code == 200
    assert 'id="decide"' not in a.get(f"/console/cases/{cid}").text
    assert 'id="decide"' in rev.get(f"/console/cases/{cid}").text
    # Signed out, the session is gone for good.
    csrf = rev.get(f"/console/cases/{cid}").text.split('name="csrf-token" content="')[1].split('"')[0]
    cookie = rev.cookies.get("op_session")
    rev.post("/console/logout", data={"csrf": csrf})
    again = TestClient(app, cookies={"op_session": cookie})
    assert again.get("/v1/cases").status_code == 401  # the old cookie is worth nothing server-side
