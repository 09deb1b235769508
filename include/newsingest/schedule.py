"""The nightly schedule: one calendar day (UTC) per run, started at a configurable time the day after.

The DAG uses a cron data-interval timetable at ``NEWSINGEST_SCHEDULE_TIME`` (default 02:00 UTC), so a run's
data interval is [D 02:00, D+1 02:00); the run ingests the calendar day D of its interval start.
A manual run triggered at time T (``airflow dags test``, the Trigger button) gets the last complete
interval before T, so to ingest day D by hand, trigger it with the logical date D+1 at the schedule time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta


def schedule_time(environ: Mapping[str, str] | None = None) -> time:
    """The nightly run time in UTC from NEWSINGEST_SCHEDULE_TIME (HH:MM)."""
    raw = (os.environ if environ is None else environ).get("NEWSINGEST_SCHEDULE_TIME") or "02:00"
    try:
        hour, minute = (int(part) for part in raw.split(":"))
        return time(hour, minute)
    except ValueError as exc:
        raise ValueError(f"NEWSINGEST_SCHEDULE_TIME={raw!r}: expected HH:MM (UTC), e.g. 02:00") from exc


def cron_expression() -> str:
    at = schedule_time()
    return f"{at.minute} {at.hour} * * *"


def day_window(interval_start: datetime) -> tuple[datetime, datetime]:
    """The calendar day (UTC) a run ingests: [00:00, 24:00) of its data interval's start date."""
    day = interval_start.astimezone(UTC).date()
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def manual_logical_date(day: date) -> datetime:
    """The logical date that makes a manual run (``dags test``, Trigger) ingest ``day``."""
    at = schedule_time()
    nxt = day + timedelta(days=1)
    return datetime(nxt.year, nxt.month, nxt.day, at.hour, at.minute, tzinfo=UTC)
