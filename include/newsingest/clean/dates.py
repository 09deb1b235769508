"""Date parsing and ranking for published/modified timestamps.

Ranking (best first): JSON-LD ``datePublished`` > ``article:published_time`` and similar meta >
microdata > ``<time datetime>`` > feed/sitemap hint > date in the URL > date in the visible text.
Future dates (beyond a small clock-skew allowance) and implausibly old ones are rejected; naive
timestamps are taken as UTC, the convention of most CMSs that omit the offset.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil import parser as dateutil_parser
from dateutil import tz as dateutil_tz

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
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
FUTURE_SLACK = timedelta(days=1)

_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")
_URL_DATE_SLASHED = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$)")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_TEXT_DATE = re.compile(
    r"\b(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}"
    r"|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}-\d{2}-\d{2})\b"
)


@dataclass(frozen=True)
class DateCandidate:
    """One timestamp found on the page and where it came from."""

    value: datetime
    provenance: str  # json-ld, meta, microdata, dom, feed, url, text
    rank: int  # lower is better


def parse_date(value: object, *, default_tz=UTC) -> datetime | None:
    """Parse an ISO 8601 / RFC 2822 / human-readable / epoch timestamp into an aware datetime.

    Returns None for anything that is not a date (never raises).
    """
    if value is None:
        return None
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


def plausible(dt: datetime | None, *, now: datetime | None = None) -> bool:
    """False for dates before 1990 or in the future (beyond one day of clock skew)."""
    if dt is None:
        return False
    now = now or datetime.now(UTC)
    try:
        return EARLIEST <= dt <= now + FUTURE_SLACK
    except TypeError:
        return False


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


# Month names of the languages most news sites here write in (English is handled by dateutil).
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "januar janvier enero gennaio januari janeiro januarie ocak leden stycznia jan janv ene gen",
            "februar février fevrier febrero febbraio februari fevereiro februarie şubat subat únor lutego "
            "feb févr fev",
            "märz maerz mars marzo maart março marco martie mart marts březen marca mär mrz mar",
            "april avril abril aprile aprilie nisan duben kwietnia apr avr abr",
            "mai mayo maggio mei maio mayıs mayis květen maja maj mag",
            "juni juin junio giugno junho iunie haziran červen czerwca jun giu",
            "juli juillet julio luglio julho iulie temmuz červenec lipca jul juil lug",
            "august août aout agosto augusti augustus ağustos agustos srpen sierpnia aug ago",
            "september septembre septiembre settembre setembro septembrie eylül eylul září września "
            "sep sept set",
            "oktober octobre octubre ottobre outubro octombrie ekim říjen października okt oct ott out",
            "november novembre noviembre novembro noiembrie kasım kasim listopad listopada nov",
            "dezember décembre decembre diciembre dicembre december desember dezembro decembrie aralık "
            "aralik prosinec grudnia dez déc dec dic",
        ],
        start=1,
    )
    for name in names.split()
}
_TEXT_DATE_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2}|\d{2})(?![\d.])")
_TEXT_DATE_NAMED = re.compile(
    r"(?<!\w)(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]{3,12})\.?,?\s+(?:de\s+)?((?:19|20)\d{2})(?!\d)"
)


def date_from_text(text: str) -> datetime | None:
    """The first calendar date in a short text (a byline or dateline).

    English forms ("May 3, 2024", "3 May 2024", ISO), day-first dotted dates ("28.04.2023") and
    day-month-year with a month name in common European languages ("28. April 2023", "3 de mayo de 2024").
    """
    text = text or ""
    found: list[tuple[int, datetime]] = []
    m = _TEXT_DATE.search(text)
    if m and (dt := parse_date(m.group(0))) is not None:
        found.append((m.start(), dt))
    m = _TEXT_DATE_DOTTED.search(text)
    if m:
        with contextlib.suppress(ValueError):
            year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
            found.append((m.start(), datetime(year, int(m.group(2)), int(m.group(1)), tzinfo=UTC)))
    for m in _TEXT_DATE_NAMED.finditer(text):
        month = _MONTHS.get(m.group(2).lower())
        if month:
            with contextlib.suppress(ValueError):
                found.append((m.start(), datetime(int(m.group(3)), month, int(m.group(1)), tzinfo=UTC)))
            break
    return min(found, key=lambda item: item[0])[1] if found else None


def best_date(candidates: list[DateCandidate], *, now: datetime | None = None) -> DateCandidate | None:
    """The plausible candidate of best rank (first seen wins within a rank)."""
    good = [c for c in candidates if plausible(c.value, now=now)]
    if not good:
        return None
    return min(good, key=lambda c: c.rank)
