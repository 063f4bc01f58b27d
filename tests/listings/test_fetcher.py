"""The fetcher against a loopback fixture server, under the socket guard: what it reaches, what it archives."""
from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
from warcio.archiveiterator import ArchiveIterator

from originproof.evidence.listings.archive import WarcArchive, read_captures
from originproof.evidence.listings.fetcher import FetchPolicy, ListingFetcher, _route_port, loopback_fixture_route
from originproof.evidence.listings.observe import observation_from_chain
from originproof.registry import default_registry
from originproof.samples.listings import (ListingSpec, captcha_response, product_response, redirect,
                                          server_error_response)

from listings_support import PUBLIC_IP, FakeResolver

SPEC = ListingSpec(platform="amazon", lang="ja", brand="Hadaluna", title="ハダルナ 3D保湿フェイスマスク 4枚入", price="1280",
                   currency="JPY", gtin="4901234567894", sku="B0C12345XY", seller="Hadaluna Official")
URL = "https://www.amazon.co.jp/dp/B0C12345XY"


def make(tmp_path, resolver=None, clock=None, **pol):
    policy = FetchPolicy(**{"min_interval_s": 0, "connect_timeout_s": 2, "read_timeout_s": 2, "total_timeout_s": 5,
                            **pol})
    return ListingFetcher(default_registry(), WarcArchive(tmp_path / "warc"), resolver=resolver or FakeResolver(),
                          policy=policy, clock=clock)


def test_live_page_is_fetched_pinned_and_archived(tmp_path, site, port, socket_guard, clock):
    site.set(URL, product_response(SPEC))
    res = FakeResolver()
    f = make(tmp_path, res, clock)
    with loopback_fixture_route(port):
        out = f.fetch(URL, country="JP")
    assert socket_guard.foreign == []
    assert ("www.amazon.co.jp", "/dp/B0C12345XY") in site.hits and ("www.amazon.co.jp", "/robots.txt") in site.hits
    assert res.calls == ["www.amazon.co.jp", "www.amazon.co.jp"]  # robots hop + page hop, one lookup each
    o = observation_from_chain(URL, out.hops, default_registry())
    assert o.state == "live" and o.brand == "Hadaluna" and o.availability == "in_stock" and o.price == "1280"
    # The archive is the evidence: request/response pairs with the capture time and the address used.
    caps = read_captures(f.archive.files())
    page = [c for c in caps if c.url == URL]
    assert len(page) == 1 and page[0].captured_at == clock.now and page[0].ip == PUBLIC_IP and page[0].status == 200
    assert page[0].record_id == o.warc_record_id and b"productTitle" in page[0].body
    with open(f.archive.files()[0], "rb") as fh:
        types = [r.rec_type for r in ArchiveIterator(fh)]
    assert types.count("request") == types.count("response") == 2


def test_hook_is_off_by_default_and_then_connects_to_the_resolved_public_address_only(tmp_path, site, socket_guard):
    assert _route_port() is None
    site.set(URL, product_response(SPEC))
    f = make(tmp_path, FakeResolver(), respect_robots=False)
    out = f.fetch(URL)
    # Without the test hook the fetcher dials the checked address on 443 — which the guard refuses here.
    assert socket_guard.refused and all(a[1] == (PUBLIC_IP, 443) for a in socket_guard.refused
                                        if a[0] in ("connect", "create_connection"))
    assert out.hops[-1].error == "connect_error" and site.hits == []


def test_hook_cannot_be_switched_on_from_the_environment(monkeypatch):
    for k in ("ORIGINPROOF_FIXTURE_PORT", "ORIGINPROOF_LOOPBACK", "ORIGINPROOF_TEST_ROUTE"):
        monkeypatch.setenv(k, "1")
    import importlib

    import originproof.evidence.listings.fetcher as mod
    importlib.reload(mod)
    assert mod._route_port() is None


@pytest.mark.parametrize("answer", [["127.0.0.1"], ["10.0.0.8"], ["169.254.169.254"], ["::1"], ["::ffff:127.0.0.1"],
                                    ["::ffff:a00:1"], ["100.64.0.9"], ["fd00:ec2::254"], [PUBLIC_IP, "192.168.0.2"]])
def test_dns_answers_to_private_addresses_are_never_connected(tmp_path, site, port, socket_guard, answer):
    site.set(URL, product_response(SPEC))
    f = make(tmp_path, FakeResolver({"www.amazon.co.jp": answer}))
    with loopback_fixture_route(port):
        out = f.fetch(URL)
    assert socket_guard.attempts == [] and site.hits == []
    assert out.hops[-1].error in ("non_public_address", "robots_unavailable")
    assert f.requests == 0


