"""`newsingest run --day D` against the real `airflow standalone` of the session.

The command makes a one-day backfill through the scheduler: the run has the logical date and data interval
of the scheduled run of D, its report states D, the command prints the figures and where the report is;
run again (here as a dry run) it re-runs the same run instead of adding one. A bad source name is refused
before anything starts.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from airflow_harness import DAG_ID, docs_by_day, expected_paths, url_path

pytestmark = [pytest.mark.airflow, pytest.mark.opensearch, pytest.mark.slow]

DAY = date(2026, 11, 2)
SOURCE = "atlas-one"


@pytest.fixture
def cli_env(airflow_standalone, monkeypatch):
    """The CLI's environment pointing at the session's Airflow, storage and index."""
    af = airflow_standalone
    s = af.settings
    monkeypatch.setenv("NEWSINGEST_HOME", str(s.home))
    monkeypatch.setenv("AIRFLOW_HOME", str(af.service.home))
    monkeypatch.setenv("NEWSINGEST_AIRFLOW_PORT", str(af.service.api_port))
    monkeypatch.setenv("NEWSINGEST_POSTGRES_PORT", str(af.service.postgres.port))
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", af.service.postgres.sqlalchemy_url())
    monkeypatch.setenv("NEWSINGEST_STORAGE_ROOT", s.storage_root)
    monkeypatch.setenv("NEWSINGEST_INDEX", s.index_alias)
    monkeypatch.setenv("NEWSINGEST_SAMPLE_SITE_PORT", str(s.sample_site_port))
    return af


def _run(*args: str):
    from click.testing import CliRunner
    from newsingest.cli import main

    return CliRunner().invoke(main, ["run", *args], catch_exceptions=False)


def test_run_one_day_through_the_dag(cli_env, opensearch_client):
    from newsingest.schedule import scheduled_logical_date

    af = cli_env
    result = _run("--day", DAY.isoformat(), "--sources", SOURCE)
    out = result.output
    assert result.exit_code == 0, out[-3000:]
    run_id = re.search(r"^run (\S+): success", out, re.M).group(1)
    assert f"day {DAY.isoformat()}; quality gate: " in out
    assert re.search(r'^figures: \{.*"indexed": \d+', out, re.M), out[-2000:]
    report = Path(re.search(r"^report: (\S+report\.md)", out, re.M).group(1))
    assert report.is_file() and f"{DAY.isoformat()}T00:00:00" in report.read_text()

    run = af.api.dag_run(DAG_ID, run_id)
    logical = scheduled_logical_date(DAY)
    assert run["logical_date"].replace("Z", "+00:00") == logical.isoformat()
    assert run["data_interval_start"].replace("Z", "+00:00") == logical.isoformat()
    assert run["conf"]["sources"] == [SOURCE]
    found = docs_by_day(opensearch_client, af.settings.index_alias, [DAY])[DAY]
    got = {url_path(d["canonical_url"]) for d in found.values() if d["source"] == SOURCE}
    assert got == expected_paths(DAY, {SOURCE})

    # Again, as a dry run: the same run is run again (no second run of the day), nothing is loaded.
    again = _run("--day", DAY.isoformat(), "--sources", SOURCE, "--dry-run")
    assert again.exit_code == 0, again.output[-3000:]
    assert re.search(r"^run (\S+): success", again.output, re.M).group(1) == run_id
    day_runs = af.api.runs_between(DAG_ID, logical, logical)
    assert [r["dag_run_id"] for r in day_runs] == [run_id]
    assert af.api.dag_run(DAG_ID, run_id)["conf"]["dry_run"] is True


def test_run_refuses_an_unknown_source_before_starting_anything(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSINGEST_HOME", str(tmp_path))
    result = _run("--day", DAY.isoformat(), "--sources", "no-such-source")
    assert result.exit_code == 2
    assert "no-such-source" in result.output and "--sources" in result.output
    assert not (tmp_path / "postgres").exists() and not (tmp_path / "run").exists()
