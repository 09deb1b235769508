"""A real ``airflow standalone`` for the backfill tests, shared by the REST and the browser tests.

It gets its own AIRFLOW_HOME, PostgreSQL metadata database (the embedded launcher on a free port, data
under its temporary state folder), API port (NEWSINGEST_TEST_AIRFLOW_PORT, default 8089), log-server
ports, storage root, index alias, runs index and quality-thresholds file, and crawls the ``sample_site``
fixture's server. Started once per session (about 2-3 minutes on a busy 2-core machine).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from airflow_harness import DAG_ID


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class AirflowUnderTest:
    """The running instance and what the tests need to check its work."""

    service: object  # newsingest.services.airflow.AirflowStandalone
    api: object  # newsingest.services.airflow_api.AirflowAPI
    settings: object  # newsingest.config.Settings used by the instance
    runs_index: str
    thresholds_file: Path
    default_thresholds: str

    @property
    def url(self) -> str:
        return self.service.url

    @property
    def password(self) -> str:
        return self.service.admin_password()

    def set_thresholds(self, text: str | None) -> None:
        """Replace the instance's thresholds file (read by the gate task at run time); None restores it."""
        self.thresholds_file.write_text(self.default_thresholds if text is None else text)


@pytest.fixture(scope="session")
def airflow_standalone(settings, sample_site, opensearch_client) -> Iterator[AirflowUnderTest]:
    from newsingest.config import DEFAULT_THRESHOLDS_FILE
    from newsingest.services.airflow import AirflowStandalone
    from newsingest.services.day_runs import unpause_without_catchup
    from newsingest.services.postgres import PostgresServer

    port = int(os.environ.get("NEWSINGEST_TEST_AIRFLOW_PORT", "8089"))
    if _port_in_use(port):
        pytest.fail(f"port {port} is taken; set NEWSINGEST_TEST_AIRFLOW_PORT to a free port")
    # Not tmp_path_factory: other pytest sessions on the machine prune old basetemp folders.
    root = Path(tempfile.mkdtemp(prefix="newsingest-airflow-"))
    os.chmod(root, 0o755)  # PostgreSQL runs as its own account when we are root: it must reach its data
    tag = uuid.uuid4().hex[:8]
    test_settings = dataclasses.replace(
        settings,
        home=root / "home",
        storage_root=str(root / "storage"),
        index_alias=f"test-orch-news-{tag}",
        sample_site_host="127.0.0.1",
        sample_site_port=sample_site.port,
    )
    thresholds = root / "quality_thresholds.yaml"
    default_thresholds = DEFAULT_THRESHOLDS_FILE.read_text()
    thresholds.write_text(default_thresholds)
    runs_index = f"test-orch-runs-{tag}"
    postgres = PostgresServer(test_settings.home, port=_free_port())
    service = AirflowStandalone(
        test_settings,
        api_port=port,
        home=root / "airflow",
        postgres=postgres,
        env={
            "NEWSINGEST_RUNS_INDEX": runs_index,
            "NEWSINGEST_QUALITY_THRESHOLDS": str(thresholds),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
            "NEWSINGEST_CRAWL_POOL_SLOTS": "2",
        },
    )
    try:
        service.start()
    except Exception:
        service.stop()
        postgres.stop()
        if not os.environ.get("NEWSINGEST_KEEP_TEST_FILES"):
            shutil.rmtree(root, ignore_errors=True)
        raise
    api = service.api()
    try:
        api.wait_for_dag(DAG_ID)
        unpause_without_catchup(api, DAG_ID)  # its catch-up run would compete with the backfills
        yield AirflowUnderTest(service, api, test_settings, runs_index, thresholds, default_thresholds)
    finally:
        api.close()
        service.stop()
        postgres.stop()
        opensearch_client.indices.delete(index=f"{test_settings.index_alias}*", ignore_unavailable=True)
        opensearch_client.indices.delete(index=runs_index, ignore_unavailable=True)
        if not os.environ.get("NEWSINGEST_KEEP_TEST_FILES"):
            shutil.rmtree(root, ignore_errors=True)
