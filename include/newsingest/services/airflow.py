"""Airflow for the embedded setup: environment, database, ``airflow standalone`` as a service.

The project configures Airflow through environment variables only: AIRFLOW_HOME under the
newsingest home, dags/ and plugins/ from this repository, examples off, LocalExecutor, the metadata
database in the embedded PostgreSQL (``newsingest.services.postgres``; a user's own
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN wins), SimpleAuthManager with an ``admin`` user whose generated
password Airflow writes to a file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from newsingest.config import PROJECT_ROOT, Settings, services_settings
from newsingest.services.postgres import PostgresServer
from newsingest.services.process import Daemon, ServiceError, wait_until

API_PORT = 8080
CRAWL_POOL = "crawl"
CRAWL_POOL_DESCRIPTION = (
    "newsingest fetch tasks: caps concurrent crawling across all runs (per-host limits apply inside)"
)


def airflow_port() -> int:
    """The API server's port: NEWSINGEST_AIRFLOW_PORT (default 8080)."""
    return services_settings().airflow_port


def airflow_home(settings: Settings) -> Path:
    return services_settings().airflow_home or settings.home / "airflow"


def opensearch_conn_uri(url: str) -> str:
    """The ``opensearch_default`` connection (JSON form) for an OpenSearch URL without credentials."""
    parts = urlsplit(url)
    use_ssl = parts.scheme == "https"
    return json.dumps(
        {
            "conn_type": "opensearch",
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or (443 if use_ssl else 9200),
            "extra": {"use_ssl": use_ssl, "verify_certs": True},
        }
    )


DB_CONN = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"


def embedded_postgres(settings: Settings) -> PostgresServer | None:
    """The state folder's PostgreSQL, unless the user points Airflow at a database of their own."""
    return None if services_settings().airflow_database else PostgresServer(settings.home)


def airflow_env(
    settings: Settings,
    *,
    api_port: int | None = None,
    home: Path | None = None,
    database_url: str | None = None,
) -> dict[str, str]:
    """Environment for every ``airflow`` command and for ``dag.test()`` in tests.

    ``home`` (default: ``airflow_home(settings)``), ``database_url`` and an ``api_port`` other than 8080
    are explicit and win over the caller's environment; other ``AIRFLOW__*`` variables already set in the
    environment win over the embedded defaults. The default database is the embedded PostgreSQL
    (``embedded_postgres``), which the caller starts.
    """
    home_given = home is not None
    home = home or airflow_home(settings)
    api_port = api_port or airflow_port()
    if database_url is None:
        database_url = services_settings().airflow_database or PostgresServer(settings.home).sqlalchemy_url()
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__MAX_MAP_LENGTH": "1024",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(
            home / "simple_auth_manager_passwords.json.generated"
        ),
        DB_CONN: database_url,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        # Task processes talk to the API server; on a busy shared machine it can take longer than the 5 s
        # default to answer, and a timed-out "start" call fails the task before it runs.
        "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "60",
        # A task's supervisor can miss its process exiting and sleep up to this interval (5 s by default)
        # before it frees the worker slot: seen on about a third of a rerun's tasks. 2 s bounds that wait
        # at the cost of a heartbeat every 2 s per running task.
        "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "2",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "NEWSINGEST_HOME": str(settings.home),
        "NEWSINGEST_STORAGE_ROOT": settings.storage_root,
        "NEWSINGEST_SOURCES": str(settings.sources_file),
        "NEWSINGEST_OPENSEARCH_URL": settings.opensearch_url,
        "NEWSINGEST_INDEX": settings.index_alias,
        "NEWSINGEST_SAMPLE_SITE_URL": settings.sample_site_url,
        "NO_PROXY": "*",
        # `airflow standalone` starts its components as `airflow ...` found on PATH: use this venv's.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)]),
    }
    env.setdefault("AIRFLOW_CONN_OPENSEARCH_DEFAULT", opensearch_conn_uri(settings.opensearch_url))
    # A user's own connection or settings win over the embedded defaults (an explicit port wins over both).
    explicit = {"AIRFLOW__API__PORT", "AIRFLOW__API__BASE_URL"} if api_port != API_PORT else set()
    explicit.add(DB_CONN)
    if home_given:
        explicit |= {key for key, value in env.items() if key.startswith("AIRFLOW__") and str(home) in value}
    for key in list(env):
        if key.startswith(("AIRFLOW__", "AIRFLOW_CONN_")) and key in os.environ and key not in explicit:
            env[key] = os.environ[key]
    if env[DB_CONN].startswith("sqlite"):
        # Wait for SQLite's write lock instead of failing after 5 s (see airflow_sqlite).
        for key, name in _SQLITE_CONNECT_ARGS:
            env.setdefault(key, os.environ.get(key, f"{_SQLITE_ARGS_MODULE}.{name}"))
    return env


_SQLITE_ARGS_MODULE = "newsingest.services.airflow_sqlite"
_SQLITE_CONNECT_ARGS = (
    ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", "CONNECT_ARGS"),
    ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC", "ASYNC_CONNECT_ARGS"),
)


def process_env(settings: Settings, **kwargs) -> dict[str, str]:
    """This process's environment with ``airflow_env`` on top, for ``airflow`` subprocesses.

    SQLite's connect arguments left in the environment by an earlier SQLite setup (e.g. the test session's
    ``dag.test`` database) are dropped when the database is another one: PostgreSQL refuses them.
    """
    env = {**os.environ, **airflow_env(settings, **kwargs)}
    if not env[DB_CONN].startswith("sqlite"):
        for key, _ in _SQLITE_CONNECT_ARGS:
            if env.get(key, "").startswith(_SQLITE_ARGS_MODULE):
                del env[key]
    return env


