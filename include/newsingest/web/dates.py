"""Dates from feeds, sitemaps, pages and URLs, always timezone-aware (UTC when the source gives no zone).

Shared by crawl (feed and sitemap dates, the date window) and clean (the page's own dates).
"""

from __future__ import annotations

import calendar
import re
import time
import warnings
from datetime import UTC, datetime, tzinfo

from dateutil import parser as dateutil_parser
from dateutil import tz as dateutil_tz

# Common zone abbreviations in bylines ("6:20 p.m. EST"); ambiguous ones (IST, CST) get the usual
# news-desk reading.
_TZ_ABBREVIATIONS = {
    name: dateutil_tz.tzoffset(name, hours * 3600)
    for name, hours in {
        "UTC": 0,
        "GMT": 0,
        "Z": 0,
        "BST": 1,
        "CET": 1,
        "CEST": 2,
        "EET": 2,
        "EEST": 3,
        "MSK": 3,
        "IST": 5.5,
        "SGT": 8,
        "HKT": 8,
        "JST": 9,
        "KST": 9,
        "AEST": 10,
        "AEDT": 11,
        "NZST": 12,
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
    }.items()
}

_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")
_URL_DATE_SLASHED = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$)")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")


def aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def parse_date(value: object, *, default_tz: tzinfo = UTC) -> datetime | None:
    """Parse an ISO 8601 / RFC 2822 / human-readable / epoch timestamp into an aware datetime.

    Returns None for anything that is not a date (never raises).
    """
    if value is None:
        return None
    dt: datetime
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip()
        if not text or len(text) > 80:
            return None
        if _EPOCH.match(text):
            seconds = int(text[:10])
            try:
                return datetime.fromtimestamp(seconds, tz=UTC)
            except (OverflowError, OSError, ValueError):
                return None
        candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
        try:
            dt = datetime.fromisoformat(candidate)
        except ValueError:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
                    dt = dateutil_parser.parse(text, fuzzy=False, tzinfos=_TZ_ABBREVIATIONS)
            except (ValueError, OverflowError, TypeError, dateutil_parser.ParserError):
                return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_tz)
    return dt


def from_struct(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError):
        return None


def date_from_url(url: str) -> datetime | None:
    """A publication date embedded in the URL path (``/2024/05/17/``, ``20240517``), as UTC midnight."""
    path = url.split("?", 1)[0]
    for pattern in (_URL_DATE_SLASHED, _URL_DATE):
        m = pattern.search(path)
        if m:
            try:
                return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=UTC)
            except ValueError:
                continue
    return None
