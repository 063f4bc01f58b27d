"""URL and address checks: only registry platform hosts, only public unicast addresses."""
from __future__ import annotations

import pytest

from originproof.evidence.listings.netguard import (UnsafeTarget, check_url, is_public_address,
                                                    looks_like_ip_literal, normalize_url, resolve_public, url_key)
from originproof.registry import default_registry


@pytest.mark.parametrize("addr", [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.1.2", "172.16.5.4", "192.168.1.1", "169.254.169.254",
    "169.254.1.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1",
    "255.255.255.255", "192.0.2.10", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:93.184.215.14", "::127.0.0.1",
    "2002:7f00:1::1", "2002:5db8:d70e::1", "64:ff9b::7f00:1", "64:ff9b::5db8:d70e", "2001:0:4136:e378::1",
    "fec0::1", "ff02::1", "100.100.100.200", "not-an-ip", "", "2130706433", "0177.0.0.1", "0x7f.0.0.1",
    "127.1", "fe80::1%eth0",
])
def test_non_public_addresses_are_refused(addr):
    assert is_public_address(addr) is False


@pytest.mark.parametrize("addr", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001:82a::200e"])
def test_public_addresses_pass(addr):
    assert is_public_address(addr) is True


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1",
                                  "017700000001", "[::1]", "::ffff:127.0.0.1", "10.1", "shop.0x7f", "1.2.3.4."])
def test_ip_literals_in_any_form_are_recognised(host):
    assert looks_like_ip_literal(host)


@pytest.mark.parametrize("host", ["www.amazon.co.jp", "item.rakuten.co.jp", "www.11st.co.kr", "0x.example.com"])
def test_names_are_not_ip_literals(host):
    assert not looks_like_ip_literal(host)


@pytest.mark.parametrize("url,code", [
    ("http://127.0.0.1/dp/B000000000", "ip_literal"),
    ("http://2130706433/", "ip_literal"),
    ("http://0177.0.0.1/", "ip_literal"),
    ("http://0x7f.1/", "ip_literal"),
    ("http://[::1]/", "ip_literal"),
    ("http://[::ffff:127.0.0.1]/", "ip_literal"),
    ("http://169.254.169.254/latest/meta-data/", "ip_literal"),
    ("https://user:pw@www.amazon.co.jp/dp/B000000000", "userinfo"),
    ("https://www.amazon.co.jp@127.0.0.1/", "userinfo"),
    ("https://www.amazon.co.jp:8080/dp/B000000000", "bad_port"),
    ("ftp://www.amazon.co.jp/", "bad_scheme"),
    ("file:///etc/passwd", "bad_scheme"),
    ("https://www.amazon.co.jp.evil.example/dp/B000000000", "not_platform"),
    ("https://evil.example/?u=www.amazon.co.jp", "not_platform"),
    ("https://localhost/", "not_platform"),
    ("https://www.amazon.co.jp/\r\nHost: x", "bad_url"),
])
def test_check_url_refuses(url, code):
    with pytest.raises(UnsafeTarget) as e:
        check_url(url, default_registry())
    assert e.value.code == code


def test_check_url_accepts_registry_host_and_normalises():
    n, host, p = check_url("HTTPS://WWW.Amazon.CO.JP:443/dp/B0C12345XY#reviews", default_registry())
    assert n == "https://www.amazon.co.jp/dp/B0C12345XY" and host == "www.amazon.co.jp" and p.id == "jp_amazon"
    assert url_key("https://item.rakuten.co.jp/shop/1/") == url_key("http://item.rakuten.co.jp/shop/1")
    assert normalize_url("https://www.coupang.com/vp/products/1?itemId=2") == "https://www.coupang.com/vp/products/1?itemId=2"


@pytest.mark.parametrize("answers", [["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"], ["::1"], ["::ffff:127.0.0.1"],
                                     ["93.184.215.14", "10.0.0.7"], ["100.64.1.1"], []])
def test_resolution_refused_when_any_answer_is_not_public(answers):
    with pytest.raises(UnsafeTarget):
        resolve_public("www.amazon.co.jp", lambda h: answers)


def test_resolution_picks_a_checked_public_address():
    r = resolve_public("www.amazon.co.jp", lambda h: ["2606:4700::1", "93.184.215.14"])
    assert r.address == "93.184.215.14"
