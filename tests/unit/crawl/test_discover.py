"""Merging discovered URLs across channels, and choosing the window date."""

from __future__ import annotations

from datetime import UTC, datetime

from newsingest.crawl.discover import DiscoveryReport, select
from newsingest.crawl.fetch import merge_urls
from newsingest.models import DiscoveredURL

T1 = datetime(2026, 11, 3, 9, tzinfo=UTC)
T2 = datetime(2026, 11, 3, 12, tzinfo=UTC)


def test_merge_keeps_callers_objects_and_uses_canonical_urls() -> None:
    feed = DiscoveredURL(url="https://Ex.com/a?utm_source=rss", source="s", channels=["feed"], published=T1)
    news = DiscoveredURL(
        url="https://ex.com/a", source="s", channels=["news-sitemap"], title="A", keywords=["k"]
    )
    other = DiscoveredURL(url="https://ex.com/a", source="t", channels=["feed"])
    merged = merge_urls([feed, news, other])
    assert [(m.source, m.url) for m in merged] == [("s", "https://ex.com/a"), ("t", "https://ex.com/a")]
    first = merged[0]
    assert first.channels == ["feed", "news-sitemap"] and first.published == T1
    assert first.title == "A" and first.keywords == ["k"]
    assert feed.url == "https://Ex.com/a?utm_source=rss" and feed.channels == ["feed"]  # not mutated
    assert news.channels == ["news-sitemap"]
    assert merged[1] is other  # already canonical: not copied


def test_select_prefers_news_sitemap_date_and_uses_window() -> None:
    start, end = datetime(2026, 11, 3, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)
    found = [
        DiscoveredURL(url="https://ex.com/a", source="s", channels=["feed"], published=T2),
        DiscoveredURL(url="https://ex.com/a", source="s", channels=["news-sitemap"], published=T1),
        DiscoveredURL(
            url="https://ex.com/old",
            source="s",
            channels=["sitemap"],
            lastmod=datetime(2026, 1, 1, tzinfo=UTC),
        ),
        DiscoveredURL(url="https://ex.com/2026/11/03/by-url", source="s", channels=["section"]),
        DiscoveredURL(url="https://ex.com/undated", source="s", channels=["section"]),
    ]
    report = DiscoveryReport("s", start, end)
    kept = select(found, start, end, None, report)
    assert [k.url for k in kept] == ["https://ex.com/2026/11/03/by-url", "https://ex.com/a"]
    assert kept[1].published == T1 and kept[1].channels == ["feed", "news-sitemap"]
    assert report.dropped_out_of_window == 1 and report.dropped_undated == 1
