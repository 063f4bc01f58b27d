"""Every route × {no credentials, wrong token, seller A, seller B, reviewer, admin}: a seller never
reads, lists, changes or creates anything of another merchant, and a refused call leaves the
database and the blob store exactly as they were."""
from __future__ import annotations

import pytest

from tests.api.conftest import MERCHANT_A, MERCHANT_B, zip_folder
from tests.api.state import state

CALLERS = ("none", "wrong", "seller_a", "seller_b", "reviewer", "admin")


def _routes(cid: str, hook: str, zip_a: bytes):
    up = {"files": {"file": ("d.zip", zip_a, "application/zip")}}
    decision = {"json": {"decision": "request_more", "reason": "please add the customs declaration"}}
    webhook = {"json": {"url": "http://127.0.0.1:9/hook", "events": ["case.decided"]}}
    # (method, path, request kwargs, expected status per caller in CALLERS order)
    return [
        ("POST", "/v1/dossiers", up, (401, 401, 202, 403, 403, 202)),
        ("POST", "/v1/dossiers?precheck=true", up, (401, 401, 200, 403, 403, 200)),
        ("GET", "/v1/cases", {}, (401, 401, 200, 200, 200, 200)),
        ("GET", f"/v1/cases?merchant_id={MERCHANT_A}", {}, (401, 401, 200, 200, 200, 200)),
        ("GET", f"/v1/cases/{cid}", {}, (401, 401, 200, 404, 200, 200)),
        ("GET", f"/v1/cases/{cid}/versions/1", {}, (401, 401, 200, 404, 200, 200)),
        ("GET", f"/v1/cases/{cid}/versions/1/report", {}, (401, 401, 200, 404, 200, 200)),
        ("POST", f"/v1/cases/{cid}/decisions", decision, (401, 401, 403, 403, 201, 201)),
        ("GET", f"/v1/merchants/{MERCHANT_A}", {}, (401, 401, 200, 404, 200, 200)),
        ("POST", "/v1/webhooks", webhook, (401, 401, 403, 403, 403, 201)),
        ("GET", "/v1/webhooks", {}, (401, 401, 403, 403, 403, 200)),
        ("GET", f"/v1/webhooks/{hook}/deliveries", {}, (401, 401, 403, 403, 403, 200)),
        ("GET", "/v1/exports/decisions.jsonl", {}, (401, 401, 403, 403, 403, 200)),
        ("GET", "/v1/exports/sanctions.csv", {}, (401, 401, 403, 403, 403, 200)),
        ("GET", "/v1/audit/verify", {}, (401, 401, 403, 403, 403, 200)),
        ("DELETE", f"/v1/webhooks/{hook}", {}, (401, 401, 403, 403, 403, 204)),
    ]


@pytest.mark.parametrize("caller", CALLERS)
def test_every_route_for_every_caller(running, small_dossier_dir, caller):
    run = running
    # Manifest-only zips: a check of one takes a blink, and isolation is what is under test.
    zip_a = zip_folder(small_dossier_dir, only_manifest=True)
    first = run.client.post("/v1/dossiers", files={"file": ("d.zip", zip_a)}, headers=run.auth("admin"))
    cid = first.json()["case_id"]
    hook = run.client.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["version.done"]},
                           headers=run.auth("admin")).json()["id"]
    run.drain()
    i = CALLERS.index(caller)
    for method, path, kw, expected in _routes(cid, hook, zip_a):
        before = state(run.store, run.blob_root)
        r = run.client.request(method, path, headers=run.auth(caller), **kw)
        run.drain()
        assert r.status_code == expected[i], (method, path, caller, r.text)
        if r.status_code >= 400:
            assert state(run.store, run.blob_root) == before, (method, path, caller)
            body = r.json()
            assert set(body) >= {"error", "message"} and body["message"]["zh"] and body["message"]["en"]
        elif caller == "seller_b" and r.headers.get("content-type", "").startswith("application/json"):
            assert MERCHANT_A not in r.text, (method, path)  # nothing of another merchant, not even its id


def test_seller_b_uploading_merchant_a_dossier_leaves_nothing(running, small_dossier_dir):
    """The original bug: the upload was recorded (queue, flags, fraud count) before the 403."""
    run = running
    before = state(run.store, run.blob_root)
    r = run.client.post("/v1/dossiers", files={"file": ("d.zip", zip_folder(small_dossier_dir))},
                        headers=run.auth("seller_b"))
    assert r.status_code == 403 and r.json()["error"] == "other_merchant"
    assert state(run.store, run.blob_root) == before
    assert run.client.get("/v1/cases", headers=run.auth("reviewer")).json()["items"] == []


def test_revoked_token_is_refused(running):
    from originproof.accounts.service import revoke_token
    from originproof.accounts.security import split_token

    run = running
    assert run.client.get("/v1/cases", headers=run.auth("reviewer")).status_code == 200
    with run.store.Session.begin() as s:
        assert revoke_token(s, split_token(run.tokens["reviewer"])[0])
    assert run.client.get("/v1/cases", headers=run.auth("reviewer")).status_code == 401
    # ?key= in a URL is no credential at all.
    assert run.client.get(f"/v1/cases?key={run.tokens['admin']}").status_code == 401


def test_a_merchant_cannot_file_under_another_companys_uscc(running, small_dossier_dir):
    """Otherwise seller B's forged dossier would count as fraud of A's company (repeat-fraud is per USCC)."""
    run = running
    mine = zip_folder(small_dossier_dir, only_manifest=True)
    ok = run.client.post("/v1/dossiers", files={"file": ("d.zip", mine)}, headers=run.auth("seller_a"))
    assert ok.status_code == 202
    run.drain()
    before = state(run.store, run.blob_root)
    as_b = zip_folder(small_dossier_dir, only_manifest=True, merchant=MERCHANT_B)  # A's USCC, B's merchant id
    r = run.client.post("/v1/dossiers", files={"file": ("d.zip", as_b)}, headers=run.auth("seller_b"))
    assert r.status_code == 403 and r.json()["error"] == "uscc_of_another_merchant"
    other = zip_folder(small_dossier_dir, only_manifest=True, uscc="91310000MA1FL0000X")
    r = run.client.post("/v1/dossiers", files={"file": ("d.zip", other)}, headers=run.auth("seller_a"))
    assert r.status_code == 403 and r.json()["error"] == "uscc_mismatch"
    assert state(run.store, run.blob_root) == before
