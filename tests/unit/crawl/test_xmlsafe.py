"""newsingest.crawl.xmlsafe through both XML parsers: attacks are refused, garbage never hangs."""

from __future__ import annotations

import time

import pytest
from newsingest.crawl.feeds import FeedError, parse_feed
from newsingest.crawl.sitemaps import SitemapError, parse_sitemap
from newsingest.crawl.xmlsafe import XMLRefused

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><item><title>&lol9;</title><link>https://ex.com/x</link></item></channel></rss>"""


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://ex.com/&xxe;</loc></url></urlset>"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE])
def test_xml_attacks_are_refused(doc: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(XMLRefused):
        parse_feed(doc, source="s", feed_url="https://ex.com/f")
    with pytest.raises(XMLRefused):
        parse_sitemap(doc, source="s", sitemap_url="https://ex.com/s.xml")
    assert time.monotonic() - started < 10.0  # refused before parsing; generous for a loaded machine


@pytest.mark.parametrize(
    "garbage",
    [b"\x00\xff" * 50_000, b"<" * 200_000, b"<rss><channel><item>" * 60_000, b""],
    ids=["binary", "angles", "nested-unclosed", "empty"],
)
def test_garbage_does_not_hang(garbage: bytes) -> None:
    started = time.monotonic()
    try:
        items = parse_feed(garbage, source="s", feed_url="https://ex.com/f")
    except FeedError:
        items = []
    assert items == []
    with pytest.raises(SitemapError):
        parse_sitemap(garbage, source="s", sitemap_url="https://ex.com/s.xml")
    # A hang or a quadratic blow-up takes minutes; 30 s leaves room for a loaded CI machine.
    assert time.monotonic() - started < 30.0
