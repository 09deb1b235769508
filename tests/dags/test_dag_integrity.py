"""Every DAG imports cleanly, declares owners and retries, and does no heavy work at parse time."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"
DAG_FILES = sorted(p for p in DAGS_DIR.glob("*.py") if not p.name.startswith("_"))
# Modules that must never load while Airflow parses a DAG file (model loading, parsers, clients).
HEAVY = (
    "spacy",
    "bs4",
    "lxml",
    "opensearchpy",
    "lingua",
    "yake",
    "datasketch",
    "warcio",
    "newsingest.enrich",
    "newsingest.clean",
    "newsingest.crawl",
    "newsingest.load",
)


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_dag_files_exist():
    assert [p.name for p in DAG_FILES], "no DAG files found"


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert {"news_ingest", "news_reindex"} <= set(dagbag.dags)


def test_owners_retries_and_docs(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.doc_md, f"{dag_id} has no doc_md"
        assert dag.tags, f"{dag_id} has no tags"
        for t in dag.tasks:
            assert t.owner and t.owner != "airflow", f"{dag_id}.{t.task_id} has no owner"
            assert t.doc_md, f"{dag_id}.{t.task_id} has no doc_md"
            assert t.execution_timeout is not None, f"{dag_id}.{t.task_id} has no execution_timeout"
        assert any(t.retries > 0 for t in dag.tasks), f"{dag_id} retries nothing"


def test_every_task_pushes_one_xcom(dagbag):
    """A task returning a summary dict pushes it as one XCom: not one per key besides (Airflow infers
    that from a `-> dict` annotation), each of which costs an API call and a row per task instance."""
    for dag_id, dag in dagbag.dags.items():
        for task in dag.tasks:
            assert not getattr(task, "multiple_outputs", False), f"{dag_id}.{task.task_id} unrolls its dict"


def test_news_ingest_has_one_day_interval(dagbag):
    from datetime import UTC, datetime

    from airflow.serialization.encoders import coerce_to_core_timetable

    dag = dagbag.dags["news_ingest"]
    timetable = coerce_to_core_timetable(dag.timetable)  # what the scheduler uses
    interval = timetable.infer_manual_data_interval(run_after=datetime(2026, 11, 5, 12, tzinfo=UTC))
    assert (interval.end - interval.start).total_seconds() == 86400
    assert interval.start == datetime(2026, 11, 4, 2, tzinfo=UTC)  # the day before, 02:00 to 02:00
    assert dag.catchup is False and dag.max_active_runs <= 4


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.name)
def test_parse_time_imports_nothing_heavy(dag_file):
    """Import the DAG file in a fresh interpreter and list which heavy modules it pulled in."""
    code = (
        "import importlib.util, json, sys, time\n"
        f"spec = importlib.util.spec_from_file_location('dagfile', {str(dag_file)!r})\n"
        "mod = importlib.util.module_from_spec(spec)\n"
        "t = time.perf_counter(); spec.loader.exec_module(mod); took = time.perf_counter() - t\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'heavy': heavy, 'seconds': took}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{dag_file.name}: imported in {result['seconds']:.2f}s")
    assert result["heavy"] == [], f"{dag_file.name} imports {result['heavy']} at parse time"


def test_news_ingest_structure(dagbag):
    """Fetches share the crawl pool, the load declares the index asset, the gate decides the run's state and
    the report always runs without deciding it."""
    dag = dagbag.dags["news_ingest"]
    tasks = {t.task_id: t for t in dag.tasks}
    assert tasks["fetch"].pool == "crawl"
    alias = os.environ.get("NEWSINGEST_INDEX") or "news"
    assert [(o.name, o.uri) for o in tasks["load"].outlets] == [
        (f"opensearch_index_{alias}", f"opensearch://{alias}/")
    ]
    assert tasks["quality_gate"].trigger_rule == "all_done"
    assert tasks["report"].is_teardown and not tasks["report"].on_failure_fail_dagrun
    assert tasks["begin"].is_setup and not tasks["load_sources"].is_setup  # a bad sources file still reports
    assert tasks["report"].upstream_task_ids >= {"quality_gate", "begin"}
    assert {t.task_id for t in dag.leaves} == {"report"}
    assert tasks["quality_gate"].downstream_task_ids == {"report"}
    # the template is installed once per run, before any load (not by every load batch)
    assert tasks["prepare_index"].upstream_task_ids == {"load_sources"}
    assert tasks["prepare_index"].downstream_task_ids == {"load"}
    assert set(dag.params.keys()) == {"sources", "force_refetch", "dry_run"}
    for key, bad in (("sources", ["Not a slug!"]), ("dry_run", "yes")):
        params = copy.deepcopy(dag.params)
        with pytest.raises(Exception, match=r"Not a slug|yes|sources|dry_run"):
            params[key] = bad
            params.validate()


def test_news_ingest_params_are_optional_and_sources_come_from_the_sources_file(dagbag):
    """The form marks a param required unless its type allows null; empty/off is valid for all three.
    The source names are an enum of the sources file's enabled sources (read at parse time)."""
    from newsingest.config import load_settings
    from newsingest.pipeline import load_source_names

    params = dagbag.dags["news_ingest"].params
    for name in ("sources", "force_refetch", "dry_run"):
        assert "null" in params.get_param(name).schema["type"], name
    sources = params.get_param("sources").schema
    assert sources["items"]["enum"] == load_source_names(load_settings())
    assert sources["examples"] == sources["items"]["enum"]  # the form's multi-select offers them
    assert params.get_param("sources").value == []
    assert params.get_param("force_refetch").value is False and params.get_param("dry_run").value is False


def test_news_ingest_doc_names_the_forms_choices(dagbag):
    doc = dagbag.dags["news_ingest"].doc_md
    assert "All Runs" in doc and "Reprocess completed" not in doc
    assert "Max Active Runs" in doc
