"""newsingest.crawl.fetch without the network: merging discovered URLs."""

from __future__ import annotations

from datetime import UTC, datetime

from newsingest.crawl.fetch import merge_urls
from newsingest.models import DiscoveredURL

T1 = datetime(2026, 11, 3, 9, tzinfo=UTC)


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
