"""newsingest.crawl.sitemaps: sitemap indexes, Google News and text sitemaps; bad locations are skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from newsingest.crawl.feeds import parse_feed
from newsingest.crawl.sections import extract_links
from newsingest.crawl.sitemaps import SitemapError, parse_sitemap


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
    assert [i.url for i in parse_feed(rss, source="s", feed_url="https://ex.com/f")] == [
        "https://ex.com/good"
    ]
    html = (
        b'<html><head><base href="http://[/"></head><body><a href="http://[x/2026/11/02/a">x</a>'
        b'<a href="/2026/11/03/story-one">y</a></body></html>'
    )
    links = extract_links(html, page_url="https://ex.com/news/", pattern=r"/\d{4}/\d{2}/\d{2}/", source="s")
    assert [link.url for link in links] == ["https://ex.com/2026/11/03/story-one"]
