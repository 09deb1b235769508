"""A small client for Airflow 3's REST API (``/api/v2``): token, pools, DAG pause, backfills, runs.

Used by ``AirflowStandalone`` (to create the ``crawl`` pool) and by the end-to-end tests; it is what an
operator would script with curl (see ``docs/backfill.md``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import httpx

from newsingest.errors import NewsingestError

TERMINAL = {"success", "failed"}
# How long the scheduler may miss heartbeats before a wait gives up (Airflow flags it after 30 s).
SCHEDULER_GRACE = 120.0


class AirflowAPIError(NewsingestError, RuntimeError):
    """The API answered with an error; the message has the method, path, status and Airflow's detail."""


class AirflowAPI:
    """Authenticated calls to one Airflow API server (any auth manager serving ``/auth/token``)."""

    def __init__(self, base_url: str, username: str, password: str, *, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)
        self._credentials = (username, password)
        self._token: str | None = None
        self.max_attempts = 6

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AirflowAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def token(self) -> str:
        """A JWT access token from ``POST /auth/token`` (cached; renewed on 401)."""
        if self._token is None:
            username, password = self._credentials
            resp = self._http.post("/auth/token", json={"username": username, "password": password})
            if resp.status_code not in (200, 201):
                raise AirflowAPIError(f"POST /auth/token: HTTP {resp.status_code}: {resp.text[:300]}")
            self._token = resp.json()["access_token"]
        return self._token

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """One API call; renews the token on 401, retries 503 (the database busy) and GETs that got no answer,
        a bounded number of times.

        A 503 means the server did not do the work (Airflow answers it when the metadata database is
        locked, as SQLite is under concurrent access), so sending the same request again is safe.
        """
        renewed = False
        for attempt in range(self.max_attempts):
            auth = {**(headers or {}), "Authorization": f"Bearer {self.token()}"}
            try:
                resp = self._http.request(method, f"/api/v2{path}", headers=auth, **kwargs)
            except httpx.TransportError:
                # A busy API server may not answer in time: reading again is safe, writing is not.
                if method != "GET" or attempt + 1 >= self.max_attempts:
                    raise
                time.sleep(min(2.0**attempt, 10.0))
                continue
            if resp.status_code == 401 and not renewed:
                self._token, renewed = None, True
                continue
            if resp.status_code == 503 and attempt + 1 < self.max_attempts:
                time.sleep(min(2.0**attempt, 10.0))
                continue
            break
        if resp.status_code >= 400:
            raise AirflowAPIError(f"{method} /api/v2{path}: HTTP {resp.status_code}: {resp.text[:1000]}")
        return resp.json() if resp.content else None

    # ------------------------------------------------------------------ resources

    def ensure_pool(self, name: str, slots: int, description: str = "") -> dict:
        """Create the pool, or set its slots and description when it exists."""
        body = {"name": name, "slots": slots, "description": description, "include_deferred": False}
        try:
            return self.request("POST", "/pools", json=body)
        except AirflowAPIError as exc:
            if "HTTP 409" not in str(exc):
                raise
        return self.request("PATCH", f"/pools/{name}", json=body)

    def set_paused(self, dag_id: str, paused: bool) -> dict:
        return self.request("PATCH", f"/dags/{dag_id}", json={"is_paused": paused})

    def wait_for_dag(self, dag_id: str, timeout: float = 180.0) -> dict:
        """Wait until the DAG processor has parsed ``dag_id``; raises with the import errors if not."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.request("GET", f"/dags/{dag_id}")
            except AirflowAPIError as exc:
                if "HTTP 404" not in str(exc):
                    raise
            if time.monotonic() > deadline:
                errors = self.request("GET", "/importErrors").get("import_errors", [])
                raise AirflowAPIError(
                    f"DAG {dag_id} not parsed within {timeout:.0f}s; import errors: {errors}"
                )
            time.sleep(2)

    def create_backfill(
        self,
        dag_id: str,
        from_date: datetime,
        to_date: datetime,
        *,
        reprocess_behavior: str = "none",
        max_active_runs: int = 2,
        dag_run_conf: dict | None = None,
        run_backwards: bool = False,
    ) -> dict:
        """``POST /api/v2/backfills``; reprocess_behavior is ``none``, ``failed`` or ``completed``."""
        return self.request(
            "POST",
            "/backfills",
            json={
                "dag_id": dag_id,
                "from_date": from_date.isoformat(),
                "to_date": to_date.isoformat(),
                "run_backwards": run_backwards,
                "dag_run_conf": dag_run_conf or {},
                "reprocess_behavior": reprocess_behavior,
                "max_active_runs": max_active_runs,
            },
        )

    def backfill(self, backfill_id: int) -> dict:
        return self.request("GET", f"/backfills/{backfill_id}")

    def backfills(self, dag_id: str) -> list[dict]:
        return self.request("GET", "/backfills", params={"dag_id": dag_id, "limit": 100})["backfills"]

    def scheduler_status(self) -> str:
        """``healthy`` or ``unhealthy`` (no recent heartbeat), from ``/monitor/health``."""
        health = self.request("GET", "/monitor/health")
        return str((health.get("scheduler") or {}).get("status") or "unknown")

    def watch_scheduler(self, since: list[float | None], grace: float = SCHEDULER_GRACE) -> None:
        """Raise once the scheduler has been unhealthy for ``grace`` seconds: waiting longer cannot help."""
        if self.scheduler_status() == "healthy":
            since[0] = None
            return
        now = time.monotonic()
        if since[0] is None:
            since[0] = now
        elif now - since[0] > grace:
            raise AirflowAPIError(
                f"the Airflow scheduler has sent no heartbeat for over {grace:.0f}s: it is not running "
                "(see the scheduler's log)"
            )

    def wait_for_backfills(self, dag_id: str, *, timeout: float = 300.0, poll: float = 2.0) -> None:
        """Wait until no backfill of ``dag_id`` is running (Airflow allows one at a time per DAG)."""
        deadline = time.monotonic() + timeout
        unhealthy: list[float | None] = [None]
        while True:
            active = [b for b in self.backfills(dag_id) if not b.get("completed_at")]
            if not active:
                return
            self.watch_scheduler(unhealthy)
            if time.monotonic() > deadline:
                raise AirflowAPIError(f"backfills of {dag_id} still running after {timeout:.0f}s: {active}")
            time.sleep(poll)

    def wait_for_backfill(self, backfill_id: int, *, timeout: float = 120.0, poll: float = 2.0) -> dict:
        """Wait until the scheduler marks the backfill completed (only one backfill per DAG may run)."""
        deadline = time.monotonic() + timeout
        unhealthy: list[float | None] = [None]
        while True:
            backfill = self.backfill(backfill_id)
            if backfill.get("completed_at"):
                return backfill
            self.watch_scheduler(unhealthy)
            if time.monotonic() > deadline:
                raise AirflowAPIError(
                    f"backfill {backfill_id} not completed within {timeout:.0f}s: {backfill}"
                )
            time.sleep(poll)

    def dag_runs(self, dag_id: str, **filters: Any) -> list[dict]:
        params = {"limit": 100, **filters}
        return self.request("GET", f"/dags/{dag_id}/dagRuns", params=params)["dag_runs"]

    def dag_run(self, dag_id: str, run_id: str) -> dict:
        return self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}")

    def trigger(
        self, dag_id: str, logical_date: datetime, conf: dict | None = None, run_id: str | None = None
    ) -> dict:
        body: dict[str, Any] = {"logical_date": logical_date.isoformat(), "conf": conf or {}}
        if run_id:
            body["dag_run_id"] = run_id
        return self.request("POST", f"/dags/{dag_id}/dagRuns", json=body)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 500})[
            "task_instances"
        ]

    def task_log(
        self, dag_id: str, run_id: str, task_id: str, try_number: int = 1, map_index: int = -1
    ) -> str:
        """The task's log as text: one JSON record per line (exception messages are in error_detail)."""
        data = self.request(
            "GET",
            f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}",
            params={"map_index": map_index, "full_content": True},
            headers={"Accept": "application/json"},
        )
        content = data.get("content", "") if isinstance(data, dict) else data
        if isinstance(content, list):  # structured log: one JSON record per line (event, error_detail, ...)
            return "\n".join(json.dumps(item) if isinstance(item, dict) else str(item) for item in content)
        return str(content)

    def wait_for_runs(
        self, dag_id: str, run_ids: Iterable[str], *, timeout: float = 900.0, poll: float = 5.0
    ) -> dict[str, dict]:
        """Wait until every run is success or failed; returns the runs by id. Raises on timeout."""
        wanted = set(run_ids)
        deadline = time.monotonic() + timeout
        unhealthy: list[float | None] = [None]
        while True:
            runs = {r["dag_run_id"]: r for r in self.dag_runs(dag_id) if r["dag_run_id"] in wanted}
            if len(runs) == len(wanted) and all(r["state"] in TERMINAL for r in runs.values()):
                return runs
            self.watch_scheduler(unhealthy)
            if time.monotonic() > deadline:
                states = {rid: runs.get(rid, {}).get("state", "missing") for rid in sorted(wanted)}
                raise AirflowAPIError(f"runs of {dag_id} not finished within {timeout:.0f}s: {states}")
            time.sleep(poll)

    def runs_between(self, dag_id: str, start: datetime, end: datetime) -> list[dict]:
        """Runs whose logical date is in [start, end], oldest first."""
        runs = self.dag_runs(
            dag_id,
            logical_date_gte=start.isoformat(),
            logical_date_lte=end.isoformat(),
            order_by="logical_date",
        )
        return runs
