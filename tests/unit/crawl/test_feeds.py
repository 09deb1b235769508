"""newsingest.crawl.feeds: RSS, Atom and broken feeds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from newsingest.crawl.feeds import FeedError, parse_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://ex.com/2026/11/03/one</link>
  <pubDate>Tue, 03 Nov 2026 10:00:00 +0100</pubDate><category>Politics</category></item>
<item><title>Relative</title><link>/two</link></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>E</title><link rel="alternate" href="https://ex.com/e"/><updated>2026-11-04T08:30:00Z</updated></entry>
</feed>"""


def test_rss_items_with_dates_titles_tags() -> None:
    items = parse_feed(RSS, source="s", feed_url="https://ex.com/feed.xml")
    assert [i.url for i in items] == ["https://ex.com/2026/11/03/one", "https://ex.com/two"]
    first = items[0]
    assert first.published == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    assert first.title == "One" and first.keywords == ["Politics"] and first.channels == ["feed"]
    assert items[1].published is None


def test_atom_entries() -> None:
    [entry] = parse_feed(ATOM, source="s", feed_url="https://ex.com/atom")
    assert entry.url == "https://ex.com/e" and entry.published == datetime(2026, 11, 4, 8, 30, tzinfo=UTC)


def test_malformed_small_feed_is_parsed_leniently() -> None:
    doc = (
        b"<rss version='2.0'><channel><item><title>Q&A</title><link>https://ex.com/q</link></item></channel>"
    )
    [item] = parse_feed(doc, source="s", feed_url="https://ex.com/f")
    assert item.url == "https://ex.com/q"


def test_malformed_feed_entries_are_skipped() -> None:
    # feedparser gives "links" as a dict for an unknown <linkS> element in a foreign namespace.
    doc = b"""<feed xmlns="http://wvw.w3.org/2005/Atom"><entry><linkS href="https://x/a"/></entry>
    <entry><link href="https://ex.com/good"/><title>Good</title></entry></feed>"""
    items = parse_feed(doc, source="s", feed_url="https://ex.com/f")
    assert [i.url for i in items] == ["https://ex.com/good"]


@pytest.mark.parametrize(
    "doc",
    [
        b'<feed xmlns="http://wvw.w3.org/2005/Atom"><entry><linkS href="https://x/a"/></entry></feed>',
        b'<rss version="2.0"><channel><item><link>javascript:alert(1)</link></item></channel></rss>',
    ],
    ids=["odd-links", "no-http-link"],
)
def test_feed_without_any_usable_entry_is_an_error(doc: bytes) -> None:
    with pytest.raises(FeedError, match="entries"):
        parse_feed(doc, source="s", feed_url="https://ex.com/f")


def test_empty_feed_is_not_an_error() -> None:
    doc = b'<rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse_feed(doc, source="s", feed_url="https://ex.com/f") == []


def test_a_feed_that_breaks_the_feed_parser_is_a_feed_error() -> None:
    # Found by the atheris feed target: feedparser's lenient parser raises KeyError('links') on this.
    doc = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>a</titlrss version="4.0">a'
        b"</title><link>/a</li\x81k><</item>\xc4\xd0\x9c\x8dion=</link>hannel><ianne"
        b"l></rss>"
    )
    with pytest.raises(FeedError, match="feed parser failed"):
        parse_feed(doc, source="s", feed_url="https://ex.com/f")
