"""SQLite connection settings for the embedded Airflow (``AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS``).

SQLite lets one writer in at a time; Python's default 5 s wait for the lock is short on a loaded
2-core machine, and Airflow's API answers 503 and rolls back work when it runs out (a backfill request
cleaning up runs the scheduler has already seen took the scheduler down once). Waiting longer keeps the
embedded single-machine setup from failing under load. Production deployments use PostgreSQL.
"""

from __future__ import annotations

from typing import Any

LOCK_WAIT_SECONDS = 60.0

# Separate dicts: Airflow adds keys to the synchronous one.
CONNECT_ARGS: dict[str, Any] = {"timeout": LOCK_WAIT_SECONDS}
ASYNC_CONNECT_ARGS: dict[str, Any] = {"timeout": LOCK_WAIT_SECONDS}
