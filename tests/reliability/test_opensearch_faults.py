"""OpenSearch faults during a load: the node stopped mid-load, and bulk rejections (429) under pressure.

Both run against a private node (port 9250, own data folder), never the shared node on 9200.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newsingest.bench.synthetic import synthetic_articles
from newsingest.load.bulk import LoadError, LoadReport, load_articles
from newsingest.load.client import make_client
from newsingest.load.document import iso
from newsingest.load.index import ensure_index
from newsingest.models import EnrichedArticle
from opensearchpy import OpenSearch
from opensearchpy.helpers import scan

pytestmark = [pytest.mark.slow, pytest.mark.opensearch]

# One private node for both tests (a node start costs 20-60 s): a write pool of one thread with a queue
# of one makes concurrent loaders meet 429s, while a single sequential loader is not throttled.
TINY_WRITE_POOL = {"thread_pool.write.queue_size": "1", "thread_pool.write.size": "1"}
T1 = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 6, 6, 0, tzinfo=UTC)


def _articles(n: int, seed: int, fetched_at: datetime) -> list[EnrichedArticle]:
    return [a.model_copy(update={"fetched_at": fetched_at}) for a in synthetic_articles(n, seed=seed)]


def _first_seen(client: OpenSearch, alias: str) -> dict[str, str]:
    client.indices.refresh(index=alias)
    hits = scan(client, index=alias, query={"query": {"match_all": {}}}, _source=["first_seen"], size=1000)
    out: dict[str, str] = {}
    for hit in hits:
        assert hit["_id"] not in out, f"document {hit['_id']} returned twice"
        out[hit["_id"]] = hit["_source"]["first_seen"]
    return out


def _dead_ids(path: Path) -> set[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return {json.loads(line)["doc_id"] for line in fh if line.strip()}


def _count(client: OpenSearch, alias: str) -> int:
    try:
        return int(client.count(index=alias)["count"])
    except Exception:
        return -1


@pytest.fixture(scope="module")
def node(private_node):
    return private_node(9250, TINY_WRITE_POOL)


def test_bulk_rejections_are_retried_and_counts_reconcile(node, tmp_path: Path) -> None:
    alias = "t_rel_429"
    client = make_client(node.url, timeout=30, max_retries=1)
    ensure_index(client, alias, shards=2)
    writers, per_writer = 4, 800
    batches = [_articles(per_writer, seed=100 + w, fetched_at=T1) for w in range(writers)]
    reports: list[LoadReport | Exception] = [None] * writers  # type: ignore[list-item]

    def run(w: int) -> None:
        try:
            reports[w] = load_articles(
                client,
                alias,
                batches[w],
                dead_letter_path=str(tmp_path / f"dead-{w}.jsonl"),
                chunk_docs=50,
                max_retries=10,
                initial_backoff=0.05,
                max_backoff=1.0,
                max_error_ratio=1.0,
            )
        except Exception as exc:
            reports[w] = exc

    threads = [threading.Thread(target=run, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert all(isinstance(r, LoadReport) for r in reports), reports
    done: list[LoadReport] = reports  # type: ignore[assignment]
    retried = sum(r.retried for r in done)
    assert retried > 0, "the tiny write queue produced no 429s; the test did not exercise retries"
    for r in done:
        assert r.received == per_writer == r.indexed + r.failed + r.skipped, r.summary()
        assert len(_dead_ids(Path(r.dead_letter_path or ""))) == r.failed
    indexed = sum(r.indexed for r in done)
    client.indices.refresh(index=alias)
    assert int(client.count(index=alias)["count"]) == indexed
    # Documents still rejected after the last retry round are dead letters with their 429, not lost silently.
    dead_rows = [
        json.loads(line)
        for r in done
        for line in Path(r.dead_letter_path or "").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert all(row["status"] == 429 for row in dead_rows), {row["error_type"] for row in dead_rows}
    # A sequential rerun (what the Airflow retry does) loads exactly what was missing.
    rerun = [
        load_articles(client, alias, batch, dead_letter_path=None, chunk_docs=200, max_retries=10,
                      initial_backoff=0.05, max_backoff=1.0)
        for batch in batches
    ]  # fmt: skip
    assert sum(r.created for r in rerun) == writers * per_writer - indexed
    assert all(r.failed == 0 and r.reconciled() for r in rerun)
    client.indices.refresh(index=alias)
    assert int(client.count(index=alias)["count"]) == writers * per_writer
    print(f"429 retries: {retried}; dead letters after retries: {len(dead_rows)}")


def test_node_stopped_mid_load_then_rerun_is_exact(node, tmp_path: Path) -> None:
    n = 3000
    alias = "t_rel_stop"
    client = make_client(node.url, timeout=10, max_retries=1)
    ensure_index(client, alias, refresh_interval="200ms")
    first = _articles(n, seed=11, fetched_at=T1)
    expected = {a.doc_id for a in first}
    assert len(expected) == n

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["report"] = load_articles(
                client,
                alias,
                first,
                dead_letter_path=str(tmp_path / "dead-1.jsonl"),
                chunk_docs=100,
                max_retries=2,
                initial_backoff=0.1,
                settle_timeout=5,  # the node stays down: nothing can be checked (see test_day_integrity)
            )
        except Exception as exc:
            outcome["error"] = exc

    loader = threading.Thread(target=run, daemon=True)
    watcher = make_client(node.url, timeout=5, max_retries=0)
    loader.start()
    deadline = time.monotonic() + 120
    while _count(watcher, alias) < 800 and loader.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert loader.is_alive(), f"the load finished before the node could be stopped: {outcome}"
    node.stop()  # SIGTERM: the node shuts down while bulk requests are in flight
    loader.join(timeout=180)
    assert not loader.is_alive(), "the loader hung after the node went away"

    # The load fails loudly, with counts that still reconcile and every lost document in the dead letters.
    error = outcome.get("error")
    assert isinstance(error, LoadError), f"expected LoadError, got {outcome!r}"
    report: LoadReport = error.report
    assert report.received == n and report.reconciled(), report.summary()
    assert 0 < report.failed < n and report.created > 0, report.summary()
    dead = _dead_ids(tmp_path / "dead-1.jsonl")
    assert len(dead) == report.failed

    node.start()
    before = _first_seen(client, alias)
    # Every document the loader did not report as failed survived the stop (acknowledged = durable).
    assert expected - dead <= set(before), "acknowledged documents were lost"
    assert set(before) <= expected
    assert set(before[i] for i in before) == {iso(T1)}

    # Rerun (a re-crawl a day later): completes, nothing duplicated, first_seen kept for earlier docs.
    second = _articles(n, seed=11, fetched_at=T2)
    rerun = load_articles(
        client, alias, second, dead_letter_path=str(tmp_path / "dead-2.jsonl"), chunk_docs=500
    )
    assert rerun.reconciled() and rerun.failed == 0, rerun.summary()
    assert rerun.created == n - len(before), rerun.summary()
    assert rerun.updated + rerun.unchanged == len(before), rerun.summary()
    after = _first_seen(client, alias)
    assert set(after) == expected and int(client.count(index=alias)["count"]) == n
    for doc_id, seen in after.items():
        assert seen == (before[doc_id] if doc_id in before else iso(T2)), doc_id
