"""Which URLs a listing fetch may reach: registry platform hosts by name, on web ports, never an IP.

The fetcher asks `check_url` before every hop (first request and each redirect), then resolves the
host once with `originproof.net.addresses.resolve_public` (public IPs only) and connects to the
checked address and nothing else, so a second (rebinding) DNS answer can never be used.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from originproof.net.addresses import UnsafeTarget
from originproof.registry import Platform, Registry

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
