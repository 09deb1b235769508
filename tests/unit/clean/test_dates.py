"""newsingest.clean.dates: the page's dates parsed (the shared web.dates parser) and ranked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from newsingest.clean.dates import DateCandidate, best_date, date_from_text, date_from_url, parse_date


def test_parse_date_forms():
    assert parse_date("2024-03-12T10:30:00+01:00") == datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
    assert parse_date("2024-03-12T10:30:00Z").tzinfo is not None
    naive = parse_date("2024-03-12 10:30")
    assert naive is not None and naive.tzinfo is UTC
    assert parse_date("Tue, 12 Mar 2024 10:30:00 GMT") == datetime(2024, 3, 12, 10, 30, tzinfo=UTC)
    assert parse_date("1710239400") == datetime(2024, 3, 12, 10, 30, tzinfo=UTC)
    for junk in ("", "yesterday-ish", "2024-02-30", None, "x" * 200):
        assert parse_date(junk) is None


def test_date_from_url():
    assert date_from_url("https://x.example/2024/05/17/story") == datetime(2024, 5, 17, tzinfo=UTC)
    assert date_from_url("https://x.example/news/20240517-story") == datetime(2024, 5, 17, tzinfo=UTC)
    assert date_from_url("https://x.example/news/story-12345") is None


def test_best_date_ranks_and_rejects_future_and_ancient():
    now = datetime(2024, 6, 1, tzinfo=UTC)
    ld = DateCandidate(datetime(2024, 5, 1, tzinfo=UTC), "json-ld", 0)
    meta = DateCandidate(datetime(2024, 5, 2, tzinfo=UTC), "meta", 2)
    future = DateCandidate(datetime(2024, 7, 1, tzinfo=UTC), "json-ld", 0)
    ancient = DateCandidate(datetime(1970, 1, 1, tzinfo=UTC), "json-ld", 0)
    assert best_date([meta, ld], now=now) is ld
    assert best_date([future, ancient, meta], now=now) is meta
    assert best_date([future], now=now) is None


def test_naive_offsets_and_aware_offsets_compare_correctly():
    aware = parse_date("2024-03-12T23:30:00-05:00")
    assert aware.utcoffset() == timedelta(hours=-5)
    assert aware == datetime(2024, 3, 13, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Datum 28.04.2023 Autorin/Autor Roman", "2023-04-28"),
        ("Do 25.04.24 | 14:07 Uhr | Von Eva", "2024-04-25"),
        ("Montag, 5. Juni 2023", "2023-06-05"),
        ("Publié le 12 mars 2024 à 10h", "2024-03-12"),
        ("3 de mayo de 2024", "2024-05-03"),
        ("Publicerad 23 okt 2025 kl 10.23", "2025-10-23"),
        ("5. maj 2024", "2024-05-05"),
        ("12 déc. 2023", "2023-12-12"),
        ("Published May 3, 2024", "2024-05-03"),
        ("Version 1.2 of the app", None),
    ],
)
def test_date_from_text_reads_european_forms(text, day):
    found = date_from_text(text)
    assert (found.date().isoformat() if found else None) == day
