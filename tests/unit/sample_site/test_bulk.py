"""The synthetic bulk site is deterministic, article-sized and dated inside the window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree
from newsingest.sample_site import bulk


def test_same_seed_and_index_give_the_same_page():
    assert bulk.render_article("http://x", 3, 17) == bulk.render_article("http://x", 3, 17)
    assert bulk.render_article("http://x", 3, 17)[0] != bulk.render_article("http://x", 4, 17)[0]


def test_articles_are_600_to_1200_words_ish_and_dated_in_the_window():
    start, end = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)
    titles = set()
    for i in range(60):
        art = bulk.bulk_article(0, i)
        words = sum(len(p.split()) for p in art["paragraphs"])
        assert 600 <= words <= 1400, (i, words)
        assert start <= art["published"] < end
        assert art["published"] == bulk.published_at(0, i)
        titles.add(art["title"])
    assert len(titles) > 40


def test_sitemap_lists_n_urls_under_the_base():
    tree = etree.fromstring(bulk.render_sitemap("http://h:1", 25, 9).encode())
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == [f"http://h:1/bulk/s9/article/{i}.html" for i in range(25)]
    with pytest.raises(ValueError, match="'n'"):
        bulk.render_sitemap("http://h:1", 0, 1)
