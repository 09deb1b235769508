"""Run ``news_ingest`` for given days the way a user does: a backfill through the running scheduler.

Whatever creates the run of day D — the nightly schedule, a backfill from the UI or the REST API,
``newsingest run --day D`` or the quickstart — it has the logical date *D <schedule time>* and the data
interval *[D <time>, D+1 <time>)* that ``CronDataIntervalTimetable`` gives, and it ingests the calendar
day D. This module creates those runs with ``POST /api/v2/backfills`` (one backfill per stretch of
consecutive days, "All Runs": a day that already has a run re-runs that run) and waits for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from newsingest.schedule import scheduled_logical_date

DAG_ID = "news_ingest"


@dataclass(frozen=True)
class DayRun:
    day: date
    run_id: str
    state: str
    seconds: float | None  # start to end as Airflow recorded it


def stretches(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days grouped into (first, last) stretches, oldest first."""
    out: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if out and day == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def backfill_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From ``first`` 00:00 to ``last`` 23:59 UTC: the range that holds one logical date per day."""
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, 23, 59, tzinfo=UTC)
    return start, end


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _all_runs(api, dag_id: str) -> list[dict]:
    runs: list[dict] = []
    while True:
        page = api.request(
            "GET", f"/dags/{dag_id}/dagRuns", params={"limit": 100, "offset": len(runs), "order_by": "id"}
        )
        runs.extend(page["dag_runs"])
        if not page["dag_runs"] or len(runs) >= page["total_entries"]:
            return runs


def old_convention_runs(api, dag_id: str = DAG_ID) -> list[dict]:
    """Runs whose logical date is not their data interval's start.

    The quickstart used to create them with ``dag.test`` at logical date D+1 <time> for day D: such a run
    holds the logical date a scheduled run or a backfill of D+1 needs, with the interval of D.
    """
    return [
        run
        for run in _all_runs(api, dag_id)
        if run.get("logical_date") and _parse(run["logical_date"]) != _parse(run.get("data_interval_start"))
    ]


def remove_old_convention_runs(api, dag_id: str = DAG_ID) -> list[str]:
    """Delete the runs of :func:`old_convention_runs` (their files in the storage root stay)."""
    removed = []
    for run in old_convention_runs(api, dag_id):
        api.request("DELETE", f"/dags/{dag_id}/dagRuns/{run['dag_run_id']}")
        removed.append(run["dag_run_id"])
    return removed


def unpause_without_catchup(api, dag_id: str = DAG_ID, timeout: float = 120.0) -> None:
    """Switch the DAG on and fail the one catch-up run of the latest interval that Airflow then creates
    (for a private instance that only runs backfills: that run would only compete for the cores)."""
    api.set_paused(dag_id, False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        scheduled = api.dag_runs(dag_id, run_type=["scheduled"])
        if scheduled:
            for run in scheduled:
                api.request("PATCH", f"/dags/{dag_id}/dagRuns/{run['dag_run_id']}", json={"state": "failed"})
            return
        time.sleep(1)


def run_days(
    api,
    days: Iterable[date],
    *,
    conf: dict[str, Any] | None = None,
    max_active_runs: int = 3,
    timeout_per_day: float = 600.0,
    progress: Callable[[str], None] | None = None,
    dag_id: str = DAG_ID,
) -> list[DayRun]:
    """Backfill ``days`` ("All Runs") through the scheduler and wait; one :class:`DayRun` per day.

    The DAG is switched on first when it is paused (backfill runs only start while it is on; Airflow then
    also schedules the latest complete day once, as it does when a user switches it on).
    """
    say = progress or (lambda line: None)
    wanted = sorted(set(days))
    if api.request("GET", f"/dags/{dag_id}")["is_paused"]:
        api.set_paused(dag_id, False)
        say(f"    switched {dag_id} on (backfill runs only start while the DAG is on)")
    results: list[DayRun] = []
    for first, last in stretches(wanted):
        start, end = backfill_bounds(first, last)
        backfill = _start_backfill(
            api, dag_id, start, end, conf or {}, max_active_runs, timeout_per_day * len(wanted), say
        )
        logical = {scheduled_logical_date(first + timedelta(days=i)) for i in range((last - first).days + 1)}
        runs = _wait_for_backfill(
            api, dag_id, backfill, start, end, logical, timeout_per_day * len(logical), say
        )
        for run in sorted(runs, key=lambda r: r["logical_date"]):
            started, ended = _parse(run.get("start_date")), _parse(run.get("end_date"))
            seconds = (ended - started).total_seconds() if started and ended else None
            day = datetime.fromisoformat(run["data_interval_start"]).date()
            results.append(DayRun(day, run["dag_run_id"], run["state"], seconds))
    return results


def _active_backfill(api, dag_id: str, start: datetime, end: datetime) -> dict | None:
    """The running backfill of exactly this range, if any."""
    for backfill in api.backfills(dag_id):
        if (
            not backfill.get("completed_at")
            and _parse(backfill["from_date"]) == start
            and _parse(backfill["to_date"]) == end
        ):
            return backfill
    return None


def _start_backfill(
    api,
    dag_id: str,
    start: datetime,
    end: datetime,
    conf: dict[str, Any],
    max_active_runs: int,
    timeout: float,
    say: Callable[[str], None],
) -> dict:
    """Create the backfill, or follow the running one of the same range (e.g. after an interrupted start).

    A POST whose answer timed out may still have created the backfill: it is then found and followed.
    """
    running = _active_backfill(api, dag_id, start, end)
    if running is not None:
        say(f"    following the running backfill {running['id']} of the same days")
        return running
    api.wait_for_backfills(dag_id, timeout=timeout)  # one backfill per DAG at a time
    try:
        return api.create_backfill(
            dag_id,
            start,
            end,
            reprocess_behavior="completed",
            max_active_runs=max_active_runs,
            dag_run_conf=conf,
        )
    except httpx.TimeoutException:
        for _ in range(20):
            time.sleep(3)
            running = _active_backfill(api, dag_id, start, end)
            if running is not None:
                return running
        raise


def _wait_for_backfill(
    api,
    dag_id: str,
    backfill: dict,
    start: datetime,
    end: datetime,
    logical: set[datetime],
    timeout: float,
    say: Callable[[str], None],
) -> list[dict]:
    """Wait until the scheduler completes the backfill (its runs were cleared when it was created)."""
    deadline = time.monotonic() + timeout
    unhealthy: list[float | None] = [None]
    told: set[str] = set()
    while True:
        done = bool(api.backfill(backfill["id"]).get("completed_at"))
        runs = [r for r in api.runs_between(dag_id, start, end) if _parse(r["logical_date"]) in logical]
        for run in runs:
            if run["state"] in ("success", "failed") and run["dag_run_id"] not in told:
                told.add(run["dag_run_id"])
                say(f"    {run['data_interval_start'][:10]}: {run['state']} ({run['dag_run_id']})")
        if done:
            return runs
        api.watch_scheduler(unhealthy)
        if time.monotonic() > deadline:
            states = {r["dag_run_id"]: r["state"] for r in runs}
            raise TimeoutError(
                f"backfill {backfill['id']} of {dag_id} not done within {timeout:.0f}s: {states}"
            )
        time.sleep(3)
