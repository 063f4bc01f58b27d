"""Webhooks: registered by an admin, every delivery HMAC-signed, a failed one retried later with
back-off, every attempt in the delivery log."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta, timezone
from functools import partial
from http.server import BaseHTTPRequestHandler, HTTPServer

from originproof.webhooks.service import deliver_due
from tests.api.conftest import zip_folder


class _Receiver(BaseHTTPRequestHandler):
    got: list = []
    fail_first = 1

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).got.append((dict(self.headers), body))
        if type(self).fail_first > 0:
            type(self).fail_first -= 1
            self.send_response(500)
        else:
            self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


def test_signed_deliveries_retried_with_backoff(running, small_dossier_dir):
    run = running
    deliver = partial(deliver_due, run.store, run.svc.webhook_targets)
    srv = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_port}/hook"
        r = run.client.post("/v1/webhooks", json={"url": url, "events": ["version.done", "case.decided",
                                                                         "sanctions.changed"]},
                            headers=run.auth("admin"))
        assert r.status_code == 201
        hook, secret = r.json()["id"], r.json()["secret"]
        bad = run.client.post("/v1/webhooks", json={"url": url, "events": ["case.exploded"]}, headers=run.auth("admin"))
        assert bad.status_code == 422
        data = zip_folder(small_dossier_dir, only_manifest=True)
        sub = run.client.post("/v1/dossiers", files={"file": ("d.zip", data)}, headers=run.auth("seller_a"))
        run.drain()
        assert deliver() == 1  # answered 500: kept for a later attempt
        [d] = run.client.get(f"/v1/webhooks/{hook}/deliveries", headers=run.auth("admin")).json()
        assert d["status"] == "pending" and d["attempts"] == 1 and d["last_status_code"] == 500
        assert deliver() == 0  # not due yet: back-off
        assert deliver(now=datetime.now(timezone.utc) + timedelta(seconds=11)) == 1
        [d] = run.client.get(f"/v1/webhooks/{hook}/deliveries", headers=run.auth("admin")).json()
        assert d["status"] == "delivered" and d["attempts"] == 2

        headers, body = _Receiver.got[-1]
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-OriginProof-Signature"] == expected
        evt = json.loads(body)
        assert evt["event"] == "version.done" and evt["data"]["case_id"] == sub.json()["case_id"]

        cid = sub.json()["case_id"]
        run.client.post(f"/v1/cases/{cid}/decisions", headers=run.auth("reviewer"),
                        json={"decision": "reject", "reason": "listing is a copy", "sanctions": ["ban_new_listings"]})
        assert deliver() == 2
        events = [json.loads(b)["event"] for _, b in _Receiver.got[-2:]]
        assert sorted(events) == ["case.decided", "sanctions.changed"]
    finally:
        srv.shutdown()
