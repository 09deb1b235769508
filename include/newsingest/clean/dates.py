"""Date parsing and ranking for published/modified timestamps.

Ranking (best first): JSON-LD ``datePublished`` > ``article:published_time`` and similar meta >
microdata > ``<time datetime>`` > feed/sitemap hint > date in the URL > date in the visible text.
Future dates (beyond a small clock-skew allowance) and implausibly old ones are rejected; naive
timestamps are taken as UTC, the convention of most CMSs that omit the offset.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from newsingest.web.dates import date_from_url, parse_date

__all__ = ["DateCandidate", "best_date", "date_from_text", "date_from_url", "parse_date", "plausible"]

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)

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


def plausible(dt: datetime | None, *, now: datetime | None = None) -> bool:
    """False for dates before 1990 or in the future (beyond one day of clock skew)."""
    if dt is None:
        return False
    now = now or datetime.now(UTC)
    try:
        return EARLIEST <= dt <= now + FUTURE_SLACK
    except TypeError:
        return False


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
