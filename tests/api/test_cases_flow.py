"""api.md end to end: a submission queues a version (202), the check runs in the background, the
report is fetched; decisions with sanctions from the policy ladder; terminate_cooperation stops
the merchant's next submission with nothing stored."""
from __future__ import annotations

from tests.api.conftest import MERCHANT_A, zip_folder
from tests.api.state import state


def _submit(run, who, data, precheck=False):
    return run.client.post("/v1/dossiers" + ("?precheck=true" if precheck else ""),
                           files={"file": ("d.zip", data, "application/zip")}, headers=run.auth(who))


def test_submission_versions_report_decisions_and_termination(running, small_dossier_dir):
    run = running
    # Manifest-only: the case machinery is under test (a full check through the API: test_online_route).
    data = zip_folder(small_dossier_dir, only_manifest=True)
    r = _submit(run, "seller_a", data)
    assert r.status_code == 202, r.text
    acc = r.json()
    assert acc["status"] == "queued" and acc["version"] == 1
    cid = acc["case_id"]
    run.drain()
    case = run.client.get(f"/v1/cases/{cid}", headers=run.auth("seller_a")).json()
    assert case["merchant_id"] == MERCHANT_A and case["state"] == "pending"
    [v1] = case["versions"]
    assert v1["status"] == "done" and v1["verdict"] in ("approve", "review", "reject")
    rep = run.client.get(f"/v1/cases/{cid}/versions/1/report", headers=run.auth("seller_a")).json()
    assert rep["format"] == "originproof/report@1" and rep["verdict"] == v1["verdict"]
    # The service stamped its own receipt instant, not the manifest's submitted_at.
    assert rep["evaluated_at"][:10] >= v1["submitted_at"][:10]

    # A resubmission for the same merchant × brand is version 2 of the same case.
    r2 = _submit(run, "seller_a", data)
    assert r2.status_code == 202 and r2.json() == {"case_id": cid, "version": 2, "status": "queued"}
    run.drain()
    v2 = run.client.get(f"/v1/cases/{cid}/versions/2", headers=run.auth("reviewer")).json()
    assert v2["status"] == "done" and v2["changes"] == []  # same files, same findings

    # Listing and paging.
    page = run.client.get("/v1/cases?limit=1", headers=run.auth("reviewer")).json()
    assert [x["case_id"] for x in page["items"]] == [cid] and page["next"] is None
    assert run.client.get("/v1/cases", headers=run.auth("seller_b")).json() == {"items": [], "next": None}

    # Decisions: a seller cannot decide; a code outside the ladder is 422.
    assert run.client.post(f"/v1/cases/{cid}/decisions", json={"decision": "approve", "reason": "fine"},
                           headers=run.auth("seller_a")).status_code == 403
    bad = run.client.post(f"/v1/cases/{cid}/decisions", headers=run.auth("reviewer"),
                          json={"decision": "reject", "reason": "forged CoO", "sanctions": ["public_flogging"]})
    assert bad.status_code == 422 and bad.json()["error"] == "unknown_sanction" and bad.json()["message"]["zh"]
    d = run.client.post(f"/v1/cases/{cid}/decisions", headers=run.auth("reviewer"),
                        json={"decision": "reject", "reason": "forged certificate of origin",
                              "sanctions": ["reject_qualification", "terminate_cooperation"]})
    assert d.status_code == 201, d.text
    assert d.json()["current"] and d.json()["sanctions"] == ["reject_qualification", "terminate_cooperation"]
    merchant = run.client.get(f"/v1/merchants/{MERCHANT_A}", headers=run.auth("seller_a")).json()
    assert {s["code"] for s in merchant["sanctions_in_force"]} == {"reject_qualification", "terminate_cooperation"}
    assert merchant["cases"] == [{"case_id": cid, "brand": case["brand"], "state": "terminated"}]

    # The same reviewer cannot overrule himself; a second person can (and the sanctions are lifted).
    same = run.client.post(f"/v1/cases/{cid}/decisions", headers=run.auth("reviewer"),
                           json={"decision": "approve", "reason": "changed my mind"})
    assert same.status_code == 409 and same.json()["error"] == "overrule_needs_another_person"

    # Terminated: the next submission is refused and leaves nothing behind.
    before = state(run.store, run.blob_root)
    refused = _submit(run, "seller_a", data)
    assert refused.status_code == 403 and refused.json()["error"] == "cooperation_terminated"
    admin_try = _submit(run, "admin", data)
    assert admin_try.status_code == 403 and admin_try.json()["error"] == "cooperation_terminated"
    assert state(run.store, run.blob_root) == before

    over = run.client.post(f"/v1/cases/{cid}/decisions", headers=run.auth("reviewer2"),
                           json={"decision": "request_more", "reason": "second look: ask for the customs form"})
    assert over.status_code == 201 and over.json()["overrules"] == d.json()["id"]
    case = run.client.get(f"/v1/cases/{cid}", headers=run.auth("admin")).json()
    assert case["state"] == "more_requested" and case["sanctions_in_force"] == []
    assert [x["current"] for x in case["decisions"]] == [False, True]
    assert _submit(run, "seller_a", data).status_code == 202
    run.drain()

    # Exports (admin) and the audit chain.
    lines = run.client.get("/v1/exports/decisions.jsonl", headers=run.auth("admin")).text.splitlines()
    assert len(lines) == 2
    first = run.client.get("/v1/exports/decisions.jsonl?limit=1", headers=run.auth("admin"))
    assert first.text.splitlines() == lines[:1]
    rest = run.client.get(f"/v1/exports/decisions.jsonl?limit=1&cursor={first.headers['X-Next-Cursor']}",
                          headers=run.auth("admin"))
    assert rest.text.splitlines() == lines[1:] and "X-Next-Cursor" not in rest.headers
    csv = run.client.get("/v1/exports/sanctions.csv", headers=run.auth("admin")).text.splitlines()
    assert csv[0].startswith("id,merchant_id,code") and len(csv) == 3 and all(",false," in x for x in csv[1:])
    assert run.client.get("/v1/audit/verify", headers=run.auth("admin")).json() == {"intact": True}
    # Each export carries the audit head as an anchor, and the chain verifies against it.
    count, head = first.headers["X-Audit-Head"].split(":")
    assert int(count) > 0 and len(head) == 64
    assert run.store.verify_audit((int(count), head)).intact