def _airflow_bin() -> str:
    exe = Path(sys.executable).with_name("airflow")
    return str(exe) if exe.exists() else (shutil.which("airflow") or "airflow")


def run_airflow(
    settings: Settings, *args: str, check: bool = True, capture: bool = False
) -> subprocess.CompletedProcess:
    """Run one ``airflow`` CLI command with the project's environment (starting the embedded PostgreSQL)."""
    postgres = embedded_postgres(settings)
    if postgres is not None:
        postgres.start()
    env = process_env(settings)
    proc = subprocess.run([_airflow_bin(), *args], env=env, text=True, capture_output=capture)
    if check and proc.returncode != 0:
        tail = ((proc.stdout or "") + (proc.stderr or ""))[-3000:] if capture else ""
        raise ServiceError(f"`airflow {' '.join(args)}` failed with exit code {proc.returncode}\n{tail}")
    return proc


def migrate(settings: Settings) -> None:
    """Create or upgrade the Airflow metadata database and create the pools (idempotent)."""
    airflow_home(settings).mkdir(parents=True, exist_ok=True)
    run_airflow(settings, "db", "migrate", capture=True)
    ensure_pools(settings)


def ensure_pools(settings: Settings) -> None:
    """Create or resize the ``crawl`` pool the fetch tasks run in."""
    slots = str(settings.schedule.crawl_pool_slots)
    run_airflow(settings, "pools", "set", CRAWL_POOL, slots, CRAWL_POOL_DESCRIPTION, capture=True)


class AirflowStandalone:
    """``airflow standalone`` (api-server with UI and REST, scheduler, dag-processor, triggerer)."""

    def __init__(
        self,
        settings: Settings,
        *,
        api_port: int | None = None,
        env: dict[str, str] | None = None,
        home: Path | None = None,
        postgres: PostgresServer | None = None,
    ):
        self.settings = settings
        self.home = home or airflow_home(settings)
        # The metadata database: the given server, else the state folder's (unless the user has their own).
        self.postgres = postgres or embedded_postgres(settings)
        self.api_port = api_port or airflow_port()
        self.extra_env = dict(env or {})
        self.daemon = Daemon("airflow", settings.home)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def password_file(self) -> Path:
        return self.home / "simple_auth_manager_passwords.json.generated"

    def admin_password(self) -> str | None:
        try:
            return json.loads(self.password_file.read_text()).get("admin")
        except (FileNotFoundError, ValueError):
            return None

    def is_up(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/monitor/health", timeout=3) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def start(self, timeout: float = 420.0) -> str:
        """Start ``airflow standalone`` (it migrates the database itself) and create the pools."""
        if self.is_up():
            self.ensure_pools()
            return self.url
        home = self.home
        home.mkdir(parents=True, exist_ok=True)
        if self.postgres is not None:
            self.postgres.start()
        self.daemon.start([_airflow_bin(), "standalone"], env=self.env(), cwd=home)
        if not wait_until(
            self.is_up, timeout=timeout, interval=2, alive=lambda: self.daemon.pid() is not None
        ):
            self.daemon.stop(timeout=20)
            raise ServiceError(
                f"Airflow did not answer on {self.url} within {timeout:.0f}s; "
                f"log: {self.daemon.log_file}\n{self.daemon.log_tail()}"
            )
        self.ensure_pools()
        return self.url

    def env(self) -> dict[str, str]:
        """The environment ``airflow standalone`` runs with (for ``airflow`` CLI calls against it)."""
        env = process_env(
            self.settings,
            api_port=self.api_port,
            home=self.home,
            database_url=self.postgres.sqlalchemy_url() if self.postgres else None,
        )
        return {**env, **self.extra_env}

    def run_cli(self, *args: str, timeout: float = 300.0) -> subprocess.CompletedProcess:
        """Run ``airflow ARGS`` against this instance's home and database; raises on failure."""
        proc = subprocess.run(
            [_airflow_bin(), *args], env=self.env(), text=True, capture_output=True, timeout=timeout
        )
        if proc.returncode != 0:
            raise ServiceError(
                f"`airflow {' '.join(args)}` failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
            )
        return proc

    def api(self):
        """A REST client logged in as the SimpleAuthManager admin (``AirflowAPI``)."""
        from newsingest.services.airflow_api import AirflowAPI

        password = self.admin_password()
        if password is None:
            raise ServiceError(f"no admin password in {self.password_file}; has Airflow started once?")
        return AirflowAPI(self.url, "admin", password)

    def ensure_pools(self) -> None:
        """Create or resize the ``crawl`` pool through the REST API."""
        with self.api() as api:
            api.ensure_pool(CRAWL_POOL, self.settings.schedule.crawl_pool_slots, CRAWL_POOL_DESCRIPTION)

    def describe(self) -> str:
        """Where to go and how to log in, for the ``services start airflow`` output."""
        where = f"password file {self.password_file}"
        return (
            f"Airflow UI and REST API: {self.url} (user admin; the password is in {where}, "
            f"written on first start; log: {self.daemon.log_file})"
        )

    def stop(self) -> bool:
        return self.daemon.stop(timeout=60)
