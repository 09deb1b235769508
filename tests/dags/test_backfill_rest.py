"""Backfills through Airflow's REST API on a real ``airflow standalone``, and the quality gate failing a run.

(a) ``POST /api/v2/backfills`` over three days of the sample window: one run per day, each day's articles
in OpenSearch; the same backfill again with ``reprocess_behavior: completed`` re-runs the same runs and
changes nothing (no duplicates, ``first_seen`` kept). (c) A threshold the run cannot meet fails the run,
and the quality gate's log names the source and the figure.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from airflow_harness import DAG_ID, day_bounds, docs_by_day, expected_paths, url_path

pytestmark = [pytest.mark.airflow, pytest.mark.opensearch, pytest.mark.slow]

DAYS = [date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 5)]
# Two of the four sample sources, through the DAG's `sources` param (the browser test runs all four).
SOURCES = ["daily-ledger", "meridian-wire"]


def _backfill_range(days: list[date]) -> tuple[datetime, datetime]:
    """From the first day's 00:00 to the last day's 23:59 UTC: one run per day (logical date D 02:00)."""
    start, _ = day_bounds(days[0])
    _, end = day_bounds(days[-1])
    return start, end - timedelta(minutes=1)


def _run_backfill(af, reprocess: str) -> dict[str, dict]:
    start, end = _backfill_range(DAYS)
    af.api.wait_for_backfills(DAG_ID)  # e.g. the browser test's, which the scheduler may not have closed yet
    backfill = af.api.create_backfill(
        DAG_ID, start, end, reprocess_behavior=reprocess, max_active_runs=3, dag_run_conf={"sources": SOURCES}
    )
    assert backfill["dag_id"] == DAG_ID and backfill["reprocess_behavior"] == reprocess
    deadline = time.monotonic() + 60
    while True:
        runs = [r for r in af.api.runs_between(DAG_ID, start, end) if r["run_type"] == "backfill"]
        if len(runs) == len(DAYS) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert len(runs) == len(DAYS), [r["dag_run_id"] for r in runs]
    finished = af.api.wait_for_runs(DAG_ID, [r["dag_run_id"] for r in runs], timeout=1200)
    af.api.wait_for_backfill(backfill["id"])
    return finished


def test_rest_backfill_one_run_per_day_and_reprocess_without_duplicates(
    airflow_standalone, opensearch_client
):
    af = airflow_standalone
    alias = af.settings.index_alias
    af.api.set_paused(DAG_ID, False)
    t0 = time.monotonic()
    runs = _run_backfill(af, "none")
    first_took = time.monotonic() - t0
    assert {r["state"] for r in runs.values()} == {"success"}, {k: r["state"] for k, r in runs.items()}
    # One run per day; each run's data interval starts on its day.
    interval_days = sorted(datetime.fromisoformat(r["data_interval_start"]).date() for r in runs.values())
    assert interval_days == DAYS

    first = docs_by_day(opensearch_client, alias, DAYS)
    for day in DAYS:
        got = {url_path(doc["canonical_url"]) for doc in first[day].values()}
        want = expected_paths(day, set(SOURCES))
        assert want and got == want, (day, sorted(got ^ want))

    # The report task wrote the report and indexed one figures document per source and run.
    opensearch_client.indices.refresh(index=af.runs_index)
    figures = opensearch_client.search(
        index=af.runs_index, body={"query": {"terms": {"run_id": list(runs)}}, "size": 100}
    )["hits"]["hits"]
    indexed_per_run: dict[str, int] = {}
    for hit in figures:
        doc = hit["_source"]
        indexed_per_run[doc["run_id"]] = indexed_per_run.get(doc["run_id"], 0) + doc["indexed"]
    by_day = {datetime.fromisoformat(r["data_interval_start"]).date(): rid for rid, r in runs.items()}
    assert {day: indexed_per_run.get(by_day[day]) for day in DAYS} == {day: len(first[day]) for day in DAYS}

    t1 = time.monotonic()
    again_runs = _run_backfill(af, "completed")
    second_took = time.monotonic() - t1
    assert set(again_runs) == set(runs)  # the same runs, cleared and run again
    assert {r["state"] for r in again_runs.values()} == {"success"}
    again = docs_by_day(opensearch_client, alias, DAYS)
    for day in DAYS:
        assert set(again[day]) == set(first[day]), day  # no duplicates, nothing lost
        assert {k: v["first_seen"] for k, v in again[day].items()} == {
            k: v["first_seen"] for k, v in first[day].items()
        }
    print(f"backfill of {len(DAYS)} days: {first_took:.0f}s; reprocess completed: {second_took:.0f}s")


def test_failing_quality_gate_fails_the_run_with_a_clear_message(airflow_standalone, opensearch_client):
    af = airflow_standalone
    day = date(2026, 11, 2)
    start, end = _backfill_range([day])
    af.set_thresholds("sources:\n  daily-ledger:\n    indexed: {fail_below: 1000}\n")
    try:
        af.api.wait_for_backfills(DAG_ID)
        conf = {"sources": ["daily-ledger", "meridian-wire"]}
        backfill = af.api.create_backfill(DAG_ID, start, end, dag_run_conf=conf)
        deadline = time.monotonic() + 60
        while not (runs := af.api.runs_between(DAG_ID, start, end)) and time.monotonic() < deadline:
            time.sleep(1)
        assert len(runs) == 1, runs
        run = runs[0]
        done = af.api.wait_for_runs(DAG_ID, [run["dag_run_id"]], timeout=900)[run["dag_run_id"]]
        af.api.wait_for_backfill(backfill["id"])
    finally:
        af.set_thresholds(None)
    assert done["state"] == "failed"
    tis = {t["task_id"]: t for t in af.api.task_instances(DAG_ID, run["dag_run_id"]) if t["map_index"] == -1}
    assert tis["quality_gate"]["state"] == "failed"
    assert tis["report"]["state"] == "success"  # the report is written even when the gate fails
    log = af.api.task_log(DAG_ID, run["dag_run_id"], "quality_gate", tis["quality_gate"]["try_number"])
    messages = set(re.findall(r"quality gate failed: [^\"\n]*", log))
    indexed = len(expected_paths(day, {"daily-ledger"}))
    assert messages == {f"quality gate failed: source daily-ledger: indexed {indexed} < 1000 (fail_below)"}, (
        log[-3000:]
    )

    quality_file = Path(af.settings.storage_root) / "runs" / _safe(run["dag_run_id"]) / "quality.json"
    quality = json.loads(quality_file.read_text())
    assert quality["status"] == "failed"
    assert [f["figure"] for f in quality["findings"] if f["level"] == "fail"] == ["indexed"]
    opensearch_client.indices.refresh(index=af.runs_index)
    statuses = {
        h["_source"]["source"]: h["_source"]["status"]
        for h in opensearch_client.search(
            index=af.runs_index, body={"query": {"term": {"run_id": run["dag_run_id"]}}, "size": 10}
        )["hits"]["hits"]
    }
    assert statuses["daily-ledger"] == "failed"
    assert statuses["meridian-wire"] in ("passed", "warned")


def _safe(run_id: str) -> str:
    from newsingest.storage import safe_part

    return safe_part(run_id)


def test_cli_backfill_dry_run_lists_one_run_per_day(airflow_standalone):
    """`airflow backfill create` with the project's environment sees the same one-run-per-day plan."""
    start, end = _backfill_range(DAYS)
    proc = airflow_standalone.service.run_cli(
        "backfill", "create", "--dag-id", DAG_ID, "--from-date", start.isoformat(), "--to-date",
        end.isoformat(), "--reprocess-behavior", "completed", "--dry-run",
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    for day in DAYS:
        assert f"{day.isoformat()} 02:00:00" in out or f"{day.isoformat()}T02:00:00" in out, out[-2000:]
    assert f"{(DAYS[-1] + timedelta(days=1)).isoformat()}T02:00" not in out


def test_bad_params_are_refused_by_airflow(airflow_standalone):
    """The DAG's params are JSON-schema validated: a backfill naming a source the sources file does not
    enable, or a malformed one, is refused."""
    from newsingest.services.airflow_api import AirflowAPIError

    af = airflow_standalone
    start, end = _backfill_range(DAYS)
    af.api.wait_for_backfills(DAG_ID)
    before = len(af.api.backfills(DAG_ID))
    # A malformed name, a well-formed name that is not in the sources file (the form's enum), a non-boolean.
    for conf in ({"sources": ["Daily Ledger!"]}, {"sources": ["no-such-source"]}, {"dry_run": "yes"}):
        with pytest.raises(AirflowAPIError, match=r"HTTP 4\d\d") as refused:
            af.api.create_backfill(DAG_ID, start, end, reprocess_behavior="completed", dag_run_conf=conf)
        message = str(refused.value)
        assert any(word in message for word in ("sources", "dry_run", "yes", "no-such-source")), message
    assert len(af.api.backfills(DAG_ID)) == before  # nothing was created
