"""The only code that contacts a shop: registry hosts only, public addresses only, every fetch archived.

Per hop (the first request and each redirect, followed by hand):
  normalise the URL → its host must belong to a registry platform → robots.txt allows it → wait for the
  host's rate limit → resolve the name ONCE → every answer must be a public unicast address → connect to
  that address and nothing else (SNI and Host keep the name) → read at most `max_body` bytes within the
  timeouts → archive the exchange (or the failure) as WARC.

Tests reach a local fixture server through `loopback_fixture_route(port)`: a Python-level switch (no
environment variable, nothing a dossier or a CLI flag can set) that changes only the final socket
address to 127.0.0.1:port and the scheme to plain HTTP. Every check above still runs.
"""
from __future__ import annotations

import contextlib
import gzip
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from originproof.evidence.listings import markup as M
from originproof.evidence.listings.archive import Capture, WarcArchive
from originproof.evidence.listings.netguard import check_url, normalize_url
from originproof.net.addresses import Resolver, UnsafeTarget, resolve_public, system_resolver
from originproof.net.pinned import PinnedBackend, pinned_transport
from originproof.registry import Registry

UA_TOKEN = "OriginProof"
USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              f"Chrome/126.0.0.0 Safari/537.36 {UA_TOKEN}/0.1")
ACCEPT_LANGUAGE = {"JP": "ja-JP,ja;q=0.9,en;q=0.6", "KR": "ko-KR,ko;q=0.9,en;q=0.6", "DE": "de-DE,de;q=0.9,en;q=0.6",
                   "FR": "fr-FR,fr;q=0.9,en;q=0.6", "IT": "it-IT,it;q=0.9,en;q=0.6", "ES": "es-ES,es;q=0.9,en;q=0.6",
                   "NL": "nl-NL,nl;q=0.9,en;q=0.6", "GB": "en-GB,en;q=0.9", "AU": "en-AU,en;q=0.9",
                   "US": "en-US,en;q=0.9", "CA": "en-CA,en;q=0.9,fr;q=0.5", "TH": "th-TH,th;q=0.9,en;q=0.6"}

# ------------------------------------------------------------------------------ test hook (Python only)
_fixture_route: dict[str, int] = {}
_route_lock = threading.Lock()


@contextlib.contextmanager
def loopback_fixture_route(port: int) -> Iterator[None]:
    """TESTS ONLY: send the (already checked) connection to 127.0.0.1:`port` over plain HTTP."""
    with _route_lock:
        _fixture_route["port"] = int(port)
    try:
        yield
    finally:
        with _route_lock:
            _fixture_route.clear()


def _route_port() -> int | None:
    return _fixture_route.get("port")


# ------------------------------------------------------------------------------ policy
@dataclass
class FetchPolicy:
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 45.0
    max_body_bytes: int = 5 * 1024 * 1024
    max_decoded_bytes: int = 12 * 1024 * 1024
    max_redirects: int = 5
    min_interval_s: float = 5.0  # per host, between any two requests
    respect_robots: bool = True


class _PinnedBackend(PinnedBackend):
    """The shared pinned connection, diverted to the loopback fixture server when a test asked for it."""

    def destination(self, port: int) -> tuple[str, int]:
        fixture = _route_port()
        return ("127.0.0.1", fixture) if fixture is not None else super().destination(port)


def _transport(host: str, address: str) -> httpx.HTTPTransport:
    return pinned_transport(_PinnedBackend(host, address))


def decode_content(raw: bytes, encoding: str | None, cap: int) -> bytes:
    """Undo Content-Encoding with an output cap (a small gzip can expand into gigabytes)."""
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity"):
        return raw[:cap]
    try:
        if enc in ("gzip", "x-gzip"):
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return d.decompress(raw, cap)
        if enc == "deflate":
            try:
                return zlib.decompressobj().decompress(raw, cap)
            except zlib.error:
                return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, cap)
    except (zlib.error, gzip.BadGzipFile):
        return b""
    return raw[:cap]  # unknown coding: keep as is; the reader will find no page in it


@dataclass
class FetchOutcome:
    """The hops of one listing fetch, as Captures (the same shape replay reads back from WARC)."""

    url: str
    hops: list[Capture] = field(default_factory=list)


