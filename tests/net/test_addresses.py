"""Address checks shared by listing fetches and webhook deliveries: only public unicast addresses,
and a DNS answer refused whole when any of its addresses is not allowed."""
from __future__ import annotations

import pytest

from originproof.net.addresses import UnsafeTarget, is_public_address, resolve_public


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


@pytest.mark.parametrize("answers", [["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"], ["::1"], ["::ffff:127.0.0.1"],
                                     ["93.184.215.14", "10.0.0.7"], ["100.64.1.1"], []])
def test_resolution_refused_when_any_answer_is_not_public(answers):
    with pytest.raises(UnsafeTarget):
        resolve_public("receiver.example", lambda h: answers)


def test_resolution_picks_a_checked_public_address():
    r = resolve_public("receiver.example", lambda h: ["2606:4700::1", "93.184.215.14"])
    assert r.address == "93.184.215.14"
