"""URL checks: only registry platform hosts, by name (address checks: tests/net/test_addresses.py)."""
from __future__ import annotations

import pytest

from originproof.evidence.listings.netguard import check_url, looks_like_ip_literal, normalize_url, url_key
from originproof.net.addresses import UnsafeTarget
from originproof.registry import default_registry


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