class ListingFetcher:
    def __init__(self, registry: Registry, archive: WarcArchive | None, *, resolver: Resolver = system_resolver,
                 policy: FetchPolicy | None = None, clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.registry = registry
        self.archive = archive
        self.resolver = resolver
        self.policy = policy or FetchPolicy()
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.sleep = sleep
        self._last: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()
        self.requests = 0  # HTTP requests sent (budgeting, tests)

    # -------------------------------------------------------------------- public
    def fetch(self, url: str, *, country: str | None = None) -> FetchOutcome:
        out = FetchOutcome(url=url)
        current = url
        seen: set[str] = set()
        for _ in range(self.policy.max_redirects + 1):
            cap = self._hop(current, listing_url=url, country=country)
            out.hops.append(cap)
            if cap.status is None or not (300 <= cap.status < 400):
                return out
            loc = cap.header("location")
            if not loc:
                return out
            nxt = urljoin(cap.url, loc.strip())
            if nxt in seen:
                out.hops.append(self._error(nxt, url, "redirect_loop", "redirect loop"))
                return out
            seen.add(nxt)
            try:
                check_url(nxt, self.registry)
            except UnsafeTarget as e:
                # Not followed: the Location is archived in the 3xx record; replay reads the same.
                cap.detail = f"redirect not followed: {e.code}"
                return out
            current = nxt
        out.hops.append(self._error(current, url, "too_many_redirects", f"more than {self.policy.max_redirects}"))
        return out

    # -------------------------------------------------------------------- one hop
    def _error(self, url: str, listing_url: str, code: str, detail: str) -> Capture:
        when = self.clock()
        rid, path = ("", "")
        if self.archive is not None:
            rid, p = self.archive.write_error(url=url, captured_at=when, error=code, detail=detail,
                                              listing_url=listing_url)
            path = str(p)
        return Capture(url=url, captured_at=when, record_id=rid, file=path, error=code, detail=detail,
                       listing_url=listing_url)

    def _hop(self, url: str, *, listing_url: str, country: str | None, robots: bool = True) -> Capture:
        try:
            n, host, _platform = check_url(url, self.registry)
        except UnsafeTarget as e:
            return self._error(url, listing_url, e.code, e.detail)
        if robots and self.policy.respect_robots and not self._robots_allow(n, host, country):
            if self._robots.get(host) is None:
                return self._error(n, listing_url, "robots_unavailable", "robots.txt could not be read (5xx/error)")
            return self._error(n, listing_url, "robots_disallowed", "robots.txt disallows this URL")
        try:
            res = resolve_public(host, self.resolver)
        except UnsafeTarget as e:
            return self._error(n, listing_url, e.code, e.detail)
        self._wait_turn(host)
        parts = urlsplit(n)
        wire_url = urlunsplit(("http", parts.netloc, parts.path, parts.query, "")) if _route_port() is not None else n
        headers = {"User-Agent": USER_AGENT,
                   "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                   "Accept-Language": ACCEPT_LANGUAGE.get((country or "").upper(), "en;q=0.9"),
                   "Accept-Encoding": "gzip, deflate", "Upgrade-Insecure-Requests": "1", "Connection": "close"}
        start = time.monotonic()
        when = self.clock()
        timeout = httpx.Timeout(connect=self.policy.connect_timeout_s, read=self.policy.read_timeout_s,
                                write=self.policy.read_timeout_s, pool=self.policy.connect_timeout_s)
        # The transport directly, not a Client: no redirect handling, cookies, proxies or env settings.
        req = httpx.Request("GET", wire_url, headers=headers, extensions={"timeout": timeout.as_dict()})
        try:
            with _transport(host, res.address) as transport:
                self.requests += 1
                r = transport.handle_request(req)
                try:
                    raw = bytearray()
                    truncated = False
                    for chunk in r.iter_raw():
                        raw += chunk
                        if len(raw) > self.policy.max_body_bytes:
                            del raw[self.policy.max_body_bytes:]
                            truncated = True
                            break
                        if time.monotonic() - start > self.policy.total_timeout_s:
                            raise httpx.ReadTimeout("total time limit reached")
                    status, reason = r.status_code, r.reason_phrase
                    resp_headers = [(k, v) for k, v in r.headers.multi_items()]
                    req_headers = [(k, v) for k, v in req.headers.multi_items()]
                finally:
                    r.close()
        except httpx.TimeoutException as e:
            return self._error(n, listing_url, "timeout", str(e) or type(e).__name__)
        except (httpx.HTTPError, httpcore.ConnectError, OSError) as e:
            return self._error(n, listing_url, "connect_error", f"{type(e).__name__}: {e}")
        body = bytes(raw)
        rid, path = "", ""
        if self.archive is not None:
            rid, p = self.archive.write_exchange(url=n, captured_at=when, request_headers=req_headers, status=status,
                                                 reason=reason, response_headers=resp_headers, body=body,
                                                 ip=res.address, listing_url=listing_url, truncated=truncated)
            path = str(p)
        enc = next((v for k, v in resp_headers if k.lower() == "content-encoding"), None)
        decoded = decode_content(body, enc, self.policy.max_decoded_bytes)
        hdrs = [(k, v) for k, v in resp_headers if k.lower() != "content-encoding"]
        return Capture(url=n, captured_at=when, record_id=rid, file=path, status=status, headers=hdrs,
                       body=decoded, listing_url=listing_url, ip=res.address, truncated=truncated)

    def _wait_turn(self, host: str) -> None:
        rp = self._robots.get(host)
        try:
            crawl_delay = float(rp.crawl_delay(UA_TOKEN) or 0) if rp is not None else 0.0
        except (TypeError, ValueError):
            crawl_delay = 0.0
        gap = max(self.policy.min_interval_s, min(crawl_delay, 120.0))  # honour Crawl-delay, within reason
        with self._lock:
            last = self._last.get(host)
            now = time.monotonic()
            wait = 0.0 if last is None else max(0.0, last + gap - now)
            self._last[host] = now + wait
        if wait > 0:
            self.sleep(wait)

    def _robots_allow(self, url: str, host: str, country: str | None) -> bool:
        if host not in self._robots:
            scheme = urlsplit(url).scheme
            robots_url = f"{scheme}://{host}/robots.txt"
            cap = self._hop(robots_url, listing_url=robots_url, country=country, robots=False)
            rp: RobotFileParser | None = RobotFileParser()
            if cap.status is not None and 200 <= cap.status < 300:
                rp.parse(cap.body.decode("utf-8", "replace").splitlines())
            elif cap.status is not None and 400 <= cap.status < 500:
                rp.allow_all = True  # RFC 9309: no robots.txt → everything allowed
            else:
                rp = None  # unreachable or 5xx: treat as "disallow" for this run
            self._robots[host] = rp
        rp = self._robots[host]
        return rp is not None and rp.can_fetch(UA_TOKEN, url)


def is_challenge_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in M.CHALLENGE_HOSTS)


def normalized(url: str) -> str:
    try:
        return normalize_url(url)
    except UnsafeTarget:
        return url.strip()
