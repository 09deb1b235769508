"""The production shape on one machine: `newsingest cluster up`, the rehearsal with faults, `down`.

PostgreSQL, Redis, moto's S3 server, three OpenSearch nodes and Airflow on Celery with two workers run
as real processes under a private state folder (ports from NEWSINGEST_CLUSTER_PORT / _REDIS_PORT). The
rehearsal runs the nightly DAG and a three-day backfill through the REST API while a Celery worker is
SIGKILLed during fetch or enrich and an OpenSearch node is stopped during load.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from dataclasses import replace

import pytest

pytestmark = [pytest.mark.airflow, pytest.mark.opensearch, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster(settings):
    from newsingest.services.cluster import Cluster

    # Under the state folder, not pytest's 0700 temp folder: PostgreSQL's account must reach its data.
    home = settings.home / f"test-cluster-{uuid.uuid4().hex[:8]}"
    started = Cluster(replace(settings, home=home))
    t0 = time.monotonic()
    try:
        started.up_result = started.up()
        started.up_seconds = time.monotonic() - t0
        yield started
    finally:
        started.down()
        shutil.rmtree(home, ignore_errors=True)


def test_cluster_up_runs_every_part(cluster):
    status = cluster.up_result
    print(f"cluster up: {cluster.up_seconds:.0f} s")
    assert status["postgres"] and status["redis"] and status["s3"]["up"]
    assert status["s3"]["storage"].startswith("s3://")
    assert status["opensearch"]["nodes"] == 3 and status["opensearch"]["status"] == "green"
    assert status["airflow"]["api"]
    assert len(status["airflow"]["celery_workers"]) == 2
    assert all(status["airflow"]["processes"].values())
    homes = {cluster.env(w)["NEWSINGEST_HOME"] for w in ("worker-1", "worker-2")}
    assert len(homes) == 2  # two workers, two homes: nothing on disk in common


def test_rehearsal_with_a_killed_worker_and_a_stopped_node(cluster):
    from newsingest.services.rehearsal import rehearse

    summary = rehearse(cluster, timeout=2400)
    print("rehearsal: " + json.dumps(summary))
    assert summary["workers"] == 2 and summary["opensearch_nodes"] == 3
    assert {f["fault"] for f in summary["faults"]} == {"sigkill_celery_worker", "stop_opensearch_node"}
    assert all(state == "success" for state in summary["runs"].values()), summary["runs"]
    assert len(summary["runs"]) == 4  # the nightly run and three backfill days
    assert summary["expected_docs"] > 0 and summary["indexed_docs"] == summary["expected_docs"]
    assert summary["lost"] == summary["duplicates"] == summary["first_seen_changed"] == 0
    assert summary["lock_violations"] == 0
    assert summary["storage"].startswith("s3://")


def test_cluster_down_stops_everything(cluster):
    cluster.down()
    status = cluster.status()
    assert not status["postgres"] and not status["redis"] and not status["s3"]["up"]
    assert status["opensearch"]["nodes"] == 0 and not any(status["airflow"]["processes"].values())