@pytest.mark.parametrize("location", [
    "http://127.0.0.1/admin", "http://169.254.169.254/latest/meta-data/", "http://2130706433/", "http://0177.0.0.1/",
    "http://0x7f.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://10.0.0.1/", "http://localhost:8080/",
    "https://evil.example.com/phish", "https://www.amazon.co.jp.evil.example/dp/B0C12345XY",
    "https://user@www.amazon.co.jp/dp/B0C12345XY",
])
def test_redirects_off_the_registry_are_not_followed(tmp_path, site, port, socket_guard, location):
    site.set(URL, redirect(location, 302))
    f = make(tmp_path)
    with loopback_fixture_route(port):
        out = f.fetch(URL)
    assert socket_guard.foreign == []
    assert {h for h, _ in site.hits} == {"www.amazon.co.jp"}
    assert len(out.hops) == 1 and out.hops[0].status == 302
    o = observation_from_chain(URL, out.hops, default_registry())
    assert o.state in ("not_product", "error") and o.state != "live"


def test_redirect_to_a_registry_host_that_resolves_privately_is_refused(tmp_path, site, port, socket_guard):
    site.set(URL, redirect("https://www.walmart.com/ip/123", 301))
    res = FakeResolver({"www.walmart.com": ["10.0.0.5"]})
    f = make(tmp_path, res)
    with loopback_fixture_route(port):
        out = f.fetch(URL)
    assert socket_guard.foreign == [] and all(h == "www.amazon.co.jp" for h, _ in site.hits)
    assert out.hops[-1].error in ("non_public_address", "robots_unavailable")
    assert observation_from_chain(URL, out.hops, default_registry()).state == "error"


def test_dns_rebinding_cannot_reach_a_private_address(tmp_path, site, port, socket_guard):
    answers = iter([[PUBLIC_IP], ["127.0.0.1"], ["127.0.0.1"]])
    site.set(URL, product_response(SPEC))
    f = make(tmp_path, FakeResolver({"www.amazon.co.jp": lambda: next(answers)}))
    with loopback_fixture_route(port):
        out = f.fetch(URL)
    assert socket_guard.foreign == []
    assert out.hops[-1].error == "non_public_address" and ("www.amazon.co.jp", "/dp/B0C12345XY") not in site.hits


def test_same_platform_redirect_is_followed_and_host_header_kept(tmp_path, site, port, socket_guard):
    site.set("https://amazon.co.jp/dp/B0C12345XY", redirect(URL, 301))
    site.set(URL, product_response(SPEC))
    f = make(tmp_path)
    with loopback_fixture_route(port):
        out = f.fetch("https://amazon.co.jp/dp/B0C12345XY")
    assert socket_guard.foreign == []
    assert [h.status for h in out.hops] == [301, 200]
    assert ("amazon.co.jp", "/dp/B0C12345XY") in site.hits and ("www.amazon.co.jp", "/dp/B0C12345XY") in site.hits
    assert observation_from_chain(out.url, out.hops, default_registry()).state == "live"


def test_robots_disallow_is_respected(tmp_path, site, port, socket_guard):
    site.robots["www.amazon.co.jp"] = "User-agent: *\nDisallow: /dp/\n"
    site.set(URL, product_response(SPEC))
    f = make(tmp_path)
    with loopback_fixture_route(port):
        out = f.fetch(URL)
    assert ("www.amazon.co.jp", "/dp/B0C12345XY") not in site.hits
    o = observation_from_chain(URL, out.hops, default_registry())
    assert out.hops[-1].error == "robots_disallowed" and o.state == "blocked"


def test_timeout_error_and_block_pages_are_archived_too(tmp_path, site, port, socket_guard, clock):
    slow = "https://www.amazon.co.jp/dp/B0SLOW0000"
    site.set(slow, product_response(SPEC))
    site.delay[("www.amazon.co.jp", "/dp/B0SLOW0000")] = 3.0
    site.set("https://www.amazon.co.jp/dp/B0CAPTCHA0", captcha_response(SPEC))
    site.set("https://www.amazon.co.jp/dp/B05XX00000", server_error_response())
    f = make(tmp_path, clock=clock, read_timeout_s=0.5)
    with loopback_fixture_route(port):
        outs = {u: f.fetch(u) for u in (slow, "https://www.amazon.co.jp/dp/B0CAPTCHA0",
                                        "https://www.amazon.co.jp/dp/B05XX00000")}
    reg = default_registry()
    states = {u: observation_from_chain(u, o.hops, reg).state for u, o in outs.items()}
    assert states == {slow: "error", "https://www.amazon.co.jp/dp/B0CAPTCHA0": "blocked",
                      "https://www.amazon.co.jp/dp/B05XX00000": "error"}
    caps = read_captures(f.archive.files())
    kinds = {c.url: (c.error or c.status) for c in caps if "/dp/" in c.url}
    assert kinds == {slow: "timeout", "https://www.amazon.co.jp/dp/B0CAPTCHA0": 200,
                     "https://www.amazon.co.jp/dp/B05XX00000": 503}


