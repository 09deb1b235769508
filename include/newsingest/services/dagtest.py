"""Run ``news_ingest`` for given days in this process with ``dag.test()``.

One process for all days pays Airflow's start-up and the model loading once. Airflow's own log
output goes to a log file; the caller gets one progress line per day.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newsingest.config import PROJECT_ROOT, Settings
from newsingest.schedule import manual_logical_date


@dataclass(frozen=True)
class DayRun:
    day: date
    state: str
    seconds: float
    run_id: str


@contextmanager
def _output_to(log_file: Path):
    """Send this process's stdout and stderr (file descriptors 1 and 2) to ``log_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log_file.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield saved[0]
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def run_days(
    settings: Settings,
    days: Iterable[date],
    log_file: Path,
    progress: Callable[[str], None] | None = None,
    dag_id: str = "news_ingest",
) -> list[DayRun]:
    """``dag.test()`` one run per day; returns each run's state. Airflow must not be imported yet."""
    from newsingest.services.airflow import airflow_env

    os.environ.update(airflow_env(settings))
    results: list[DayRun] = []
    with _output_to(log_file) as console:

        def say(line: str) -> None:
            os.write(console, (line + "\n").encode())
            if progress:
                progress(line)

        from airflow.dag_processing.dagbag import DagBag

        bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
        if dag_id not in bag.dags:
            raise RuntimeError(f"DAG {dag_id} did not load: {bag.import_errors}")
        dag = bag.dags[dag_id]
        for day in days:
            logical = manual_logical_date(day, settings.schedule.time)
            say(f"    {dag_id} for {day} (logical date {logical.isoformat()}) ...")
            started = time.monotonic()
            run = dag.test(logical_date=logical)
            took = time.monotonic() - started
            state = str(getattr(run.state, "value", run.state))
            results.append(DayRun(day, state, took, run.run_id))
            say(f"    {day}: {state} in {took:.1f}s")
            if state != "success":
                break
    return results
