"""Listing tests: a loopback fixture web server, a fake resolver and a socket guard.

The guard wraps socket connect/sendto, create_connection and every name lookup: anything but a
connection to the fixture server's loopback port is recorded and REFUSED, so no packet can leave this
machine even when the code under test is wrong.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from originproof.samples.listings import FixtureSite, serve_fixture_site

from listings_support import PUBLIC_IP, FakeResolver  # noqa: E402


@dataclass
class Guard:
    allowed: set[tuple[str, int]] = field(default_factory=set)
    attempts: list[tuple[str, object]] = field(default_factory=list)  # (call, address)
    refused: list[tuple[str, object]] = field(default_factory=list)
    unix: list[object] = field(default_factory=list)  # AF_UNIX paths (local IPC), allowed

    def ok(self, addr) -> bool:
        return isinstance(addr, tuple) and len(addr) >= 2 and (addr[0], addr[1]) in self.allowed

    @property
    def foreign(self) -> list:
        return [a for a in self.attempts if not ((a[0] in ("connect", "create_connection") and self.ok(a[1]))
                                                 or a == ("getaddrinfo", "127.0.0.1"))]


@pytest.fixture(scope="session")
def fixture_site():
    site = FixtureSite()
    srv, port = serve_fixture_site(site)
    yield site, port
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def site(fixture_site):
    s, port = fixture_site
    s.routes.clear()
    s.robots.clear()
    s.hits.clear()
    s.delay.clear()
    s.compress = True
    return s


@pytest.fixture
def port(fixture_site):
    return fixture_site[1]


@pytest.fixture
def socket_guard(monkeypatch, fixture_site):
    g = Guard(allowed={("127.0.0.1", fixture_site[1])})
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create = socket.create_connection

    def connect(self, addr):
        if isinstance(addr, (str, bytes)):  # AF_UNIX (reader worker processes): never leaves the machine
            g.unix.append(addr)
            return real_connect(self, addr)
        g.attempts.append(("connect", addr))
        if not g.ok(addr):
            g.refused.append(("connect", addr))
            raise ConnectionRefusedError(f"socket guard: connect to {addr!r} refused")
        return real_connect(self, addr)

    def connect_ex(self, addr):
        if isinstance(addr, (str, bytes)):
            g.unix.append(addr)
            return real_connect_ex(self, addr)
        g.attempts.append(("connect", addr))
        if not g.ok(addr):
            g.refused.append(("connect", addr))
            return 111
        return real_connect_ex(self, addr)

    def sendto(self, *args):
        g.attempts.append(("sendto", args[-1]))
        g.refused.append(("sendto", args[-1]))
        raise PermissionError("socket guard: sendto refused")

    def create_connection(address, *a, **k):
        g.attempts.append(("create_connection", address))
        if not g.ok(address):
            g.refused.append(("create_connection", address))
            raise ConnectionRefusedError(f"socket guard: connection to {address!r} refused")
        return real_create(address, *a, **k)

    def no_lookup(name):
        def f(host, *a, **k):
            g.attempts.append((name, host))
            if host in ("127.0.0.1",) and name == "getaddrinfo":
                return real_gai(host, *a, **k)
            g.refused.append((name, host))
            raise socket.gaierror(f"socket guard: name lookup of {host!r} refused")
        return f

    real_gai = socket.getaddrinfo
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", no_lookup("gethostbyname"))
    monkeypatch.setattr(socket, "gethostbyname_ex", no_lookup("gethostbyname_ex"))
    monkeypatch.setattr(socket, "gethostbyaddr", no_lookup("gethostbyaddr"))
    yield g


@pytest.fixture
def resolver():
    return FakeResolver()


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc))
