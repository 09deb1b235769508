"""newsingest.crawl.discover without the network: the window date chosen across channels."""

from __future__ import annotations

from datetime import UTC, datetime

from newsingest.crawl.discover import DiscoveryReport, select
from newsingest.models import DiscoveredURL

T1 = datetime(2026, 11, 3, 9, tzinfo=UTC)
T2 = datetime(2026, 11, 3, 12, tzinfo=UTC)


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
