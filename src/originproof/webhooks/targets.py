"""Where a webhook may be delivered, checked when it is registered and again at every delivery.

A receiver is reached over https at a public unicast address. A network the operator trusts
(ORIGINPROOF_WEBHOOK_TRUSTED_NETWORKS: an internal back office, a test receiver on loopback) may
also be reached, and only there is plain http accepted. Delivery resolves the name again and
connects to the address it has just checked and nothing else (a name that resolved to a public
address at registration may resolve to 127.0.0.1 now); a redirect is never followed."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from originproof.net.addresses import (METADATA_ADDRESSES, Resolver, UnsafeTarget, as_address, is_public_address,
                                       resolve_public, system_resolver)
from originproof.net.pinned import PinnedBackend, pinned_transport

if TYPE_CHECKING:
    from originproof.config import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class WebhookError(ValueError):
    """A webhook refused at registration (or a target refused at delivery), said in both languages."""

    def __init__(self, code: str, en: str, zh: str):
        super().__init__(en)
        self.code, self.en, self.zh = code, en, zh


def refused(en: str, zh: str) -> WebhookError:
    return WebhookError("webhook_target_refused", en, zh)


def parse_networks(value: str | None) -> tuple[Network, ...]:
    """'127.0.0.0/8, 10.20.0.0/16' → networks; a typo stops the service at start, not at delivery."""
    out = []
    for part in (value or "").replace(";", ",").split(","):
        if part.strip():
            try:
                out.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError as e:
                raise ValueError(f"ORIGINPROOF_WEBHOOK_TRUSTED_NETWORKS: {part.strip()!r} is not a network ({e})")
    return tuple(out)


@dataclass(frozen=True)
class Destination:
    url: httpx.URL
    host: str
    address: str  # the checked address the delivery connects to


@dataclass(frozen=True)
class Targets:
    trusted: tuple[Network, ...] = ()  # none: public addresses only
    resolver: Resolver = system_resolver

    @classmethod
    def from_settings(cls, cfg: Settings | None = None) -> Targets:
        from originproof.config import settings

        return cls(trusted=parse_networks((cfg or settings()).webhook_trusted_networks))

    def trusts(self, addr: str) -> bool:
        ip = as_address(addr)
        return ip is not None and any(ip in n for n in self.trusted if n.version == ip.version)

    def allowed(self, addr: str) -> bool:
        # A cloud's metadata service is never a receiver, whatever network the operator trusts.
        ip = as_address(addr)
        return ip is not None and ip not in METADATA_ADDRESSES and (is_public_address(ip) or self.trusts(addr))

    def vet(self, url: str) -> Destination:
        try:
            u = httpx.URL(url)
        except httpx.InvalidURL as e:
            raise refused(f"the URL cannot be read ({e})", f"无法解析该地址（{e}）")
        if u.scheme not in ("https", "http"):
            raise refused(f"the URL must use https, not {u.scheme or 'no scheme'}",
                          f"地址必须使用 https，而不是 {u.scheme or '（无协议）'}")
        if u.userinfo:
            raise refused("the URL must not carry a user name or password", "地址中不得包含用户名或密码")
        host = u.raw_host.decode("ascii")  # IDNA-encoded; an IPv6 literal without brackets
        if not host:
            raise refused("the URL has no host", "地址中没有主机名")
        if u.port is not None and not 0 < u.port < 65536:
            raise refused(f"port {u.port} does not exist", f"端口 {u.port} 无效")
        try:
            res = resolve_public(host, self.resolver, self.allowed)
        except UnsafeTarget as e:
            if e.code == "non_public_address":
                raise refused(f"{e.detail}: loopback, private, link-local, multicast and reserved addresses are "
                              "refused", f"{host} 解析到非公网地址（回环、私有、链路本地、组播和保留地址一律拒绝）："
                              f"{e.detail}")
            raise refused(f"{host} cannot be resolved ({e.detail})", f"无法解析主机 {host}（{e.detail}）")
        if u.scheme == "http" and not all(self.trusts(a) for a in res.all_addresses):
            raise refused("the URL must use https: plain http is accepted only for a receiver in a network the "
                          "operator trusts (ORIGINPROOF_WEBHOOK_TRUSTED_NETWORKS)",
                          "地址必须使用 https：仅运营方信任的网络（ORIGINPROOF_WEBHOOK_TRUSTED_NETWORKS）中的接收端可用 http")
        return Destination(url=u, host=host, address=res.address)

    def post(self, dest: Destination, body: bytes, headers: dict[str, str], timeout_s: float = 10.0) -> httpx.Response:
        """One POST to the checked address; the status is all a delivery needs, so the body is never read."""
        transport = pinned_transport(PinnedBackend(dest.host, dest.address, self.allowed))
        with httpx.Client(transport=transport, trust_env=False, follow_redirects=False, timeout=timeout_s) as c:
            with c.stream("POST", dest.url, content=body, headers=headers) as r:
                return r
