"""newsingest.reindex_runner against a real storage folder and the real OpenSearch node.

The full archive re-processing (clean and enrich from WARC) runs in tests/dags/test_news_reindex.py.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from newsingest import layout, storage
from newsingest.load.reindex import (
    ReindexRunError,
    build_alias_for,
    carry_over,
    create_build,
    discard_build,
    index_state,
)
from newsingest.reindex_runner import (
    fetch_batches,
    finish_build,
    list_runs,
    plan_archive,
    reindex_from_index,
    run_day,
    select_runs,
)

ALIAS = "t_reindex_runner"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _stored_run(root: str, run_id: str, day: date | None, sources=("alpha", "beta"), batches=("b0000",)):
    for source in sources:
        for batch in batches:
            storage.write_jsonl_gz(layout.stage_path(root, run_id, "fetch", source, batch), [{"url": "x"}])
    if day is not None:
        record = {"run_id": run_id, "interval_start": f"{day.isoformat()}T00:00:00+00:00"}
        path = storage.join(root, "runs", storage.safe_part(run_id), "quality.json")
        storage.write_bytes_atomic(path, json.dumps(record).encode())


@pytest.fixture
def root(tmp_path) -> str:
    root = str(tmp_path / "storage")
    _stored_run(root, "scheduled__2026-11-03T02:00:00+00:00", date(2026, 11, 3), batches=("b0000", "b0001"))
    _stored_run(root, "scheduled__2026-11-04T02:00:00+00:00", date(2026, 11, 4))
    _stored_run(root, "manual__no-report", None, sources=("alpha",))
    # Not runs an archive build can use: an earlier build's own files, a run that fetched nothing.
    storage.write_jsonl_gz(layout.stage_path(root, "reindex-news-v2", "clean", "alpha", "x"), [])
    storage.write_jsonl_gz(layout.stage_path(root, "empty", "discover", "alpha", "all"), [])
    return root


def test_list_and_select_runs(root):
    nov3, nov4 = "scheduled__2026-11-03T02_00_00+00_00", "scheduled__2026-11-04T02_00_00+00_00"
    assert list_runs(root) == ["manual__no-report", nov3, nov4]
    assert run_day(root, nov4) == date(2026, 11, 4)
    assert run_day(root, "manual__no-report") is None
    assert [(b.source, b.batch) for b in fetch_batches(root, nov3)] == [
        ("alpha", "b0000"),
        ("alpha", "b0001"),
        ("beta", "b0000"),
        ("beta", "b0001"),
    ]

    assert select_runs(root) == ["manual__no-report", nov3, nov4]
    # Run ids as Airflow shows them are accepted (mapped to their folder names).
    assert select_runs(root, ["scheduled__2026-11-04T02:00:00+00:00"]) == [nov4]
    assert select_runs(root, since="2026-11-04") == [nov4]  # runs with no known day are left out
    assert select_runs(root, until=date(2026, 11, 3)) == [nov3]
    assert select_runs(root, [nov3, nov4], since="2026-11-03", until="2026-11-03") == [nov3]

    batches = plan_archive(root, [nov3])
    assert len(batches) == 4 and {b.run for b in batches} == {nov3}
    assert all(storage.exists(b.path) for b in batches)


def test_select_runs_rejects_bad_input(root, tmp_path):
    with pytest.raises(ValueError, match="nope"):
        select_runs(root, ["nope"])
    with pytest.raises(ValueError, match="since=2026-11-05 is after until=2026-11-04"):
        select_runs(root, since="2026-11-05", until="2026-11-04")
    with pytest.raises(ValueError, match="since='11/03/2026'"):
        select_runs(root, since="11/03/2026")
    with pytest.raises(ValueError, match="no stored run"):
        select_runs(root, since="2027-01-01")
    with pytest.raises(ValueError, match="no stored run"):
        select_runs(str(tmp_path / "elsewhere"))


# --------------------------------------------------------------------------- OpenSearch


@pytest.fixture
def client(opensearch_client):
    opensearch_client.indices.delete(index=f"{ALIAS}*", ignore_unavailable=True)
    yield opensearch_client
    opensearch_client.indices.delete(index=f"{ALIAS}*", ignore_unavailable=True)
    opensearch_client.indices.delete_index_template(name=f"{ALIAS}-template", ignore=[404])


def _doc(doc_id: str, first_seen: datetime, last_crawled: datetime, title: str = "t") -> dict:
    return {
        "doc_id": doc_id,
        "canonical_url": f"https://example.org/{doc_id}",
        "title": title,
        "first_seen": _iso(first_seen),
        "last_crawled": _iso(last_crawled),
    }


def _put(client, index: str, *docs: dict) -> None:
    for doc in docs:
        client.index(index=index, id=doc["doc_id"], body=doc)
    client.indices.refresh(index=index)


def _all(client, index: str) -> dict[str, dict]:
    client.indices.refresh(index=index)
    hits = client.search(index=index, body={"query": {"match_all": {}}, "size": 100})["hits"]["hits"]
    return {h["_id"]: h["_source"] for h in hits}


def test_carry_over_keeps_the_fresher_copy_and_the_earliest_first_seen(client):
    src, dst = f"{ALIAS}-src", f"{ALIAS}-dst"
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    day = timedelta(days=1)
    _put(
        client,
        src,
        _doc("only-live", t0, t0 + 5 * day, "live"),
        _doc("live-fresher", t0, t0 + 3 * day, "live"),
        _doc("build-fresher", t0 - day, t0 + day, "live"),
        _doc("same-crawl", t0, t0 + 2 * day, "live"),
        _doc("old", t0 - 9 * day, t0 - 9 * day, "live"),
    )
    _put(
        client,
        dst,
        _doc("live-fresher", t0 + day, t0 + 2 * day, "build"),
        _doc("build-fresher", t0, t0 + 4 * day, "build"),
        _doc("same-crawl", t0, t0 + 2 * day, "build"),
    )

    counts = carry_over(client, src, dst, since=t0)
    assert counts == {"seen": 4, "written": 3, "unchanged": 1}
    docs = _all(client, dst)
    assert "old" not in docs  # crawled before `since`
    assert docs["only-live"]["title"] == "live"
    assert docs["live-fresher"]["title"] == "live"
    assert docs["live-fresher"]["first_seen"] == _iso(t0)
    assert docs["build-fresher"]["title"] == "build"  # the build's copy is fresher: kept
    assert docs["build-fresher"]["first_seen"] == _iso(t0 - day)  # but the earliest first_seen wins
    assert docs["same-crawl"]["title"] == "build"  # same crawl: the re-processed copy stays

    assert carry_over(client, src, dst)["written"] == 1  # no `since`: "old" too; the rest is unchanged
    assert set(_all(client, dst)) == {"only-live", "live-fresher", "build-fresher", "same-crawl", "old"}


def test_build_is_invisible_until_finished_then_aliases_swap_at_once(client):
    from newsingest.load.index import alias_indices, ensure_index, write_alias_for

    v1, v2 = f"{ALIAS}-v1", f"{ALIAS}-v2"
    ensure_index(client, ALIAS, replicas=0)
    now = datetime.now(UTC)
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    _put(client, write_alias_for(ALIAS), _doc("a", long_ago, long_ago), _doc("b", now, now))

    build = create_build(client, ALIAS)
    assert build["index"] == v2 and build["previous"] == v1
    assert alias_indices(client, ALIAS) == [v1]
    assert alias_indices(client, write_alias_for(ALIAS)) == [v1]
    assert alias_indices(client, build_alias_for(ALIAS)) == [v2]
    assert index_state(client, ALIAS)["build"] == [v2]
    with pytest.raises(ReindexRunError, match="another build"):
        create_build(client, ALIAS)
    with pytest.raises(ReindexRunError, match="archive build is under way"):
        reindex_from_index(client, ALIAS)

    # The build gets "b" re-processed; meanwhile a nightly load writes "c" to the live index.
    _put(client, build_alias_for(ALIAS), _doc("b", now, now, "rebuilt"))
    _put(client, write_alias_for(ALIAS), _doc("c", now, now))

    result = finish_build(client, build, keep_unlisted=False)
    assert alias_indices(client, ALIAS) == [v2]
    assert alias_indices(client, write_alias_for(ALIAS)) == [v2]
    assert alias_indices(client, build_alias_for(ALIAS)) == []
    assert client.indices.exists(index=v1)  # kept
    assert result["dropped"] == []
    docs = _all(client, ALIAS)
    assert set(docs) == {"b", "c"}  # "a" was not re-processed and is older than the catch-up window
    assert docs["b"]["title"] == "rebuilt"

    # keep_unlisted carries everything the build lacks; drop_old deletes the previous index.
    build = create_build(client, ALIAS)
    assert build["index"] == f"{ALIAS}-v3"
    result = finish_build(client, build, keep_unlisted=True, drop_old=True)
    assert result["dropped"] == [v2]
    assert not client.indices.exists(index=v2)
    assert set(_all(client, ALIAS)) == {"b", "c"}


def test_discard_build_removes_only_an_unfinished_build(client):
    from newsingest.load.index import alias_indices, ensure_index

    ensure_index(client, ALIAS, replicas=0)
    build = create_build(client, ALIAS)
    assert discard_build(client, ALIAS) == [build["index"]]
    assert not client.indices.exists(index=build["index"])
    assert alias_indices(client, ALIAS) == [f"{ALIAS}-v1"]
    assert discard_build(client, ALIAS) == []  # nothing left: a no-op
    with pytest.raises(ReindexRunError, match="discarded"):
        finish_build(client, build)
