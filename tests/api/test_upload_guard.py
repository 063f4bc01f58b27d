"""An upload is refused before its body is read (credentials, declared size), and a seller's
dossier naming another merchant is refused before anything is stored."""
from __future__ import annotations

import asyncio
import zipfile

import pytest
from fastapi.testclient import TestClient

from originproof.service.api import create_app, parse_keys
from originproof.store import Store
from originproof.store.blobs import BlobStore
from tests.api.state import state

KEYS = "adm-key:admin,rev-key:reviewer,sel-key:seller:M-100001,other-key:seller:M-999999"


def _zip(folder, dest):
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
    return dest


@pytest.fixture
def svc(tmp_path, dossier_copy):
    st = Store(f"sqlite:///{tmp_path / 'api.db'}")
    app = create_app(st, BlobStore(str(tmp_path / "blobs")), parse_keys(KEYS))
    z = _zip(dossier_copy(lambda m: m["distribution"].pop("offline")), tmp_path / "d.zip")
    yield app, st, z, tmp_path / "blobs"
    st.close()


def _raw_post(app, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, int]:
    """POST /v1/dossiers at the ASGI level; returns (status, body chunks the app consumed)."""
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

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/v1/dossiers", "raw_path": b"/v1/dossiers", "query_string": b"",
             "root_path": "", "server": ("test", 80), "client": ("127.0.0.1", 1),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    return status, consumed


def test_unauthenticated_or_oversized_upload_is_refused_before_its_body_is_read(svc):
    app, st, _, blobs = svc
    before = state(st, blobs)
    body = [b"x" * 1024] * 8
    ctype = {"content-type": "multipart/form-data; boundary=zzz"}
    assert _raw_post(app, {**ctype, "content-length": str(300 * 1024 * 1024)}, body) == (401, 0)
    assert _raw_post(app, {**ctype, "content-length": "1", "authorization": "Bearer wrong"}, body) == (401, 0)
    status, consumed = _raw_post(app, {**ctype, "content-length": str(300 * 1024 ** 3),
                                       "authorization": "Bearer sel-key"}, body)
    assert (status, consumed) == (413, 0)
    assert state(st, blobs) == before


def test_seller_naming_another_merchant_leaves_nothing_behind(svc):
    app, st, z, blobs = svc
    before = state(st, blobs)
    r = TestClient(app).post("/v1/dossiers", files={"file": ("d.zip", z.read_bytes())},
                             headers={"Authorization": "Bearer other-key"})
    assert r.status_code == 403 and r.json()["error"] == "other_merchant"
    assert state(st, blobs) == before
    assert TestClient(app).get("/v1/cases", headers={"Authorization": "Bearer rev-key"}).json() == []


def test_missing_file_field_is_422(svc):
    app, st, _, blobs = svc
    r = TestClient(app).post("/v1/dossiers", data={"other": "x"}, files={"nope": ("a", b"1")},
                             headers={"Authorization": "Bearer sel-key"})
    assert r.status_code == 422 and r.json()["error"] == "missing_file"
