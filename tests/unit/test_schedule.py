"""One calendar day per run: the day of the run's logical date, whatever made the run."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsingest.schedule import manual_logical_date, run_window, scheduled_logical_date


def test_a_scheduled_or_backfilled_run_ingests_its_interval_start_day() -> None:
    logical = scheduled_logical_date(date(2026, 11, 20))
    assert logical == datetime(2026, 11, 20, 2, tzinfo=UTC)
    assert run_window(logical, logical) == (
        datetime(2026, 11, 20, tzinfo=UTC),
        datetime(2026, 11, 21, tzinfo=UTC),
    )


def test_a_manual_run_ingests_its_logical_dates_day_not_its_earlier_interval() -> None:
    """`airflow dags test news_ingest 2026-11-20` gets the interval [11-19 02:00, 11-20 02:00) from
    Airflow's manual-run rule; it must still ingest 2026-11-20."""
    logical = datetime(2026, 11, 20, tzinfo=UTC)
    interval_start = datetime(2026, 11, 18, 2, tzinfo=UTC)
    assert run_window(logical, interval_start)[0] == datetime(2026, 11, 20, tzinfo=UTC)
    assert manual_logical_date(date(2026, 11, 20)) == scheduled_logical_date(date(2026, 11, 20))


def test_a_run_without_a_logical_date_ingests_its_interval_start_day() -> None:
    assert run_window(None, datetime(2026, 11, 19, 2, tzinfo=UTC))[0] == datetime(2026, 11, 19, tzinfo=UTC)
