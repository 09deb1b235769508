"""The sample site's catalog (articles.yaml) is complete and self-consistent."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from newsingest.sample_site.catalog import (
    CATALOG_FILE,
    CatalogError,
    articles_on,
    catalog,
    load_catalog,
    window_articles,
)

SOURCES_FILE = Path(__file__).resolve().parents[3] / "include" / "sources" / "sample.yaml"


@pytest.fixture(scope="module")
def cat():
    return catalog()


def test_window_holds_about_thirty_articles_on_seven_days(cat):
    assert (cat.window_start, cat.window_end) == (date(2026, 11, 2), date(2026, 11, 8))
    inside = window_articles()
    assert 28 <= len(inside) <= 32
    days = [cat.window_start + timedelta(days=i) for i in range(7)]
    per_day = {d: len(articles_on(d)) for d in days}
    assert all(n >= 3 for n in per_day.values()), per_day
    assert sum(per_day.values()) == len(inside)


def test_exactly_one_article_is_outside_the_window_and_only_the_feed_lists_it(cat):
    outside = [a for a in cat.articles if not cat.in_window(a)]
    assert [a.id for a in outside] == ["ledger-councils-funding-gap"]
    assert outside[0].in_feed and not outside[0].in_sitemap and not outside[0].in_section


def test_dates_are_timezone_aware_with_varied_offsets(cat):
    offsets = {a.published.utcoffset() for a in cat.articles}
    assert all(a.published.tzinfo is not None for a in cat.articles)
    assert len(offsets) >= 3


def test_articles_on_uses_the_utc_day_not_the_local_one():
    subway = next(a for a in load_catalog() if a.id == "buzz-subway-brawl-arrest")
    assert subway.published.date() == date(2026, 11, 1)  # local New York date
    assert subway in articles_on("2026-11-02")
    assert subway not in articles_on(date(2026, 11, 1))


def test_ids_and_paths_are_unique_and_match_the_publisher_pattern(cat):
    assert len({a.id for a in cat.articles}) == len(cat.articles)
    assert len({a.path for a in cat.articles}) == len(cat.articles)
    for art in cat.articles:
        pub = cat.publisher(art.publisher)
        assert art.path.startswith(pub.base_path)
        assert re.search(pub.article_pattern, art.path), (art.id, pub.article_pattern)


def test_every_window_article_is_listed_by_a_feed_or_a_sitemap(cat):
    for art in window_articles():
        assert art.in_feed or art.in_sitemap, art.id
    # discovery has to combine channels: some articles are only in the sitemap, some only in the feed
    assert any(not a.in_feed for a in window_articles())
    assert any(not a.in_section for a in window_articles())


def test_publishers_differ_in_layout_and_discovery_formats(cat):
    assert len(cat.publishers) >= 3
    assert len({p.layout for p in cat.publishers}) == len(cat.publishers)
    assert {p.feed_format for p in cat.publishers} == {"rss", "atom"}
    assert "index" in {p.sitemap_format for p in cat.publishers}


def test_awkward_pages_are_all_present(cat):
    kinds = Counter(a.kind for a in cat.articles)
    for kind in ("liveblog", "gallery", "paywall", "consent", "repost"):
        assert kinds[kind] >= 1, kind
    assert {a.encoding for a in cat.articles} >= {"cp1252-declared-utf8", "cp1252-undeclared"}
    assert any(a.language != "en" for a in cat.articles)


def test_topics_span_the_news_desks(cat):
    topics = {a.topic for a in window_articles()}
    assert topics >= {"politics", "economy", "sport", "science", "health", "crime", "environment", "culture"}


def test_expected_entities_occur_in_the_article_text(cat):
    for art in cat.articles:
        names = art.persons + art.organisations + art.locations
        assert names, art.id
        for name in names:
            assert name in art.text, (art.id, name)


def test_visible_paragraphs_follow_the_page_kind(cat):
    by_kind = {a.kind: a for a in cat.articles}
    assert by_kind["consent"].visible_paragraphs == ()
    assert by_kind["paywall"].visible_paragraphs == by_kind["paywall"].paragraphs[:2]
    assert by_kind["paywall"].access == "paywalled"
    live = by_kind["liveblog"]
    assert len(live.visible_paragraphs) == len(live.paragraphs) + len(live.updates)
    assert live.page_type == "liveblog" and by_kind["repost"].page_type == "article"


def test_sample_sources_file_points_at_every_publisher(cat):
    raw = yaml.safe_load(SOURCES_FILE.read_text())
    by_name = {s["name"]: s for s in raw["sources"]}
    for pub in cat.publishers:
        src = by_name[pub.source]
        assert src["homepage"].endswith(pub.base_path)
        assert src["homepage"].startswith("${NEWSINGEST_SAMPLE_SITE_URL:-http://127.0.0.1:8765}")
        assert any(f.endswith(pub.feed_path) for f in src["feeds"])
        assert any(s.endswith(pub.sitemap_path) for s in src["sitemaps"])
        assert src["allow_private"] is True
        for section in src["sections"]:
            assert section["pattern"] == pub.article_pattern


def test_malformed_catalog_names_the_entry_and_field(tmp_path):
    data = yaml.safe_load(CATALOG_FILE.read_text())
    data["articles"][0]["published"] = "2026-11-02 09:10"  # no UTC offset
    bad = tmp_path / "articles.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CatalogError, match=r"article 'ledger-nhs-waiting-list'.*'published'.*offset"):
        catalog(bad)
    data["articles"][0]["published"] = "2026-11-02T09:10:00+00:00"
    data["articles"][0]["section"] = "gossip"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CatalogError, match=r"section 'gossip'"):
        catalog(bad)
