"""Where a webhook may go: https to a public address; plain http and non-public addresses only inside
a network the operator trusts. No packet leaves: names come from a table, literals need no DNS."""
from __future__ import annotations

import pytest

from originproof.config import Settings
from originproof.webhooks.targets import Targets, WebhookError, parse_networks

NAMES = {"hooks.integrator.example": ["93.184.215.14"], "intranet.integrator.example": ["10.20.1.5"],
         "split.integrator.example": ["93.184.215.14", "127.0.0.1"], "meta.integrator.example": ["169.254.169.254"],
         "v6.integrator.example": ["2606:4700:4700::1111"]}


def table(host: str) -> list[str]:
    if host in NAMES:
        return NAMES[host]
    from originproof.net.addresses import system_resolver
    return system_resolver(host)  # only IP literals get here (getaddrinfo reads them without DNS)


PUBLIC_ONLY = Targets(resolver=table)
LOOPBACK_TRUSTED = Targets(trusted=parse_networks("127.0.0.0/8"), resolver=table)


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/h", "https://127.0.0.1:8443/h", "https://[::1]/h", "https://10.0.0.1/h", "https://172.16.0.9/h",
    "https://192.168.1.1/h", "https://169.254.169.254/latest/meta-data/", "https://[fe80::1]/h", "https://[fc00::1]/h",
    "https://224.0.0.1/h", "https://0.0.0.0/h", "https://100.64.0.1/h", "https://[::ffff:127.0.0.1]/h",
    "https://2130706433/h", "https://0x7f.1/h", "https://intranet.integrator.example/h",
    "https://split.integrator.example/h",  # one answer of two is loopback: a rebinding setup
    "http://hooks.integrator.example/h",  # public, but plain http
    "ftp://hooks.integrator.example/h", "file:///etc/passwd", "gopher://hooks.integrator.example/",
    "https://user:pw@hooks.integrator.example/h", "https://hooks.integrator.example:99999/h", "https:///h",
])
def test_refused_by_default(url):
    with pytest.raises(WebhookError) as e:
        PUBLIC_ONLY.vet(url)
    assert e.value.code == "webhook_target_refused" and e.value.en and e.value.zh


@pytest.mark.parametrize("url", ["https://hooks.integrator.example/h", "https://hooks.integrator.example:8443/h?x=1",
                                 "https://v6.integrator.example/h"])
def test_https_to_a_public_address_is_accepted(url):
    d = PUBLIC_ONLY.vet(url)
    assert d.address in NAMES[d.host]


def test_a_trusted_network_admits_its_addresses_and_plain_http_only_there():
    assert LOOPBACK_TRUSTED.vet("http://127.0.0.1:9/h").address == "127.0.0.1"
    assert LOOPBACK_TRUSTED.vet("https://127.0.0.1:9/h").address == "127.0.0.1"
    for url in ("http://hooks.integrator.example/h",  # http to the public Internet: still refused
                "http://split.integrator.example/h",  # one answer outside the trusted network
                "https://10.0.0.1/h", "https://[::1]/h"):  # not in 127.0.0.0/8
        with pytest.raises(WebhookError):
            LOOPBACK_TRUSTED.vet(url)


def test_the_metadata_address_is_refused_even_inside_a_trusted_network():
    everything = Targets(trusted=parse_networks("0.0.0.0/0, ::/0"), resolver=table)
    assert everything.vet("http://10.0.0.1/h").address == "10.0.0.1"
    with pytest.raises(WebhookError):
        everything.vet("http://meta.integrator.example/h")


def test_trusted_networks_come_from_the_operator_setting():
    t = Targets.from_settings(Settings(webhook_trusted_networks="127.0.0.0/8, 10.20.0.0/16"))
    assert t.trusts("10.20.1.5") and t.trusts("127.0.0.1") and not t.trusts("10.21.0.1")
    assert Targets.from_settings(Settings()).trusted == ()
    with pytest.raises(ValueError, match="WEBHOOK_TRUSTED_NETWORKS"):
        parse_networks("10.0.0.0/33")
