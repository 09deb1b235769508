"""The nightly schedule: one calendar day (UTC) per run, started at a configurable time the day after.

The DAG uses a cron data-interval timetable at ``NEWSINGEST_SCHEDULE_TIME`` (default 02:00 UTC), so the
run of day D has the logical date D 02:00 and the data interval [D 02:00, D+1 02:00); it ingests the
calendar day D of its interval start. Scheduled runs, backfills (UI, REST, ``airflow backfill create``),
``newsingest run --day D`` and the quickstart all use that one logical date per day
(``scheduled_logical_date``). Only Airflow's *manual* runs (``airflow dags test``, Trigger → Single Run)
differ: a manual run at logical date T gets the last complete interval before T
(``manual_logical_date`` gives the T that makes such a run ingest D; it is a different run from D's).
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


def scheduled_logical_date(day: date) -> datetime:
    """The logical date of day ``day``'s run: D at the schedule time (UTC), its data interval start."""
    at = schedule_time()
    return datetime(day.year, day.month, day.day, at.hour, at.minute, tzinfo=UTC)


def manual_logical_date(day: date) -> datetime:
    """The logical date that makes a manual run (``dags test``, Trigger) ingest ``day``."""
    at = schedule_time()
    nxt = day + timedelta(days=1)
    return datetime(nxt.year, nxt.month, nxt.day, at.hour, at.minute, tzinfo=UTC)
