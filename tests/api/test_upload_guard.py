"""An upload is refused before its body is read (credentials, declared size), is streamed with a
cap, and oversized JSON bodies are refused before any route parses them."""
from __future__ import annotations

import asyncio

from tests.api.state import state


def _raw_post(app, path: str, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, int]:
    """POST at the ASGI level; returns (status, body chunks the app consumed)."""
    consumed = 0
    status = 0

    async def receive():
        nonlocal consumed
        if consumed < len(chunks):
            consumed += 1
            return {"type": "http.request", "body": chunks[consumed - 1], "more_body": consumed < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(msg):
        nonlocal status
        if msg["type"] == "http.response.start":
            status = msg["status"]

    p, _, q = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": p, "raw_path": p.encode(), "query_string": q.encode(),
             "root_path": "", "server": ("test", 80), "client": ("127.0.0.1", 1), "app": app,
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    return status, consumed


def test_refused_uploads_are_answered_before_their_body_is_read(running):
    run = running
    app = run.client.app
    before = state(run.store, run.blob_root)
    body = [b"x" * 1024] * 8
    ctype = {"content-type": "multipart/form-data; boundary=zzz"}
    huge = str(300 * 1024 * 1024)
    assert _raw_post(app, "/v1/dossiers", {**ctype, "content-length": huge}, body) == (401, 0)
    assert _raw_post(app, "/v1/dossiers", {**ctype, "content-length": "1", "authorization": "Bearer nope"},
                     body) == (401, 0)
    reviewer = {"authorization": f"Bearer {run.tokens['reviewer']}"}
    assert _raw_post(app, "/v1/dossiers", {**ctype, "content-length": "10", **reviewer}, body) == (403, 0)
    seller = {"authorization": f"Bearer {run.tokens['seller_a']}"}
    assert _raw_post(app, "/v1/dossiers", {**ctype, "content-length": str(300 * 1024 ** 3), **seller},
                     body) == (413, 0)
    # A JSON route: an oversized body is refused before the route parses it.
    assert _raw_post(app, "/v1/webhooks", {"content-type": "application/json", "content-length": huge,
                                           "authorization": f"Bearer {run.tokens['admin']}"}, body) == (413, 0)
    assert state(run.store, run.blob_root) == before


def test_streamed_upload_over_the_cap_is_cut_off(running, monkeypatch):
    run = running
    monkeypatch.setattr(run.svc.operator.policy.intake, "max_dossier_mb", 0.01)  # ~10 KB
    before = state(run.store, run.blob_root)
    r = run.client.post("/v1/dossiers", files={"file": ("d.zip", b"PK" + b"\0" * 200_000)},
                        headers=run.auth("seller_a"))
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    assert state(run.store, run.blob_root) == before


def test_missing_file_field_is_422(running):
    run = running
    r = run.client.post("/v1/dossiers", files={"nope": ("a", b"1")}, headers=run.auth("seller_a"))
    assert r.status_code == 422 and r.json()["error"] == "missing_file"


def test_a_fractional_cap_is_stated_as_configured(running, monkeypatch):
    run = running
    monkeypatch.setattr(run.svc.operator.policy.intake, "max_dossier_mb", 0.5)
    r = run.client.post("/v1/dossiers", files={"file": ("d.zip", b"PK" + b"\0" * 700_000)},
                        headers=run.auth("seller_a"))
    assert r.status_code == 413
    assert "上限 0.5 MB" in r.json()["message"]["zh"] and "the 0.5 MB cap" in r.json()["message"]["en"]
