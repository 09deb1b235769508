"""Canonical URLs and document ids."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls
from newsingest.web.urls import (
    URLError,
    canonicalize,
    doc_id,
    host_key,
    resolve_canonical,
    site_of,
    trusted_canonical,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM:80/a/b?b=2&a=1#frag", "http://example.com/a/b?a=1&b=2"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        (
            "https://ex.com/p?utm_source=tw&utm_medium=s&id=7&fbclid=abc&gclid=z&mc_cid=1",
            "https://ex.com/p?id=7",
        ),
        ("https://ex.com/a/./b/../c//d/", "https://ex.com/a/c/d/"),
        ("https://ex.com/caf%c3%a9?q=a+b", "https://ex.com/caf%C3%A9?q=a%20b"),
        ("https://ex.com/café", "https://ex.com/caf%C3%A9"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://EX.com./x?", "https://ex.com/x"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonicalize_examples(raw: str, expected: str) -> None:
    assert canonicalize(raw) == expected


@pytest.mark.parametrize(
    "bad", ["ftp://ex.com/x", "/relative/path", "mailto:a@b.c", "http:///nohost", "http://h:99999/"]
)
def test_canonicalize_rejects_non_http(bad: str) -> None:
    with pytest.raises(URLError, match="URL"):
        canonicalize(bad)


def test_doc_id_is_stable_sha256() -> None:
    url = canonicalize("https://Example.com/a?utm_source=x")
    assert doc_id(url) == doc_id("https://example.com/a")
    assert len(doc_id(url)) == 64 and int(doc_id(url), 16) >= 0
    assert doc_id("https://example.com/a") != doc_id("https://example.com/b")


def test_resolve_canonical_uses_declared_and_falls_back() -> None:
    page = "https://ex.com/story?utm_source=x"
    assert resolve_canonical(page, "/news/story-1#top") == "https://ex.com/news/story-1"
    assert resolve_canonical(page, "https://EX.com/amp/../story") == "https://ex.com/story"
    assert resolve_canonical(page, "javascript:void(0)") == "https://ex.com/story"
    assert resolve_canonical(page, None) == "https://ex.com/story"


def test_host_key_fills_default_ports() -> None:
    assert host_key("https://Ex.com/a") == "ex.com:443"
    assert host_key("http://ex.com:8080/") == "ex.com:8080"


@settings(max_examples=200, deadline=None)
@given(urls())
def test_canonicalize_is_idempotent(url: str) -> None:
    once = canonicalize(url)
    assert canonicalize(once) == once
    assert "#" not in once
    assert once.split("://", 1)[0] in ("http", "https")


_param = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_param, st.text(alphabet="abc123-", max_size=5)), max_size=6),
    st.sampled_from(["utm_source", "utm_campaign", "fbclid", "gclid", "mc_cid", "mc_eid"]),
)
def test_query_order_and_tracking_do_not_matter(pairs: list[tuple[str, str]], tracker: str) -> None:
    base = "https://news.example/story"
    plain = canonicalize(f"{base}?{urlencode(pairs)}")
    shuffled = canonicalize(f"{base}?{urlencode([*reversed(pairs), (tracker, 'x')])}")
    assert plain == shuffled
    assert tracker not in {k for k, _ in parse_qsl(shuffled.partition("?")[2])}


@pytest.mark.parametrize(
    "bad",
    [
        "https://../b/",  # a host of only dots used to canonicalise to "https:///b/"
        "http://./x",
        "https://.../",
        "http://0177.0.0.1/",  # octal: 127.0.0.1 to inet_aton and browsers, an invalid URL to httpx
        "http://01.2.3.4/",
        "http://256.0.0.1/",
        "http://1.2.3.0400:8080/",
    ],
)
def test_hosts_without_one_meaning_are_rejected(bad: str) -> None:
    with pytest.raises(URLError, match="host"):
        canonicalize(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://127.0.0.1:8765/a", "http://127.0.0.1:8765/a"),
        ("http://1.2.3.4./x", "http://1.2.3.4/x"),
        ("https://a1.example.com2/x", "https://a1.example.com2/x"),
        ("https://123.example/x", "https://123.example/x"),
        # Other numeric spellings are hostnames to httpx; the SSRF guard checks what they resolve to.
        ("http://127.1/x", "http://127.1/x"),
        ("http://0x7f.0.0.1/x", "http://0x7f.0.0.1/x"),
        ("http://2130706433/x", "http://2130706433/x"),
    ],
)
def test_dotted_quads_and_digit_names_are_kept(raw: str, expected: str) -> None:
    assert canonicalize(raw) == expected == canonicalize(expected)


@pytest.mark.parametrize(
    ("page", "claimed", "declared", "trusted"),
    [
        ("https://www.example.co.uk/a", "https://example.co.uk/story", (), True),  # same registered domain
        ("https://news.example.co.uk/a", "https://amp.example.co.uk/a", (), True),
        ("https://copycat.com/a", "https://www.example.co.uk/story", (), False),  # another site's id
        ("https://example.co.uk/a", "https://other.co.uk/a", (), False),  # co.uk is a public suffix
        ("https://m.example-mobile.com/a", "https://www.example.com/a", ("example.com",), True),
        ("https://m.example-mobile.com/a", "https://www.example.com/a", ("https://www.example.com/",), True),
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8001/b", (), True),  # IP hosts: host and port
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a", (), False),
    ],
)
def test_trusted_canonical(page: str, claimed: str | None, declared: tuple[str, ...], trusted: bool) -> None:
    assert (trusted_canonical(page, claimed, declared) == claimed) is trusted
    assert (trusted_canonical(page, claimed, declared) is None) is not trusted


def test_no_claim_is_no_canonical() -> None:
    assert trusted_canonical("https://example.org/a", None) is None


def test_site_of() -> None:
    assert site_of("https://news.bbc.co.uk/x") == site_of("https://www.bbc.co.uk/") == "bbc.co.uk"
    assert site_of("http://localhost:8765/x") == "localhost:8765"
