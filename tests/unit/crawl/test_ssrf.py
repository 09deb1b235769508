"""Which addresses the SSRF guard refuses."""

from __future__ import annotations

import asyncio

import pytest
from newsingest.crawl.ssrf import SSRFBlocked, check_host, forbidden_reason


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("100.100.100.200", "cloud metadata"),
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00::1", "unique-local"),
        ("fd00:ec2::254", "cloud metadata"),
        ("::ffff:127.0.0.1", "IPv6-embedded loopback"),
        ("::ffff:169.254.169.254", "IPv6-embedded cloud metadata"),
        ("::ffff:10.0.0.1", "IPv6-embedded private"),
        ("64:ff9b::a9fe:a9fe", "IPv6-embedded cloud metadata"),  # NAT64
        ("2002:7f00:1::", "IPv6-embedded loopback"),  # 6to4
        ("::127.0.0.1", "IPv6-embedded loopback"),  # IPv4-compatible
    ],
)
def test_forbidden(address: str, reason: str) -> None:
    assert forbidden_reason(address) == reason


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert forbidden_reason(address) is None


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "2130706433"])
def test_check_host_resolves_before_judging(host: str) -> None:
    with pytest.raises(SSRFBlocked, match="loopback"):
        asyncio.run(check_host(host, 80))
