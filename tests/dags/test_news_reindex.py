"""news_reindex end to end: real Airflow (`dag.test()`), the sample site over HTTP, the real OpenSearch node.

One sample day (two sources) is ingested with news_ingest into a test alias; then news_reindex copies it
(index mode), rebuilds it from the stored WARC archive (archive mode) and drops an old version (drop_old).
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path

import pytest
from airflow_harness import expected_paths, url_path

pytestmark = [pytest.mark.airflow, pytest.mark.opensearch, pytest.mark.slow]

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"
ALIAS = "t_reindex_dag"
DAY = date(2026, 11, 5)
SOURCES = ["daily-ledger", "morning-buzz"]


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


@pytest.fixture(scope="module")
def ingested(settings, sample_site, opensearch_client, dagbag, tmp_path_factory):
    """One day ingested into ALIAS with its own storage root; yields the news_ingest run id and the root."""
    from newsingest.schedule import manual_logical_date
    from newsingest.services.airflow import migrate

    migrate(settings)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSINGEST_SAMPLE_SITE_URL", sample_site.url)
        mp.setenv("NEWSINGEST_INDEX", ALIAS)
        mp.setenv("NEWSINGEST_RUNS_INDEX", f"{ALIAS}-runs")
        mp.setenv("NEWSINGEST_BATCH_SIZE", "50")
        root = str(tmp_path_factory.mktemp("reindex") / "storage")
        mp.setenv("NEWSINGEST_STORAGE_ROOT", root)
        opensearch_client.indices.delete(index=f"{ALIAS}*", ignore_unavailable=True)
        run = dagbag.dags["news_ingest"].test(
            logical_date=manual_logical_date(DAY), run_conf={"sources": SOURCES}
        )
        assert run.state == "success"
        try:
            yield run.run_id, root
        finally:
            opensearch_client.indices.delete(index=f"{ALIAS}*", ignore_unavailable=True)


DEFAULTS = {
    "mode": "index",
    "runs": [],
    "since": None,
    "until": None,
    "keep_unlisted": True,
    "drop_old": False,
    "dry_run": False,
}


def _reindex(dagbag, **conf):
    # Every param given: dag.test() keeps the previous run's conf in the DAG object's params.
    return dagbag.dags["news_reindex"].test(run_conf={**DEFAULTS, **conf})


def _docs(client, index: str) -> dict[str, dict]:
    client.indices.refresh(index=index)
    resp = client.search(
        index=index,
        body={"query": {"match_all": {}}, "size": 1000, "_source": ["first_seen", "canonical_url"]},
    )
    return {hit["_id"]: hit["_source"] for hit in resp["hits"]["hits"]}


def _aliases(client) -> tuple[list[str], list[str]]:
    from newsingest.load.index import alias_indices

    return alias_indices(client, ALIAS), alias_indices(client, f"{ALIAS}-write")


def _versions(client) -> list[str]:
    from newsingest.load.index import existing_versions

    return sorted(existing_versions(client, ALIAS).values())


def _states(run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


def test_params_are_validated(dagbag):
    dag = dagbag.dags["news_reindex"]
    assert dag.schedule is None or dag.timetable.summary in ("None", "Never")
    assert set(dag.params.keys()) == {
        "mode",
        "runs",
        "since",
        "until",
        "keep_unlisted",
        "drop_old",
        "dry_run",
    }
    for key, bad in (("mode", "bogus"), ("since", "03/11/2026"), ("drop_old", "yes"), ("runs", "r1")):
        params = copy.deepcopy(dag.params)
        with pytest.raises(Exception, match=key if key != "mode" else "bogus"):
            params[key] = bad
            params.validate()


def test_index_mode_then_archive_mode_then_drop_old(dagbag, ingested, opensearch_client):
    from newsingest import storage

    client = opensearch_client
    run_id, root = ingested
    v1, v2, v3, v4 = (f"{ALIAS}-v{n}" for n in range(1, 5))
    assert _aliases(client) == ([v1], [v1])
    before = _docs(client, ALIAS)
    expected = expected_paths(DAY, set(SOURCES))
    assert len(expected) >= 3, "the sample catalog should have several articles on the test day"
    assert {url_path(d["canonical_url"]) for d in before.values()} == expected

    # A dry run changes nothing.
    dry = _reindex(dagbag, mode="archive", runs=[run_id], dry_run=True)
    assert dry.state == "success"
    assert _states(dry)["plan"] == "success" and _states(dry)["create_build"] == "skipped"
    assert _versions(client) == [v1] and _aliases(client) == ([v1], [v1])

    # Index mode: copy into v2 and swap; v1 is kept.
    run = _reindex(dagbag, mode="index")
    assert run.state == "success", _states(run)
    assert _states(run)["copy_index"] == "success" and _states(run)["create_build"] == "skipped"
    assert _aliases(client) == ([v2], [v2])
    assert _versions(client) == [v1, v2]
    assert _docs(client, ALIAS) == before  # same ids, same first_seen

    # Archive mode, from the stored run only: v3 is rebuilt from the WARC archive.
    run = _reindex(dagbag, mode="archive", runs=[run_id], keep_unlisted=False)
    assert run.state == "success", _states(run)
    states = _states(run)
    assert states["copy_index"] == "skipped" and states["finish"] == "success"
    reprocessed = [ti for ti in run.get_task_instances() if ti.task_id == "reprocess"]
    assert len(reprocessed) == len(SOURCES) and all(ti.state == "success" for ti in reprocessed)
    assert _aliases(client) == ([v3], [v3])
    assert _versions(client) == [v1, v2, v3]
    rebuilt = _docs(client, v3)
    assert set(rebuilt) == set(before)
    # ... and the documents came from re-processing the archive, not from the catch-up copy.
    enriched = storage.list_files(storage.join(root, "runs", f"reindex-{v3}", "enrich"), "*/*.jsonl.gz")
    assert {row["doc_id"] for path in enriched for row in storage.read_jsonl_gz(path)} == set(before)
    assert {k: v["first_seen"] for k, v in rebuilt.items()} == {k: v["first_seen"] for k, v in before.items()}
    assert not client.indices.exists_alias(name=f"{ALIAS}-build")

    # drop_old: the index behind the aliases before the run (v3) is deleted, older versions stay.
    run = _reindex(dagbag, mode="index", drop_old=True)
    assert run.state == "success", _states(run)
    assert _aliases(client) == ([v4], [v4])
    assert _versions(client) == [v1, v2, v4]
    assert set(_docs(client, ALIAS)) == set(before)


@pytest.mark.usefixtures("ingested")
def test_archive_selection_by_day_and_unknown_runs(dagbag, opensearch_client):
    before = _versions(opensearch_client)
    # The stored run ingested DAY (its quality.json says so): a range around it plans, one after it fails.
    ok = _reindex(dagbag, mode="archive", since=DAY.isoformat(), until=DAY.isoformat(), dry_run=True)
    assert ok.state == "success" and _states(ok)["plan"] == "success"
    later = (DAY + timedelta(days=1)).isoformat()
    for conf in ({"since": later}, {"runs": ["manual__1999-01-01T00:00:00+00:00"]}):
        run = _reindex(dagbag, mode="archive", **conf)
        assert run.state == "failed", conf
        assert _states(run)["plan"] == "failed"
    assert _versions(opensearch_client) == before
