"""Which addresses an outbound connection may reach, and one DNS resolution checked against that.

A host is resolved once and every answer checked; the caller then connects to the checked address
and nothing else (`originproof.net.pinned`), so a second, rebinding DNS answer is never used."""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(Exception):
    """A URL or address that is refused. `code` is stable (reports and tests use it)."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


# Ranges `ipaddress` calls global but which can still reach inside a network or embed another address.
_EXTRA_BLOCKED = [ipaddress.ip_network(n) for n in (
    "100.64.0.0/10",      # CGNAT (shared address space)
    "64:ff9b::/96",       # NAT64 well-known prefix: embeds an IPv4 address
    "64:ff9b:1::/48",     # local-use NAT64
    "2002::/16",          # 6to4: embeds an IPv4 address
    "2001::/32",          # Teredo
    "fec0::/10",          # deprecated site-local
    "::ffff:0:0/96",      # IPv4-mapped
    "::/96",              # IPv4-compatible (deprecated)
    "100::/64",           # discard-only
)]
METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                      ipaddress.ip_address("100.100.100.200")}


def as_address(addr: str | IPAddress) -> IPAddress | None:
    try:
        return ipaddress.ip_address(addr) if isinstance(addr, str) else addr
    except ValueError:
        return None


def is_public_address(addr: str | IPAddress) -> bool:
    """True only for unicast addresses routable on the public Internet."""
    ip = as_address(addr)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        mapped = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if mapped is not None:
            return False  # never reach an IPv4 host through an IPv6 wrapper
    if ip in METADATA_ADDRESSES:
        return False
    if (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    return not any(ip in n for n in _EXTRA_BLOCKED if n.version == ip.version)


Resolver = Callable[[str], list[str]]


def system_resolver(host: str) -> list[str]:
    """One DNS resolution (all A/AAAA answers)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _fam, _t, _p, _c, sa in infos:
        a = sa[0]
        if a not in seen:
            seen.append(a)
    return seen


@dataclass(frozen=True)
class Resolved:
    host: str
    address: str
    all_addresses: tuple[str, ...]


def resolve_public(host: str, resolver: Resolver,
                   allowed: Callable[[str], bool] = is_public_address) -> Resolved:
    """Resolve once; refuse when ANY answer is not `allowed` (a mixed answer is a rebinding attempt).
    `allowed` is public unicast unless the caller's operator trusts more."""
    try:
        answers = [a for a in resolver(host) if a]
    except UnsafeTarget:
        raise
    except Exception as e:  # noqa: BLE001 — any resolver failure is "cannot connect"
        raise UnsafeTarget("dns_error", f"{host}: {type(e).__name__}: {e}")
    if not answers:
        raise UnsafeTarget("dns_empty", f"{host} has no address")
    bad = [a for a in answers if not allowed(a)]
    if bad:
        raise UnsafeTarget("non_public_address", f"{host} resolves to non-public {', '.join(bad)}")
    # Prefer IPv4: fewer embedding tricks and what most hosts serve first.
    v4 = [a for a in answers if ":" not in a]
    return Resolved(host=host, address=(v4 or answers)[0], all_addresses=tuple(answers))
