"""``newsingest cluster``: the production shape of docker-compose.yaml, run as user processes on one machine.

Under ``<home>/cluster`` and on loopback ports away from the embedded defaults (base port
``NEWSINGEST_CLUSTER_PORT``, default 9820; Redis ``NEWSINGEST_CLUSTER_REDIS_PORT``, default 6390):

* PostgreSQL (``services/postgres.py``): Airflow's metadata database and the Celery result backend;
* Redis (Debian's ``redis-server``): the Celery broker, password protected;
* a three-node OpenSearch cluster from the Maven-built distribution (one cluster name, seed hosts on
  loopback, every node cluster-manager eligible; indices get one replica through their templates);
* moto's standalone S3 server as ``NEWSINGEST_STORAGE_ROOT=s3://newsingest-cluster/newsingest``;
* Airflow 3.3 with the CeleryExecutor: api-server, scheduler, dag-processor, triggerer and two Celery
  workers, each worker with its own ``NEWSINGEST_HOME`` and ``AIRFLOW_HOME`` as if on two machines
  (they share only PostgreSQL, Redis, OpenSearch and S3).

Initialisation runs what the compose ``airflow-init`` job runs: ``airflow db migrate``, then
``deploy/airflow/init.sh`` (the ``crawl`` pool and the ``opensearch_default`` connection, written by
``deploy/airflow/opensearch_connection.py``). The compose file's TLS/security plugin, FAB auth manager,
MinIO and Dashboards are not part of it (see docs/deploy.md).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from typing import Any

from newsingest.config import PROJECT_ROOT, Settings, services_settings
from newsingest.services.airflow import _airflow_bin, airflow_env
from newsingest.services.opensearch import OpenSearchNode
from newsingest.services.postgres import PostgresServer
from newsingest.services.process import Daemon, ServiceError, wait_until
from newsingest.services.redis import RedisServer
from newsingest.services.s3 import S3Server

BUCKET = "newsingest-cluster"
WORKERS = ("worker-1", "worker-2")
NODES = ("opensearch-1", "opensearch-2", "opensearch-3")
AIRFLOW_COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")


@dataclass(frozen=True)
class ClusterPorts:
    """Every port the cluster listens on, all on 127.0.0.1, derived from one base port."""

    base: int
    redis: int

    @classmethod
    def from_env(cls) -> ClusterPorts:
        services = services_settings()
        return cls(services.cluster_port, services.cluster_redis_port)

    def opensearch_http(self, i: int) -> int:
        return self.base + 1 + i

    def opensearch_transport(self, i: int) -> int:
        return self.base + 4 + i

    @property
    def postgres(self) -> int:
        return self.base + 10

    @property
    def s3(self) -> int:
        return self.base + 11

    @property
    def api(self) -> int:
        return self.base + 12

    def worker_logs(self, i: int) -> int:
        return self.base + 13 + i

    @property
    def triggerer_logs(self) -> int:
        return self.base + 15


class Cluster:
    """Start, inspect and stop the one-machine production shape."""

    def __init__(self, settings: Settings, ports: ClusterPorts | None = None):
        self.ports = ports or ClusterPorts.from_env()
        self.dir = settings.home / "cluster"
        self.settings = replace(
            settings,
            home=self.dir,
            storage_root=f"s3://{BUCKET}/newsingest",
            opensearch_url=f"http://127.0.0.1:{self.ports.opensearch_http(0)}",
        )
        self.postgres = PostgresServer(self.dir, port=self.ports.postgres)
        self.redis = RedisServer(self.dir, self.ports.redis)
        self.s3 = S3Server(self.dir, self.ports.s3)
        self.nodes = [
            OpenSearchNode(
                self.settings,
                port=self.ports.opensearch_http(i),
                transport_port=self.ports.opensearch_transport(i),
                name=name,
            )
            for i, name in enumerate(NODES)
        ]
        self.airflow_home = self.dir / "airflow"

    # ------------------------------------------------------------------ environment

    def _secret(self, name: str) -> str:
        path = self.dir / "secrets" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip()

    def env(self, worker: str | None = None) -> dict[str, str]:
        """Environment of the Airflow processes; a worker gets its own NEWSINGEST_HOME and AIRFLOW_HOME."""
        home = self.dir / worker / "airflow" if worker else self.airflow_home
        env = {**os.environ, **airflow_env(self.settings, api_port=self.ports.api, home=home)}
        env.pop("AIRFLOW_CONN_OPENSEARCH_DEFAULT", None)  # the connection comes from init.sh, as in compose
        for key in (
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC",
        ):
            if env.get(key, "").startswith("newsingest.services.airflow_sqlite"):
                del env[key]  # SQLite's lock wait: not for PostgreSQL
        pg = self.postgres.sqlalchemy_url()
        env.update(
            {
                "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": pg,
                "AIRFLOW__CELERY__BROKER_URL": self.redis.url,
                "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + pg,  # SQLAlchemy 2.1 would pick psycopg 3
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(services_settings().cluster_worker_slots),
                "AIRFLOW__CORE__FERNET_KEY": "",
                "AIRFLOW__API_AUTH__JWT_SECRET": self._secret("jwt"),
                "AIRFLOW__API__SECRET_KEY": self._secret("api"),
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.ports.api}/execution/",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(
                    self.airflow_home / "simple_auth_manager_passwords.json.generated"
                ),
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(self.ports.triggerer_logs),
                "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "60",
                "NEWSINGEST_HOME": str(self.dir / worker / "home") if worker else str(self.dir / "home"),
                "NEWSINGEST_STORAGE_ROOT": self.settings.storage_root,
                "NEWSINGEST_OPENSEARCH_URL": self.settings.opensearch_url,
                **self.s3.env(),
            }
        )
        if worker:
            env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(
                self.ports.worker_logs(WORKERS.index(worker))
            )
        return env

    def _daemon(self, name: str) -> Daemon:
        return Daemon(name, self.dir)

    def airflow_cli(self, *args: str, timeout: float = 600.0) -> str:
        proc = subprocess.run([_airflow_bin(), *args], env=self.env(), text=True, capture_output=True,
                              timeout=timeout)  # fmt: skip
        if proc.returncode != 0:
            raise ServiceError(
                f"`airflow {' '.join(args)}` failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
            )
        return proc.stdout

    # ------------------------------------------------------------------ lifecycle

    def up(self, *, timeout: float = 900.0) -> dict[str, Any]:
        """Start everything that is not running yet; returns :meth:`status` and the seconds it took."""
        started = time.monotonic()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.postgres.start()
        self.redis.start()
        self.s3.start()
        self.s3.create_bucket(BUCKET)
        self._opensearch_up(timeout)
        self.init_airflow()
        for component in AIRFLOW_COMPONENTS:
            self._start_airflow(component, [component])
        for worker in WORKERS:
            (self.dir / worker / "home").mkdir(parents=True, exist_ok=True)
            self.start_worker(worker)
        api_up = lambda: self._http_ok(f"http://127.0.0.1:{self.ports.api}/api/v2/monitor/health")  # noqa: E731
        if not wait_until(api_up, timeout=timeout, interval=2, alive=lambda: self._daemon("api-server").pid()
                          is not None):  # fmt: skip
            raise ServiceError(
                f"the Airflow api-server did not answer; log {self._daemon('api-server').log_file}"
            )
        if not wait_until(lambda: len(self.celery_workers()) == len(WORKERS), timeout=timeout, interval=3,
                          alive=lambda: True):  # fmt: skip
            raise ServiceError(f"Celery workers did not come online; logs under {self.dir / 'logs'}")
        return {**self.status(), "up_seconds": round(time.monotonic() - started, 1)}

    def _opensearch_up(self, timeout: float) -> None:
        seeds = ",".join(f"127.0.0.1:{self.ports.opensearch_transport(i)}" for i in range(len(NODES)))
        waiting = []
        for node in self.nodes:
            if node.is_up():
                continue
            node.launch(
                heap=services_settings().cluster_heap,
                extra_settings=self.node_settings(node, seeds),
            )
            waiting.append(node)
        for node in waiting:
            node.wait_green(timeout=timeout)

    def node_settings(self, node: OpenSearchNode, seeds: str) -> dict[str, str]:
        name = node.daemon.name
        return {
            "node.name": name,
            "discovery.type": "zen",
            "discovery.seed_hosts": seeds,
            "cluster.initial_cluster_manager_nodes": ",".join(NODES),
        }

    def start_node(self, name: str, timeout: float = 300.0) -> None:
        """(Re)start one OpenSearch node and wait until the cluster is green again."""
        seeds = ",".join(f"127.0.0.1:{self.ports.opensearch_transport(i)}" for i in range(len(NODES)))
        node = self.nodes[NODES.index(name)]
        node.launch(
            heap=services_settings().cluster_heap,
            extra_settings=self.node_settings(node, seeds),
        )
        node.wait_green(timeout=timeout)

    def init_airflow(self) -> None:
        """What compose's airflow-init runs: migrate the database, then deploy/airflow/init.sh."""
        self.airflow_home.mkdir(parents=True, exist_ok=True)
        self.airflow_cli("db", "migrate")
        env = {
            **self.env(),
            "OPENSEARCH_SCHEME": "http",
            "OPENSEARCH_HOST": "127.0.0.1",
            "OPENSEARCH_PORT": str(self.ports.opensearch_http(0)),
            "NEWSINGEST_CRAWL_POOL_SLOTS": str(self.settings.schedule.crawl_pool_slots),
        }
        proc = subprocess.run(["bash", str(PROJECT_ROOT / "deploy" / "airflow" / "init.sh")], env=env,
                              text=True, capture_output=True, timeout=600)  # fmt: skip
        if proc.returncode != 0:
            raise ServiceError(f"deploy/airflow/init.sh failed ({proc.returncode}):\n{proc.stderr[-3000:]}")

    def _start_airflow(self, name: str, args: list[str], *, worker: str | None = None) -> None:
        daemon = self._daemon(name)
        if daemon.pid() is not None:
            return
        home = self.dir / worker / "airflow" if worker else self.airflow_home
        home.mkdir(parents=True, exist_ok=True)
        daemon.start([_airflow_bin(), *args], env=self.env(worker), cwd=home)

    def start_worker(self, worker: str) -> None:
        self._start_airflow(worker, ["celery", "worker", "-H", f"{worker}@%h", "--without-gossip",
                                     "--without-mingle"], worker=worker)  # fmt: skip

    def worker_pid(self, worker: str) -> int | None:
        return self._daemon(worker).pid()

    def down(self) -> list[str]:
        """Stop everything this state folder started, workers first; returns what was stopped."""
        stopped = []
        for name in (*WORKERS, *reversed(AIRFLOW_COMPONENTS)):
            if self._daemon(name).stop(timeout=30):
                stopped.append(name)
        for node in self.nodes:
            if node.stop(timeout=60):
                stopped.append(node.daemon.name)
        from newsingest.services.site import SampleSiteService

        site = SampleSiteService(self.settings)  # the rehearsal's
        for name, service in (
            ("site", site),
            ("s3", self.s3),
            ("redis", self.redis),
            ("postgres", self.postgres),
        ):
            if service.stop():
                stopped.append(name)
        return stopped

    # ------------------------------------------------------------------ status

    @staticmethod
    def _http_ok(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=3) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def cluster_health(self) -> dict | None:
        for node in self.nodes:
            health = node.health()
            if health:
                return health
        return None

    def celery_workers(self) -> list[str]:
        """Celery worker names that answer a ping through the broker."""
        try:
            from celery import Celery
        except ImportError:
            return []
        app = Celery(broker=self.redis.url)
        try:
            replies = app.control.ping(timeout=2.0) or []
        except Exception:
            return []
        finally:
            app.close()
        return sorted(name for reply in replies for name in reply)

    def admin_password(self) -> str | None:
        path = self.airflow_home / "simple_auth_manager_passwords.json.generated"
        try:
            return json.loads(path.read_text()).get("admin")
        except (FileNotFoundError, ValueError):
            return None

    def status(self) -> dict[str, Any]:
        health = self.cluster_health()
        airflow = {name: self._daemon(name).pid() is not None for name in (*AIRFLOW_COMPONENTS, *WORKERS)}
        return {
            "dir": str(self.dir),
            "postgres": self.postgres.is_up(),
            "redis": self.redis.ping(),
            "s3": {
                "up": self.s3.is_up(),
                "endpoint": self.s3.endpoint,
                "storage": self.settings.storage_root,
            },
            "opensearch": {
                "url": self.settings.opensearch_url,
                "status": health.get("status") if health else None,
                "nodes": health.get("number_of_nodes", 0) if health else 0,
                "up": [n.daemon.name for n in self.nodes if n.is_up()],
            },
            "airflow": {
                "url": f"http://127.0.0.1:{self.ports.api}",
                "api": self._http_ok(f"http://127.0.0.1:{self.ports.api}/api/v2/monitor/health"),
                "processes": airflow,
                "celery_workers": self.celery_workers(),
            },
        }