def test_body_cap_and_gzip_bomb(tmp_path, site, port, socket_guard):
    big = b"<html><body>" + b"<p>x</p>" * 400_000 + b"</body></html>"
    site.set("https://www.amazon.co.jp/dp/B0BIG00000", (200, [("Content-Type", "text/html")], big))
    bomb = gzip.compress(b"<html>" + b" " * 50_000_000)
    site.set("https://www.amazon.co.jp/dp/B0BOMB0000", (200, [("Content-Type", "text/html"),
                                                              ("Content-Encoding", "gzip")], bomb))
    site.compress = False
    f = make(tmp_path, max_body_bytes=1_000_000, max_decoded_bytes=2_000_000)
    with loopback_fixture_route(port):
        a = f.fetch("https://www.amazon.co.jp/dp/B0BIG00000")
        b = f.fetch("https://www.amazon.co.jp/dp/B0BOMB0000")
    assert a.hops[-1].truncated and len(a.hops[-1].body) <= 1_000_000
    assert len(b.hops[-1].body) <= 2_000_000


def test_per_host_rate_limit_waits(tmp_path, site, port, socket_guard):
    site.set(URL, product_response(SPEC))
    waits: list[float] = []
    f = ListingFetcher(default_registry(), WarcArchive(tmp_path / "w"), resolver=FakeResolver(),
                       policy=FetchPolicy(min_interval_s=30), sleep=waits.append)
    with loopback_fixture_route(port):
        f.fetch(URL)
        f.fetch(URL)
    assert len(waits) >= 2 and all(w > 20 for w in waits)  # robots, page, page: every later request waits


def test_capture_times_follow_the_clock(tmp_path, site, port, socket_guard, clock):
    site.set(URL, product_response(SPEC))
    f = make(tmp_path, clock=clock)
    with loopback_fixture_route(port):
        f.fetch(URL)
        clock.now += timedelta(days=3)
        f.fetch(URL)
    times = sorted(c.captured_at for c in read_captures(f.archive.files()) if c.url == URL)
    assert times[1] - times[0] == timedelta(days=3)


def test_pinned_connection_refuses_any_other_name_or_a_private_pin(socket_guard):
    """Even if URL parsers disagreed, the socket layer connects only the checked name to its checked address."""
    import httpcore

    from originproof.evidence.listings.fetcher import _PinnedBackend
    with pytest.raises(httpcore.ConnectError):
        _PinnedBackend("www.amazon.co.jp", PUBLIC_IP).connect_tcp("evil.example", 443)
    with pytest.raises(httpcore.ConnectError):
        _PinnedBackend("www.amazon.co.jp", "10.0.0.1").connect_tcp("www.amazon.co.jp", 443)
    assert socket_guard.attempts == []


def test_live_reader_appends_to_the_archive_and_judges_the_whole_history(tmp_path, site, port, socket_guard, clock):
    from originproof.evidence.listings import read_listing
    from originproof.evidence.readers import ReadContext
    from originproof.policy import load_policy

    site.set(URL, product_response(SPEC))
    f = make(tmp_path, clock=clock)
    ctx = ReadContext(registry=default_registry(), policy=load_policy(None), origin_country="JP",
                      evaluated_at=clock.now + timedelta(days=30), allow_network=True,
                      extra={"listing_fetcher": f, "warc_dir": tmp_path / "warc"})
    with loopback_fixture_route(port):
        for _ in range(3):
            lf = read_listing(URL, ctx)
            clock.now += timedelta(days=7)
    assert socket_guard.foreign == []
    assert lf.observed and [o.state for o in lf.observations] == ["live"] * 3
    assert lf.get("availability") == "in_stock" and lf.get("brand") == "Hadaluna"
    # Not allowed to fetch, no archive given: nothing is fetched, and the reason is stated.
    quiet = ReadContext(registry=default_registry(), policy=load_policy(None))
    n = len(site.hits)
    lf = read_listing(URL, quiet)
    assert not lf.observed and "not observed" in lf.notes[0] and len(site.hits) == n


def test_robots_crawl_delay_is_honoured(tmp_path, site, port, socket_guard):
    site.robots["www.amazon.co.jp"] = "User-agent: *\nCrawl-delay: 45\nDisallow: /cart\n"
    site.set(URL, product_response(SPEC))
    waits: list[float] = []
    f = ListingFetcher(default_registry(), WarcArchive(tmp_path / "w"), resolver=FakeResolver(),
                       policy=FetchPolicy(min_interval_s=0), sleep=waits.append)
    with loopback_fixture_route(port):
        f.fetch(URL)
        f.fetch(URL)
    assert waits and all(w > 40 for w in waits)
