"""An invalid sources file: the DAG still imports, and a run fails fast naming file, source and field."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from newsingest.sources import SourcesError

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"
BAD = """\
sources:
  - name: daily-ledger
    homepage: http://127.0.0.1:8765/ledger/
    feeds: ["http://127.0.0.1:8765/ledger/feed.xml"]
  - name: harbour-times
    homepage: http://127.0.0.1:8765/harbour/
    feeds: ["http://127.0.0.1:8765/harbour/feed.xml"]
    rate_limit: -2
"""


@pytest.fixture
def bad_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "sources.yaml"
    path.parent.mkdir()
    path.write_text(BAD)
    monkeypatch.setenv("NEWSINGEST_SOURCES", str(path))
    monkeypatch.setenv("NEWSINGEST_STORAGE_ROOT", str(tmp_path / "storage"))
    return path


def _names_file_source_field(message: str, path: Path) -> bool:
    return str(path) in message and "harbour-times" in message and "rate_limit" in message


def test_stage_runner_fails_fast_with_file_source_and_field(bad_sources: Path) -> None:
    from newsingest.config import load_settings
    from newsingest.pipeline import load_source_names

    with pytest.raises(SourcesError) as info:
        load_source_names(load_settings())
    assert _names_file_source_field(str(info.value), bad_sources), info.value


@pytest.mark.slow
@pytest.mark.airflow
def test_dag_imports_and_the_run_fails_at_the_first_task(
    bad_sources: Path, settings, capfd: pytest.CaptureFixture[str]
) -> None:
    from airflow.dag_processing.dagbag import DagBag
    from newsingest.config import load_settings
    from newsingest.schedule import manual_logical_date
    from newsingest.services.airflow import migrate
    from newsingest.storage import safe_part

    migrate(settings)
    bag = DagBag(dag_folder=str(DAGS_DIR))
    assert bag.import_errors == {}, bag.import_errors  # parsing never reads the sources file
    dag = bag.dags["news_ingest"]
    started = time.monotonic()
    from datetime import date

    run = dag.test(logical_date=manual_logical_date(date(2026, 11, 3)))
    elapsed = time.monotonic() - started
    assert run.state == "failed"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states["load_sources"] == "failed", states
    # Nothing crawls; the gate decides (failed, naming the sources file) and the report says so.
    ran = {task for task, state in states.items() if state in ("success", "running")}
    assert not ran - {"begin", "report"}, f"tasks ran after the sources check failed: {states}"
    assert states["quality_gate"] == "failed", states
    captured = capfd.readouterr()
    logged = captured.out + captured.err  # Airflow's task log goes to the console in dag.test()
    assert _names_file_source_field(logged, bad_sources), logged[-3000:]
    report = Path(load_settings().storage_root) / "runs" / safe_part(run.run_id) / "report.md"
    text = report.read_text()
    assert "Run outcome: **failed**" in text and "load_sources failed" in text, text[:1500]
    assert _names_file_source_field(text, bad_sources), text[:1500]
    print(f"failed after {elapsed:.1f}s")
    assert elapsed < 90, f"the run took {elapsed:.0f}s to fail"
