"""Delivery checks the target again as it sends: the name is resolved anew, a non-public answer is
refused before any connection, the connection goes to the address just checked (no second lookup),
and a redirect is never followed. Registration through the API refuses non-public targets with 422."""
from __future__ import annotations

import select
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select as sql_select

from originproof.store import Store
from originproof.webhooks.models import WebhookDelivery
from originproof.webhooks.service import deliver_due, emit, register
from originproof.webhooks.targets import Targets, parse_networks
from tests.api.conftest import running  # noqa: F401 — the service fixture
from tests.api.state import state

NAME = "hooks.receiver.invalid"  # .invalid never resolves: only the test's table can answer


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.got.append(self.path)
        self.send_response(self.server.answer)
        if self.server.location:
            self.send_header("Location", self.server.location)
        self.end_headers()

    def log_message(self, *a):
        pass


@pytest.fixture
def receivers():
    servers = []

    def start(answer: int = 204, location: str | None = None) -> HTTPServer:
        srv = HTTPServer(("127.0.0.1", 0), _Receiver)
        srv.got, srv.answer, srv.location = [], answer, location
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def store(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'hooks.db'}")
    yield st
    st.close()


class Table:
    """A resolver whose answer the test changes between registration and delivery; counts lookups."""

    def __init__(self, answer: str):
        self.answer, self.lookups = answer, 0

    def __call__(self, host: str) -> list[str]:
        assert host == NAME
        self.lookups += 1
        return [self.answer]


def _hook_with_one_delivery(store: Store, url: str, targets: Targets) -> None:
    with store.Session.begin() as s:
        register(s, url, ["case.decided"], "admin", targets)
        assert emit(s, "case.decided", {"case_id": "C-1"}) == 1


def _delivery(store: Store) -> WebhookDelivery:
    with store.Session() as s:
        return s.execute(sql_select(WebhookDelivery)).scalar_one()


def test_a_name_rebound_to_loopback_after_registration_is_not_contacted(store):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    try:
        dns = Table("93.184.215.14")  # public when the webhook is registered …
        targets = Targets(resolver=dns)
        _hook_with_one_delivery(store, f"https://{NAME}:{listener.getsockname()[1]}/h", targets)
        dns.answer = "127.0.0.1"  # … loopback when it is delivered
        assert deliver_due(store, targets) == 1
        d = _delivery(store)
        assert d.status == "pending" and d.attempts == 1 and d.last_status_code is None
        assert d.last_error.startswith("refused:") and "127.0.0.1" in d.last_error
        # No connection was even opened: the listener has nothing waiting in its backlog.
        assert select.select([listener], [], [], 0)[0] == []
        assert dns.lookups == 2  # once to register, once again to deliver
    finally:
        listener.close()


def test_delivery_connects_to_the_address_it_checked(store, receivers):
    """The name cannot be resolved by the system: the delivery arriving proves it used the checked address."""
    srv = receivers()
    dns = Table("127.0.0.1")
    targets = Targets(trusted=parse_networks("127.0.0.0/8"), resolver=dns)
    _hook_with_one_delivery(store, f"http://{NAME}:{srv.server_port}/h", targets)
    assert deliver_due(store, targets) == 1
    assert _delivery(store).status == "delivered" and srv.got == ["/h"]
    # The operator stops trusting loopback: the same webhook is refused at its next delivery.
    with store.Session.begin() as s:
        emit(s, "case.decided", {"case_id": "C-2"})
    assert deliver_due(store, Targets(resolver=dns)) == 1
    assert srv.got == ["/h"]


def test_a_redirect_is_not_followed(store, receivers):
    elsewhere = receivers()
    srv = receivers(answer=307, location=f"http://127.0.0.1:{elsewhere.server_port}/stolen")
    targets = Targets(trusted=parse_networks("127.0.0.0/8"))
    _hook_with_one_delivery(store, f"http://127.0.0.1:{srv.server_port}/h", targets)
    assert deliver_due(store, targets) == 1
    d = _delivery(store)
    assert (d.status, d.last_status_code, d.last_error) == ("pending", 307, "redirect not followed")
    assert srv.got == ["/h"] and elsewhere.got == []


def test_the_api_refuses_a_non_public_target_with_422_and_stores_nothing(running):  # noqa: F811
    run = running  # trusts 127.0.0.0/8 (test receivers): the rest of the non-public world is still refused
    before = state(run.store, run.blob_root)
    for url in ("https://10.0.0.1/h", "https://169.254.169.254/latest/meta-data/", "http://[::1]/h",
                "https://[fe80::1]/h", "https://224.0.0.1/h", "ftp://127.0.0.1/h"):
        r = run.client.post("/v1/webhooks", json={"url": url, "events": ["case.decided"]}, headers=run.auth("admin"))
        assert r.status_code == 422, (url, r.text)
        body = r.json()
        assert body["error"] == "webhook_target_refused" and body["message"]["zh"] and body["message"]["en"]
    assert state(run.store, run.blob_root) == before
