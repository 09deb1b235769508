"""Redirect hops: targets resolved and checked, loops and over-long chains refused."""

from __future__ import annotations

import pytest
from newsingest.crawl.redirects import RedirectChain, RedirectFailure, is_redirect


def test_is_redirect_needs_a_3xx_other_than_304_and_a_location() -> None:
    assert is_redirect(301, "/x") and is_redirect(308, "https://ex.com/")
    assert not is_redirect(304, "/x") and not is_redirect(302, None) and not is_redirect(200, "/x")
    assert not is_redirect(None, "/x")


def test_relative_targets_resolve_and_hops_are_recorded() -> None:
    chain = RedirectChain(max_redirects=5)
    chain.enter("https://ex.com/a")
    assert chain.follow("https://ex.com/a", " /b?utm_source=x ") == "https://ex.com/b?utm_source=x"
    assert chain.hops == ["https://ex.com/a"]


@pytest.mark.parametrize("location", ["ftp://ex.com/file", "http://[bad/x", "http:///nohost"])
def test_unsupported_targets_are_bad_redirects(location: str) -> None:
    chain = RedirectChain(max_redirects=5)
    chain.enter("https://ex.com/a")
    with pytest.raises(RedirectFailure) as info:
        chain.follow("https://ex.com/a", location)
    assert info.value.error_class == "bad_redirect" and chain.hops == []


def test_a_loop_is_found_by_canonical_url() -> None:
    chain = RedirectChain(max_redirects=5)
    chain.enter("https://ex.com/a")
    chain.enter(chain.follow("https://ex.com/a", "/b"))
    with pytest.raises(RedirectFailure, match="redirect loop") as info:
        chain.follow("https://ex.com/b", "https://EX.com:443/a#frag")
    assert info.value.error_class == "redirect_loop"


def test_too_many_redirects_names_where_it_pointed() -> None:
    chain = RedirectChain(max_redirects=2)
    current = "https://ex.com/0"
    chain.enter(current)
    for n in (1, 2):
        current = chain.follow(current, f"/{n}")
        chain.enter(current)
    with pytest.raises(RedirectFailure) as info:
        chain.follow(current, "/3")
    assert info.value.error_class == "too_many_redirects" and info.value.url == "https://ex.com/3"
    assert chain.hops == ["https://ex.com/0", "https://ex.com/1", "https://ex.com/2"]
