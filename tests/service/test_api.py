"""The review console in a real headless Chromium: sign in, the queue, a case with its chain and
findings, a decision posted with the session's CSRF token; a seller never sees the decision form."""
from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest

from originproof.accounts import service as accounts
from tests.api.conftest import MERCHANT_A, zip_folder


def _serve(app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    return server, t, port


def _sign_in(page, port, name, password):
    page.goto(f"http://127.0.0.1:{port}/console")
    assert "/console/login" in page.url  # no session: the sign-in page, never a key in the URL
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("#login button")
    page.wait_for_selector("#queue")


@pytest.mark.browser
def test_console_in_headless_chromium(running, small_dossier_dir):
    from playwright.sync_api import sync_playwright

    run = running
    with run.store.Session.begin() as s:
        accounts.create_user(s, "rita", "reviewer-pass-1", "reviewer")
        accounts.create_user(s, "sam", "seller-pass-12", "seller", [MERCHANT_A])
    data = zip_folder(small_dossier_dir, only_manifest=True)  # the console is under test, not the readers
    r = run.client.post("/v1/dossiers", files={"file": ("d.zip", data)}, headers=run.auth("seller_a"))
    assert r.status_code == 202
    assert run.client.post("/v1/dossiers", files={"file": ("d.zip", data)},
                           headers=run.auth("seller_a")).json()["version"] == 2
    run.drain()
    server, t, port = _serve(run.client.app)
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                  args=["--headless", "--no-sandbox", "--disable-gpu",
                                        "--disable-background-networking"])
            page = b.new_page()
            _sign_in(page, port, "rita", "reviewer-pass-1")
            page.click("#queue tbody tr a")
            assert page.locator("#verdict").inner_text().split()[0] in ("approve", "review", "reject")
            assert page.locator("#chain .link").count() == 5
            assert "key=" not in page.url
            assert page.locator("#changes li").count() >= 1  # v2 against v1
            page.select_option("select[name=decision]", "request_more")
            page.fill("input[name=reason]", "请补充门店视频 / add store videos")
            page.click("#decide button")
            page.wait_for_function("document.getElementById('decision-state').textContent === 'request_more'")
            page.goto(f"http://127.0.0.1:{port}/console")
            assert "more_requested" in page.inner_text("#queue")
            # a seller's console never shows the decision form
            seller = b.new_context().new_page()
            _sign_in(seller, port, "sam", "seller-pass-12")
            seller.click("#queue tbody tr a")
            assert seller.locator("#decide").count() == 0
            b.close()
    finally:
        server.should_exit = True
        t.join(timeout=10)
