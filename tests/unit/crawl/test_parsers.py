"""Feed, sitemap and section parsing, including hostile XML."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from newsingest.crawl.feeds import FeedError, parse_feed
from newsingest.crawl.sections import extract_links
from newsingest.crawl.sitemaps import SitemapError, parse_sitemap
from newsingest.crawl.xmlsafe import XMLRefused
from newsingest.web.dates import date_from_url, parse_date

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

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><item><title>&lol9;</title><link>https://ex.com/x</link></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://ex.com/&xxe;</loc></url></urlset>"""


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


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE])
def test_xml_attacks_are_refused(doc: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(XMLRefused):
        parse_feed(doc, source="s", feed_url="https://ex.com/f")
    with pytest.raises(XMLRefused):
        parse_sitemap(doc, source="s", sitemap_url="https://ex.com/s.xml")
    assert time.monotonic() - started < 1.0


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


def test_malformed_small_feed_is_parsed_leniently() -> None:
    doc = (
        b"<rss version='2.0'><channel><item><title>Q&A</title><link>https://ex.com/q</link></item></channel>"
    )
    [item] = parse_feed(doc, source="s", feed_url="https://ex.com/f")
    assert item.url == "https://ex.com/q"


def test_sitemap_index_children_with_lastmod() -> None:
    doc = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://ex.com/s-2026-01.xml</loc><lastmod>2026-01-31</lastmod></sitemap>
      <sitemap><loc>/s-2026-11.xml.gz</loc></sitemap></sitemapindex>"""
    parsed = parse_sitemap(doc, source="s", sitemap_url="https://ex.com/index.xml")
    assert parsed.kind == "index" and not parsed.urls
    assert [(c.url, c.lastmod) for c in parsed.children] == [
        ("https://ex.com/s-2026-01.xml", datetime(2026, 1, 31, tzinfo=UTC)),
        ("https://ex.com/s-2026-11.xml.gz", None),
    ]


def test_google_news_sitemap() -> None:
    doc = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://ex.com/a</loc><news:news><news:publication><news:name>Ex</news:name>
        <news:language>en</news:language></news:publication>
        <news:publication_date>2026-11-05T12:00:00+02:00</news:publication_date>
        <news:title>Big &amp; news</news:title>
        <news:keywords>energy, EU ,markets</news:keywords></news:news></url>
      <url><loc>https://ex.com/b</loc><lastmod>2026-11-06</lastmod></url></urlset>"""
    parsed = parse_sitemap(doc, source="s", sitemap_url="https://ex.com/news.xml")
    news, plain = parsed.urls
    assert news.channels == ["news-sitemap"] and news.title == "Big & news"
    assert news.published == datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
    assert news.keywords == ["energy", "EU", "markets"]
    assert plain.channels == ["sitemap"] and plain.published is None
    assert plain.lastmod == datetime(2026, 11, 6, tzinfo=UTC)


def test_text_sitemap_and_wrong_root() -> None:
    parsed = parse_sitemap(
        b"https://ex.com/a\nhttps://ex.com/b\n", source="s", sitemap_url="https://ex.com/s.txt"
    )
    assert parsed.kind == "text" and len(parsed.urls) == 2
    with pytest.raises(SitemapError, match="root element is <html>"):
        parse_sitemap(b"<html><body/></html>", source="s", sitemap_url="https://ex.com/s.xml")


def test_section_links_match_pattern_and_resolve() -> None:
    html = b"""<html><head><base href="https://ex.com/news/"></head><body>
      <a href="2026/11/03/story-one">one</a> <a href="/news/2026/11/03/story-one#c">dup</a>
      <a href="https://ex.com/about">about</a> <a href="javascript:void(0)">js</a>
      <a href="https://ex.com/news/2026/11/04/two">two</a></body></html>"""
    links = extract_links(
        html, page_url="https://ex.com/news/world/", pattern=r"/news/\d{4}/\d{2}/\d{2}/", source="s"
    )
    assert [link.url for link in links] == [
        "https://ex.com/news/2026/11/03/story-one",
        "https://ex.com/news/2026/11/04/two",
    ]
    assert all(link.channels == ["section"] for link in links)
    assert extract_links(b"", page_url="https://ex.com/", pattern="x", source="s") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-03", datetime(2026, 11, 3, tzinfo=UTC)),
        ("2026-11-03T10:00:00Z", datetime(2026, 11, 3, 10, tzinfo=UTC)),
        ("Tue, 03 Nov 2026 10:00:00 GMT", datetime(2026, 11, 3, 10, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_date_from_url() -> None:
    assert date_from_url("https://ex.com/ledger/2026/11/03/x") == datetime(2026, 11, 3, tzinfo=UTC)
    assert date_from_url("https://ex.com/wire/story/20261104-x") == datetime(2026, 11, 4, tzinfo=UTC)
    assert date_from_url("https://ex.com/id/20261399-x") is None
    assert date_from_url("https://ex.com/a/20261104/x") == datetime(2026, 11, 4, tzinfo=UTC)
    assert date_from_url("https://ex.com/2026/13/45/x") is None


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


def test_sitemap_locations_must_be_http() -> None:
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>javascript:alert(1)</loc></url><url><loc>file:///etc/passwd</loc></url>
    <url><loc>ftp://ex.com/a</loc></url><url><loc>/relative</loc></url>
    <url><loc>https://ex.com/ok</loc></url></urlset>"""
    doc = parse_sitemap(urlset, source="s", sitemap_url="https://ex.com/s.xml")
    assert [u.url for u in doc.urls] == ["https://ex.com/relative", "https://ex.com/ok"]
    index = b"""<sitemapindex><sitemap><loc>file:///etc/passwd</loc></sitemap>
    <sitemap><loc>data:text/xml,x</loc></sitemap><sitemap><loc>https://ex.com/s2.xml</loc></sitemap></sitemapindex>"""
    doc = parse_sitemap(index, source="s", sitemap_url="https://ex.com/s.xml")
    assert [c.url for c in doc.children] == ["https://ex.com/s2.xml"]


def test_malformed_ipv6_hosts_are_skipped_not_fatal() -> None:
    # urljoin raises ValueError("Invalid IPv6 URL") on these; found by the atheris sitemap target.
    index = (
        b"<sitemapindex><sitemap><loc>hdt://]/s1.</loc></sitemap>"
        b"<sitemap><loc>https://ex.com/s2.xml</loc></sitemap></sitemapindex>"
    )
    doc = parse_sitemap(index, source="s", sitemap_url="https://ex.com/s.xml")
    assert [c.url for c in doc.children] == ["https://ex.com/s2.xml"]
    rss = b"""<rss version="2.0"><channel><title>t</title><item><link>http://[bad/x</link></item>
    <item><link>https://ex.com/good</link></item></channel></rss>"""
    assert [i.url for i in parse_feed(rss, source="s", feed_url="https://ex.com/f")] == ["https://ex.com/good"]
    html = (
        b'<html><head><base href="http://[/"></head><body><a href="http://[x/2026/11/02/a">x</a>'
        b'<a href="/2026/11/03/story-one">y</a></body></html>'
    )
    links = extract_links(html, page_url="https://ex.com/news/", pattern=r"/\d{4}/\d{2}/\d{2}/", source="s")
    assert [link.url for link in links] == ["https://ex.com/2026/11/03/story-one"]


def test_a_feed_that_breaks_the_feed_parser_is_a_feed_error() -> None:
    # Found by the atheris feed target: feedparser's lenient parser raises KeyError('links') on this.
    doc = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>a</titlrss version="4.0">a'
        b"</title><link>/a</li\x81k><</item>\xc4\xd0\x9c\x8dion=</link>hannel><ianne"
        b"l></rss>"
    )
    with pytest.raises(FeedError, match="feed parser failed"):
        parse_feed(doc, source="s", feed_url="https://ex.com/f")
