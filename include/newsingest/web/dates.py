"""Dates from feeds, sitemaps and URLs, always timezone-aware (UTC when the source gives no zone)."""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, date, datetime

from dateutil import parser as dateparser

_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?=[/-]|$)")
_URL_COMPACT_DATE = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/-])")


def aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def parse_date(value: str | None) -> datetime | None:
    """W3C/ISO 8601 or RFC 822 date text to an aware datetime; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return aware(dateparser.parse(text))
    except (ValueError, OverflowError, TypeError):
        return None


def from_struct(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError):
        return None


def date_from_url(url: str) -> datetime | None:
    """The publication day many news URLs carry (``/2024/01/05/``), as midnight UTC."""
    match = _URL_DATE.search(url) or _URL_COMPACT_DATE.search(url)
    if not match:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
