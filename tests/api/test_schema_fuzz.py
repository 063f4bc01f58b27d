"""schemathesis generates calls from the published OpenAPI schema (every operation, as an admin
and as a seller): none may end in a 500, and every error has the api.md shape.

The operations' hypothesis strategies are driven directly: schemathesis' pytest plugin does not
load under this pytest."""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402 — after the skip

from tests.api.conftest import zip_folder  # noqa: E402


def test_no_server_error_on_any_generated_call(running, small_dossier_dir):
    r = running.client.post("/v1/dossiers", files={"file": ("d.zip", zip_folder(small_dossier_dir,
                                                                                    only_manifest=True))},
                            headers=running.auth("admin"))
    assert r.status_code == 202
    running.drain()
    schema = schemathesis.openapi.from_asgi("/openapi.json", running.client.app)
    seen = []
    for result in schema.get_all_operations():
        op = result.ok()
        seen.append(f"{op.method.upper()} {op.path}")

        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def fuzz(case):
            for who in ("admin", "seller_a"):
                resp = case.call(headers=running.auth(who))
                assert resp.status_code < 500, (who, case.method, case.formatted_path, resp.text[:300])
                ctype = str(resp.headers.get("content-type") or "")  # schemathesis' response: lists
                if resp.status_code >= 400 and "application/json" in ctype:
                    body = resp.json()
                    assert "error" in body and set(body["message"]) == {"zh", "en"}, body
        fuzz()
        running.drain()
    assert "POST /v1/dossiers" in seen and "POST /v1/cases/{case_id}/decisions" in seen
