"""HTTP API and console: submit, roles, decisions, audit — and the console in a real headless Chromium."""
from __future__ import annotations

import shutil
import socket
import threading
import time
import zipfile
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from originproof.service.api import create_app, parse_keys
from originproof.store import Store
from originproof.store.blobs import BlobStore

KEYS = "adm-key:admin,rev-key:reviewer,sel-key:seller:M-100001,other-key:seller:M-999999"


def _zip(folder, dest):
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
    return dest


@pytest.fixture
def service(tmp_path, dossier_copy):
    st = Store(f"sqlite:///{tmp_path / 'api.db'}")
    app = create_app(st, BlobStore(str(tmp_path / "blobs")), parse_keys(KEYS))
    # Documents + listings only: the API is under test here, not the video readers.
    z = _zip(dossier_copy(lambda m: m["distribution"].pop("offline")), tmp_path / "d.zip")
    yield app, st, z
    st.close()


def auth(k):
    return {"Authorization": f"Bearer {k}"}


def test_submit_roles_decision_and_audit(service):
    app, st, z = service
    c = TestClient(app)
    assert c.get("/healthz").json()["ok"]
    assert c.post("/v1/dossiers", files={"file": ("d.zip", z.read_bytes())}).status_code == 401
    before = datetime.now(timezone.utc)
    r = c.post("/v1/dossiers", files={"file": ("d.zip", z.read_bytes())}, headers=auth("sel-key"))
    assert r.status_code == 201, r.text
    rep = r.json()
    digest = rep["dossier"]["sha256"]
    # The service stamps submitted_at itself and ignores the seller's 2026-06-15 value.
    assert datetime.fromisoformat(rep["evaluated_at"]) >= before.replace(microsecond=0)
    assert c.get(f"/v1/dossiers/{digest}/report", headers=auth("sel-key")).json()["dossier"]["sha256"] == digest
    assert c.get(f"/v1/dossiers/{digest}/report", headers=auth("other-key")).status_code == 404
    assert c.get("/v1/cases", headers=auth("other-key")).json() == []
    assert [x["digest"] for x in c.get("/v1/cases", headers=auth("rev-key")).json()] == [digest]
    assert c.post(f"/v1/cases/{digest}/decision", json={"decision": "approve", "reason": "looks fine"},
                  headers=auth("sel-key")).status_code == 403
    d = c.post(f"/v1/cases/{digest}/decision", json={"decision": "reject", "reason": "CoO origin differs"},
               headers=auth("rev-key"))
    assert d.status_code == 200 and d.json()["decision"] == "reject"
    assert c.get("/v1/audit/verify", headers=auth("rev-key")).status_code == 403
    assert c.get("/v1/audit/verify", headers=auth("adm-key")).json() == {"intact": True}
    assert "paths" in c.get("/openapi.json").json()


def test_seller_cannot_submit_for_another_merchant(service):
    app, st, z = service
    r = TestClient(app).post("/v1/dossiers", files={"file": ("d.zip", z.read_bytes())}, headers=auth("other-key"))
    assert r.status_code == 403


def test_broken_upload_gets_a_report_not_a_500(service, tmp_path):
    app, st, _ = service
    r = TestClient(app).post("/v1/dossiers", files={"file": ("x.zip", b"PK\x03\x04 not a zip")}, headers=auth("rev-key"))
    assert r.status_code == 201 and r.json()["verdict"] == "reject"


@pytest.mark.browser
def test_console_in_headless_chromium(service):
    import uvicorn
    from playwright.sync_api import sync_playwright

    app, st, z = service
    TestClient(app).post("/v1/dossiers", files={"file": ("d.zip", z.read_bytes())}, headers=auth("sel-key"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                  args=["--headless", "--no-sandbox", "--disable-gpu",
                                        "--disable-background-networking"])
            page = b.new_page()
            page.goto(f"http://127.0.0.1:{port}/console?key=rev-key")
            page.click("#queue tbody tr a")
            assert page.locator("#verdict").inner_text().split()[0] in ("approve", "review", "reject")
            assert page.locator("#chain .link").count() == 5
            page.select_option("select[name=decision]", "request_more")
            page.fill("input[name=reason]", "请补充门店视频 / add store videos")
            page.click("#decide button")
            page.wait_for_function("document.getElementById('decision-state').textContent === 'request_more'")
            page.goto(f"http://127.0.0.1:{port}/console?key=rev-key")
            assert "request_more" in page.inner_text("#queue")
            # a seller's console never shows the decision form
            page.goto(f"http://127.0.0.1:{port}/console?key=sel-key")
            page.click("#queue tbody tr a")
            assert page.locator("#decide").count() == 0
            b.close()
    finally:
        server.should_exit = True
        t.join(timeout=10)
