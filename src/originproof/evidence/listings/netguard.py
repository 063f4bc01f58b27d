"""Which addresses a listing fetch may reach: registry platform hosts, resolved once, public IPs only.

The fetcher asks `check_url` before every hop (first request and each redirect) and `check_addresses`
on the DNS answer before connecting; it then connects to the checked address and nothing else, so a
second (rebinding) DNS answer can never be used.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from originproof.registry import Platform, Registry


class UnsafeTarget(Exception):
    """A URL or address the fetcher refuses to contact. `code` is stable (reports and tests use it)."""

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


def is_public_address(addr: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for unicast addresses routable on the public Internet."""
    try:
        ip = ipaddress.ip_address(addr) if isinstance(addr, str) else addr
    except ValueError:
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


_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def looks_like_ip_literal(host: str) -> bool:
    """Any host a resolver or browser could read as an IP address: dotted, decimal, octal, hex, short forms."""
    h = host.strip("[]").rstrip(".").lower()
    if not h:
        return True
    try:
        ipaddress.ip_address(h.split("%", 1)[0])
        return True
    except ValueError:
        pass
    if ":" in h:
        return True
    labels = h.split(".")
    # inet_aton accepts 1–4 numeric parts in decimal, octal (0…) or hex (0x…): 2130706433, 0177.1, 0x7f.1
    if all(_NUMERIC_LABEL.match(lbl) for lbl in labels if lbl) and len(labels) <= 4:
        return True
    # WHATWG: a host whose last label is numeric is parsed as IPv4 (and fails) — never a shop.
    return bool(labels and _NUMERIC_LABEL.match(labels[-1]))


def normalize_url(url: str) -> str:
    """Canonical form used for fetching, archiving and matching captures.

    Lower-case scheme and host (IDNA-encoded), no default port, no fragment, path percent-encoding
    normalised; refuses anything but http/https, user-info and non-default ports.
    """
    raw = (url or "").strip()
    if any(c in raw for c in "\r\n\t\x00"):
        raise UnsafeTarget("bad_url", "control characters in URL")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeTarget("bad_scheme", f"scheme {parts.scheme!r} is not http/https")
    if "@" in parts.netloc:
        raise UnsafeTarget("userinfo", "URLs with user-info are refused")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeTarget("no_host", "URL has no host")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise UnsafeTarget("bad_host", f"host {host!r} is not a valid domain name")
    try:
        port = parts.port
    except ValueError:
        raise UnsafeTarget("bad_port", "invalid port")
    default = 443 if scheme == "https" else 80
    if port not in (None, default, 80, 443):
        raise UnsafeTarget("bad_port", f"port {port} is not a web port")
    netloc = host if port in (None, default) else f"{host}:{port}"
    path = quote(unquote(parts.path or "/"), safe="/:@!$&'()*+,;=-._~%")
    query = parts.query
    return urlunsplit((scheme, netloc, path, query, ""))


def url_key(url: str) -> str:
    """Key that matches a listing URL to its captures (scheme-insensitive; trailing slash ignored)."""
    try:
        n = normalize_url(url)
    except UnsafeTarget:
        n = (url or "").strip()
    p = urlsplit(n)
    path = p.path.rstrip("/") or "/"
    return urlunsplit(("", p.netloc.lower(), path, p.query, ""))[2:]


def check_url(url: str, registry: Registry) -> tuple[str, str, Platform]:
    """(normalised URL, host, platform) or UnsafeTarget: the host must be a registry platform host."""
    n = normalize_url(url)
    host = urlsplit(n).hostname or ""
    if looks_like_ip_literal(host):
        raise UnsafeTarget("ip_literal", f"{host} is an IP address, not a platform host")
    p = registry.platform_for_url(n)
    if p is None:
        raise UnsafeTarget("not_platform", f"{host} is not a host of a registered platform")
    return n, host, p


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


def resolve_public(host: str, resolver: Resolver) -> Resolved:
    """Resolve once; refuse when ANY answer is non-public (a mixed answer is a rebinding attempt)."""
    try:
        answers = [a for a in resolver(host) if a]
    except UnsafeTarget:
        raise
    except Exception as e:  # noqa: BLE001 — any resolver failure is "cannot fetch"
        raise UnsafeTarget("dns_error", f"{host}: {type(e).__name__}: {e}")
    if not answers:
        raise UnsafeTarget("dns_empty", f"{host} has no address")
    bad = [a for a in answers if not is_public_address(a)]
    if bad:
        raise UnsafeTarget("non_public_address", f"{host} resolves to non-public {', '.join(bad)}")
    # Prefer IPv4: fewer embedding tricks and what most shops serve first.
    v4 = [a for a in answers if ":" not in a]
    return Resolved(host=host, address=(v4 or answers)[0], all_addresses=tuple(answers))
