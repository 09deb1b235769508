"""End to end with real Airflow (`dag.test()`), the sample site over HTTP and the real OpenSearch node."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

pytestmark = [pytest.mark.airflow, pytest.mark.opensearch, pytest.mark.slow]

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"
ALIAS = "t_e2e_news"
DAY = date(2026, 11, 3)
INDEXED_KINDS = {"article", "repost", "liveblog", "gallery", "paywall"}  # consent walls are dropped


@pytest.fixture(scope="module")
def airflow_db(settings):
    from newsingest.services.airflow import migrate

    migrate(settings)


@pytest.fixture
def run_env(monkeypatch, tmp_path, sample_site, opensearch_client):
    monkeypatch.setenv("NEWSINGEST_SAMPLE_SITE_URL", sample_site.url)
    monkeypatch.setenv("NEWSINGEST_INDEX", ALIAS)
    monkeypatch.setenv("NEWSINGEST_RUNS_INDEX", f"{ALIAS}-runs")
    monkeypatch.setenv("NEWSINGEST_BATCH_SIZE", "3")  # several mapped batches per source
    monkeypatch.setenv("NEWSINGEST_STORAGE_ROOT", str(tmp_path / "storage"))
    opensearch_client.indices.delete(index=f"{ALIAS}*", ignore_unavailable=True)
    yield
    opensearch_client.indices.delete(index=f"{ALIAS}*", ignore_unavailable=True)


def _run_day(day: date):
    from airflow.dag_processing.dagbag import DagBag
    from newsingest.schedule import manual_logical_date

    dag = DagBag(dag_folder=str(DAGS_DIR)).dags["news_ingest"]
    return dag.test(logical_date=manual_logical_date(day))


def _docs(client) -> dict[str, dict]:
    client.indices.refresh(index=ALIAS)
    resp = client.search(index=ALIAS, body={"query": {"match_all": {}}, "size": 500})
    return {hit["_id"]: hit["_source"] for hit in resp["hits"]["hits"]}


def test_one_day_lands_in_opensearch_and_a_rerun_adds_nothing(airflow_db, run_env, opensearch_client):
    from newsingest.sample_site.catalog import articles_on
    from newsingest.web.urls import canonicalize, doc_id

    expected = [a for a in articles_on(DAY) if a.kind in INDEXED_KINDS]
    assert expected, "the sample catalog has no article on the test day"

    first = _run_day(DAY)
    assert first.state == "success"
    docs = _docs(opensearch_client)
    by_path = {}
    for source in docs.values():
        by_path[source["canonical_url"].split("://", 1)[1].split("/", 1)[1]] = source
    expected_paths = {a.path.lstrip("/") for a in expected}
    assert expected_paths <= set(by_path), f"missing: {sorted(expected_paths - set(by_path))}"
    assert len(docs) == len(expected), sorted(by_path)

    # A known article: title, body and entities as the catalog says.
    known = next(a for a in expected if a.kind == "article" and a.persons)
    doc = by_path[known.path.lstrip("/")]
    assert doc["title"] == known.title
    assert known.paragraphs[0] in doc["body"]
    assert set(known.persons) <= set(doc["persons"]), (known.persons, doc["persons"])
    first_seen = {k: v["first_seen"] for k, v in docs.items()}
    clusters = {k: v["cluster_id"] for k, v in docs.items()}
    assert any(t.task_id == "consolidate" and t.state == "success" for t in first.get_task_instances())
    any_url = next(iter(docs.values()))["canonical_url"]
    assert doc_id(canonicalize(any_url)) in docs  # documents are keyed by the canonical URL's hash

    second = _run_day(DAY)
    assert second.state == "success"
    again = _docs(opensearch_client)
    assert set(again) == set(docs)  # no duplicates, nothing lost
    assert {k: v["first_seen"] for k, v in again.items()} == first_seen
    assert {k: v["cluster_id"] for k, v in again.items()} == clusters  # the consolidate step is stable


def test_a_failed_gate_fails_the_run_its_report_says_so_and_a_plain_rerun_is_judged_again(
    airflow_db, run_env, monkeypatch, tmp_path, opensearch_client
):
    """The gate's verdict reaches the report through Airflow (XCom pushed before the gate raises, the
    report a teardown), and a rerun whose pages all answer 304 is judged on the same articles."""
    from newsingest.storage import safe_part

    monkeypatch.setenv("NEWSINGEST_GATE_TITLE_FILL_FAIL_BELOW", "1.01")  # impossible: every run fails
    reports = []
    for _ in range(2):
        run = _run_day(DAY)
        assert run.state == "failed"
        folder = tmp_path / "storage" / "runs" / safe_part(run.run_id)
        quality = json.loads((folder / "quality.json").read_text())
        report = (folder / "report.md").read_text()
        assert "Run outcome: **failed**" in report and "title_fill" in report, report[:2000]
        assert quality["status"] == "failed" and sum(f["articles"] for f in quality["figures"].values()) > 0
        reports.append(quality["totals"])
    first, rerun = reports
    assert rerun["not_modified"] > 0 and rerun["fetched"] == 0  # nothing fetched in full the second time
    assert rerun["cleaned"] == first["cleaned"] and rerun["in_index"] == first["in_index"] > 0
    assert rerun["reused"] == first["cleaned"]  # unchanged articles keep their enrichment