def test_precheck_stores_nothing_and_hides_reviewer_facts(running, small_dossier_dir):
    run = running
    before = state(run.store, run.blob_root)
    r = _submit(run, "seller_a", zip_folder(small_dossier_dir, only_manifest=True), precheck=True)
    assert r.status_code == 200 and r.json()["format"] == "originproof/report@1"
    assert all("reviewer" not in (f.get("facts") or {}) for f in r.json()["findings"])
    # Reuse is looked up when the dossier is submitted: the pre-check says so, and asks nothing of the seller.
    dup = [f for f in r.json()["findings"] if f["rule"] == "AUTH.DUPLICATE"]
    assert dup and all(f["status"] == "unknown" and "when the dossier is submitted" in f["message"]["en"]
                       and "提交档案时" in f["message"]["zh"] for f in dup)
    assert state(run.store, run.blob_root) == before


def test_unreadable_upload_is_422_for_a_submission_and_a_report_for_a_precheck(running):
    run = running
    before = state(run.store, run.blob_root)
    bad = b"PK\x03\x04 not a zip"
    r = _submit(run, "admin", bad)
    assert r.status_code == 422 and r.json()["error"] == "dossier_unreadable"
    p = _submit(run, "seller_a", bad, precheck=True)
    assert p.status_code == 200 and p.json()["verdict"] == "reject"
    assert state(run.store, run.blob_root) == before


def test_an_unknown_verdict_or_state_filter_is_422_naming_the_allowed_values(running):
    for query, allowed in (("verdict=bogus", "'review'"), ("state=bogus", "'more_requested'")):
        r = running.client.get(f"/v1/cases?{query}", headers=running.auth("reviewer"))
        assert r.status_code == 422 and r.json()["error"] == "invalid_request", query
        assert allowed in r.json()["message"]["en"] and "查询参数" in r.json()["message"]["zh"]
    ok = running.client.get("/v1/cases?verdict=review&state=pending", headers=running.auth("reviewer"))
    assert ok.status_code == 200 and ok.json()["items"] == []


def test_the_filter_values_are_the_ones_the_service_sets():
    from typing import get_args

    from originproof.cases.schemas import CaseState, VerdictName
    from originproof.cases.service import _STATE, _state_after
    from originproof.verdict import EXIT_CODES

    assert set(get_args(VerdictName)) == set(EXIT_CODES)
    produced = {"pending"} | set(_STATE.values()) | {_state_after("reject", s) for s in
                                                     ([], ["restrict_operations"], ["terminate_cooperation"])}
    assert produced == set(get_args(CaseState))
