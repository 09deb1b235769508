"""One date parser for crawl (feeds, sitemaps, the date window) and clean (the page's own dates)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from newsingest.clean import dates as clean_dates
from newsingest.web.dates import aware, date_from_url, parse_date


def test_clean_uses_the_shared_parser() -> None:
    assert clean_dates.parse_date is parse_date
    assert clean_dates.date_from_url is date_from_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-03", datetime(2026, 11, 3, tzinfo=UTC)),  # sitemap day
        ("2026-11-03T10:00:00+02:00", datetime(2026, 11, 3, 8, tzinfo=UTC)),
        ("Tue, 03 Nov 2026 10:00:00 GMT", datetime(2026, 11, 3, 10, tzinfo=UTC)),  # RSS
        ("Nov 3, 2026 6:20 PM EST", datetime(2026, 11, 3, 23, 20, tzinfo=UTC)),  # byline zone
        ("1793700000", datetime(2026, 11, 3, 10, tzinfo=UTC)),  # epoch seconds
        ("x" * 81, None),
        ("soon", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    got = parse_date(text)
    assert got == expected
    assert got is None or got.tzinfo is not None


def test_naive_values_take_the_default_zone() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert parse_date("2026-11-03 10:00", default_tz=plus2) == datetime(2026, 11, 3, 8, tzinfo=UTC)
    assert aware(datetime(2026, 11, 3)) == datetime(2026, 11, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ex.com/2026/11/03/story", datetime(2026, 11, 3, tzinfo=UTC)),
        ("https://ex.com/2026/1/3/story", datetime(2026, 1, 3, tzinfo=UTC)),
        ("https://ex.com/story/20261104-x", datetime(2026, 11, 4, tzinfo=UTC)),
        ("https://ex.com/story-2026_11_05.html", datetime(2026, 11, 5, tzinfo=UTC)),
        ("https://ex.com/id/20261399-x", None),
        ("https://ex.com/a/story?d=2026-11-03", None),  # the query is not the path
        ("https://ex.com/a/story-12345", None),
    ],
)
def test_date_from_url(url: str, expected: datetime | None) -> None:
    assert date_from_url(url) == expected


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
def test_feed_and_sitemap_date_forms(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_dates_in_article_urls() -> None:
    assert date_from_url("https://ex.com/ledger/2026/11/03/x") == datetime(2026, 11, 3, tzinfo=UTC)
    assert date_from_url("https://ex.com/wire/story/20261104-x") == datetime(2026, 11, 4, tzinfo=UTC)
    assert date_from_url("https://ex.com/id/20261399-x") is None
    assert date_from_url("https://ex.com/a/20261104/x") == datetime(2026, 11, 4, tzinfo=UTC)
    assert date_from_url("https://ex.com/2026/13/45/x") is None
