"""An httpx transport that connects one checked name to its one checked address, and nothing else.

TLS still verifies the certificate against the name (SNI and Host keep it); redirects, cookies,
proxies and environment settings never come into play: callers send through the transport or a
Client built with `trust_env=False, follow_redirects=False`."""
from __future__ import annotations

from typing import Callable

import httpcore
import httpx

from originproof.net.addresses import is_public_address


class PinnedBackend(httpcore.SyncBackend):
    """Connects to the one address resolved and checked for `host`; refuses any other name."""

    def __init__(self, host: str, address: str, allowed: Callable[[str], bool] = is_public_address):
        self.host, self.address, self.allowed = host.lower().rstrip("."), address, allowed

    def destination(self, port: int) -> tuple[str, int]:
        if not self.allowed(self.address):  # checked before; checked again where the socket is made
            raise httpcore.ConnectError(f"refusing non-public address {self.address}")
        return self.address, port

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if host.lower().rstrip(".") != self.host:
            raise httpcore.ConnectError(f"refusing to connect to unexpected host {host!r}")
        address, port = self.destination(port)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)

    def connect_unix_socket(self, *a, **k):  # pragma: no cover — never used
        raise httpcore.ConnectError("unix sockets are not used for outbound calls")


def pinned_transport(backend: PinnedBackend) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False, retries=0)
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001 — the pinned backend is the point
        ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=1, retries=0,
        network_backend=backend)
    return transport
