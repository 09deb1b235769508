"""``newsingest cluster rehearse``: the nightly DAG and a backfill on the local cluster, with faults.

Against a running ``newsingest cluster`` and the sample site, through Airflow's REST API:

1. the nightly run of one sample day (``news_ingest``, triggered);
2. a three-day backfill of the two days before and that day again (reprocess *completed*), while
   * one Celery worker is SIGKILLed (its whole process group, as if its machine died) while it runs a
     ``fetch`` or ``enrich`` task, and started again a little later;
   * one OpenSearch node is stopped while a ``load`` task runs, and started again;
3. Airflow's retries finish the work; then the index is checked against the sample site's catalog.

Summary fields: workers, opensearch_nodes, runs (states), expected_docs, indexed_docs, duplicates (extra
documents for one canonical URL), lost (catalog articles missing from the index), first_seen_changed
(documents of the nightly run whose first_seen moved after the backfill), lock_violations (overlapping
crawl leases of one source, from the lease interval records), faults, storage, seconds.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from newsingest.services.cluster import NODES, WORKERS, Cluster
from newsingest.services.process import ServiceError

DAG_ID = "news_ingest"
INDEXED_KINDS = {"article", "repost", "liveblog", "gallery", "paywall"}  # consent walls are dropped
DEFAULT_DAY = date(2026, 11, 5)


def _all_docs(client, alias: str) -> list[dict]:
    from opensearchpy.helpers import scan

    client.indices.refresh(index=alias)
    return [
        {"_id": hit["_id"], **hit["_source"]}
        for hit in scan(
            client, index=alias, query={"query": {"match_all": {}}}, _source=["canonical_url", "first_seen"]
        )
    ]


class FaultInjector:
    """Watches task instances and injects each fault once, at the moment its trigger task runs."""

    def __init__(self, cluster: Cluster, api, worker_tasks=("fetch", "enrich"), restart_after: float = 20.0):
        self.cluster = cluster
        self.api = api
        self.worker_tasks = worker_tasks
        self.restart_after = restart_after
        self.faults: list[dict[str, Any]] = []
        self.stop_event = threading.Event()
        self.error: Exception | None = None
        self._done = {"worker": False, "node": False}

    def _running(self, run_ids: Callable[[], list[str]]) -> list[dict]:
        tasks = []
        for run_id in run_ids():
            tasks += [t for t in self.api.task_instances(DAG_ID, run_id) if t.get("state") == "running"]
        return tasks

    def _kill_worker(self, task: dict) -> None:
        # Both workers run on this host, so the task's hostname cannot tell them apart: its pid can
        # (the task process is in the worker's process group).
        worker = self._worker_holding(task) or WORKERS[0]
        pid = self.cluster.worker_pid(worker)
        if pid is None:
            return
        os.killpg(pid, signal.SIGKILL)
        self.faults.append(
            {"fault": "sigkill_celery_worker", "worker": worker, "task": task["task_id"],
             "map_index": task.get("map_index"), "run_id": task.get("dag_run_id"), "at": time.time()}
        )  # fmt: skip
        self._done["worker"] = True
        time.sleep(self.restart_after)
        self.cluster.start_worker(worker)
        self.faults[-1]["restarted_at"] = time.time()

    def _worker_holding(self, task: dict) -> str | None:
        pid = task.get("pid")
        for worker in WORKERS:
            wpid = self.cluster.worker_pid(worker)
            if pid and wpid and _in_group(pid, wpid):
                return worker
        return None

    def _bounce_node(self) -> None:
        name = NODES[-1]  # not the node the opensearch_default connection points at
        node = self.cluster.nodes[-1]
        node.stop(timeout=60)
        at = time.time()
        self.faults.append({"fault": "stop_opensearch_node", "node": name, "at": at})
        self._done["node"] = True
        time.sleep(self.restart_after)
        self.cluster.start_node(name)
        self.faults[-1]["restarted_at"] = time.time()

    def watch(self, run_ids: Callable[[], list[str]], poll: float = 1.0) -> None:
        try:
            while not self.stop_event.is_set() and not all(self._done.values()):
                for task in self._running(run_ids):
                    if not self._done["worker"] and task["task_id"] in self.worker_tasks:
                        self._kill_worker(task)
                        break
                    if not self._done["node"] and task["task_id"] == "load":
                        self._bounce_node()
                        break
                self.stop_event.wait(poll)
        except Exception as exc:  # reported by rehearse(); the runs go on
            self.error = exc


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _in_group(pid: int, group: int) -> bool:
    try:
        return os.getpgid(pid) == group
    except OSError:
        return False


def rehearse(cluster: Cluster, *, day: date = DEFAULT_DAY, timeout: float = 3600.0) -> dict[str, Any]:
    """Run the rehearsal; returns the summary (see the module docstring)."""
    from newsingest.lease import LeaseStore, lock_violations
    from newsingest.load.client import make_client
    from newsingest.sample_site.catalog import articles_on
    from newsingest.schedule import run_window
    from newsingest.services.airflow_api import AirflowAPI
    from newsingest.services.day_runs import backfill_bounds
    from newsingest.services.site import SampleSiteService

    started = time.monotonic()
    status = cluster.status()
    if not status["airflow"]["api"] or len(status["airflow"]["celery_workers"]) < len(WORKERS):
        raise ServiceError("the cluster is not up (run `newsingest cluster up`): " + str(status["airflow"]))
    SampleSiteService(cluster.settings).start()
    client = make_client(cluster.settings.opensearch_url, max_retries=5)
    alias = cluster.settings.index_alias
    leases = LeaseStore.from_settings(client, cluster.settings)
    client.indices.delete(index=f"{alias}*,{leases.index}*", ignore_unavailable=True)
    for name in client.indices.get_alias(name=alias, ignore=404) or {}:
        client.indices.delete(index=name, ignore_unavailable=True)
    password = cluster.admin_password()
    if password is None:
        raise ServiceError("no Airflow admin password yet: has the api-server started?")
    with AirflowAPI(f"http://127.0.0.1:{cluster.ports.api}", "admin", password) as api:
        api.wait_for_dag(DAG_ID, timeout=600)
        api.wait_for_backfills(DAG_ID)
        for old in api.dag_runs(DAG_ID):  # a rerun of the rehearsal starts from no runs, as from no index
            api.request("DELETE", f"/dags/{DAG_ID}/dagRuns/{old['dag_run_id']}")
        api.set_paused(DAG_ID, False)
        # The nightly run of day D, made as `newsingest run --day D` makes it: a one-day backfill, so it
        # has the scheduled run's logical date (D 02:00) and data interval.
        conf = {"force_refetch": True}  # start from fetching in full, as into the emptied index
        day_start, day_end = backfill_bounds(day, day)
        one = api.create_backfill(
            DAG_ID, day_start, day_end, reprocess_behavior="completed", max_active_runs=1, dag_run_conf=conf
        )
        api.wait_for_backfill(one["id"], timeout=timeout)
        nightly = [r["dag_run_id"] for r in api.runs_between(DAG_ID, day_start, day_end)]
        finished = api.wait_for_runs(DAG_ID, nightly, timeout=timeout)
        runs = {f"nightly {rid}": r for rid, r in finished.items()}  # the backfill re-runs this one too
        first_seen = {d["_id"]: d["first_seen"] for d in _all_docs(client, alias)}

        # Backfill runs at logical dates D-2, D-1 and D (02:00) ingest those days, so day D is ingested a
        # second time (its run is re-run: reprocess "completed").
        end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        start = end - timedelta(days=3)
        api.wait_for_backfills(DAG_ID)
        last = end - timedelta(minutes=1)
        backfill = api.create_backfill(
            DAG_ID, start, last, reprocess_behavior="completed", max_active_runs=3, dag_run_conf=conf
        )
        backfill_runs: list[str] = []

        def run_ids() -> list[str]:
            return backfill_runs

        injector = FaultInjector(cluster, api)
        watcher = threading.Thread(target=injector.watch, args=(run_ids,), daemon=True)
        watcher.start()
        deadline = time.monotonic() + 120
        while len(backfill_runs) < 3 and time.monotonic() < deadline:
            backfill_runs[:] = [
                r["dag_run_id"] for r in api.runs_between(DAG_ID, start, end) if r["run_type"] == "backfill"
            ]
            time.sleep(1)
        finished = api.wait_for_runs(DAG_ID, backfill_runs, timeout=timeout)
        runs.update({f"backfill {rid}": r for rid, r in finished.items()})
        days = sorted(
            {
                run_window(
                    _parse(r["logical_date"]) if r.get("logical_date") else None,
                    _parse(r["data_interval_start"]),
                )[0].date()
                for r in runs.values()
            }
        )
        api.wait_for_backfill(backfill["id"], timeout=600)
        injector.stop_event.set()
        watcher.join(timeout=300)
    docs = _all_docs(client, alias)
    expected = {a.path.lstrip("/") for d in days for a in articles_on(d) if a.kind in INDEXED_KINDS}
    paths = [doc["canonical_url"].split("://", 1)[1].split("/", 1)[1] for doc in docs]
    after = {d["_id"]: d["first_seen"] for d in docs}
    health = cluster.cluster_health() or {}
    return {
        "workers": len(cluster.celery_workers()),
        "opensearch_nodes": health.get("number_of_nodes", 0),
        "runs": {rid: r["state"] for rid, r in sorted(runs.items())},
        "expected_docs": len(expected),
        "indexed_docs": len(docs),
        "duplicates": len(paths) - len(set(paths)),
        "lost": len(expected - set(paths)),
        "first_seen_changed": sum(1 for k, v in first_seen.items() if after.get(k) != v),
        "lock_violations": lock_violations(client, leases.interval_index),
        "faults": injector.faults,
        "fault_error": str(injector.error) if injector.error else None,
        "storage": cluster.settings.storage_root,
        "seconds": round(time.monotonic() - started, 1),
    }
