"""The nightly schedule: one calendar day (UTC) per run, started at a configurable time the day after.

The DAG uses a cron data-interval timetable at ``NEWSINGEST_SCHEDULE_TIME`` (default 02:00 UTC), so the
run of day D has the logical date D 02:00 and the data interval [D 02:00, D+1 02:00). A run ingests the
calendar day of its **logical date** (:func:`run_day`), whatever made it: scheduled runs, backfills (UI,
REST, ``airflow backfill create``), ``newsingest run --day D``, the quickstart, and Airflow's *manual*
runs too (``airflow dags test news_ingest 2026-11-20`` and Trigger → Single Run with a logical date of
2026-11-20 ingest 2026-11-20, although Airflow gives a manual run the last complete interval before its
logical date as its data interval). A run without a logical date ingests its data interval's start day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def schedule_time() -> time:
    """The nightly run time in UTC: the settings' ``schedule.time`` (NEWSINGEST_SCHEDULE_TIME, HH:MM)."""
    from newsingest.config import load_settings

    return load_settings().schedule.time


def cron_expression(at: time) -> str:
    return f"{at.minute} {at.hour} * * *"


def day_window(when: datetime) -> tuple[datetime, datetime]:
    """The calendar day (UTC) of ``when`` as [00:00, 24:00)."""
    day = when.astimezone(UTC).date()
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def run_window(logical_date: datetime | None, interval_start: datetime | None) -> tuple[datetime, datetime]:
    """The calendar day a run ingests: its logical date's day, else its data interval start's."""
    day = logical_date or interval_start
    if day is None:
        raise ValueError("the run has neither a logical date nor a data interval start")
    return day_window(day)


def scheduled_logical_date(day: date, at: time | None = None) -> datetime:
    """The logical date of day ``day``'s run: D at the schedule time ``at`` (UTC; default: the settings'),
    its data interval start."""
    at = at or schedule_time()
    return datetime(day.year, day.month, day.day, at.hour, at.minute, tzinfo=UTC)


def manual_logical_date(day: date, at: time | None = None) -> datetime:
    """The logical date of a manual run (``dags test``, Trigger) of ``day``: the same as the scheduled
    run's, so a later backfill of ``day`` finds and re-runs that run instead of making a second one."""
    return scheduled_logical_date(day, at)
