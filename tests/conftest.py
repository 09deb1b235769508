"""Shared fixtures: the real OpenSearch node, the sample site over real HTTP, an isolated Airflow.

The Airflow environment is set before anything imports Airflow (its config is read at import),
pointing AIRFLOW_HOME and the storage root at a per-session temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="newsingest-tests-"))


def pytest_configure(config: pytest.Config) -> None:
    from newsingest.config import load_settings
    from newsingest.services.airflow import airflow_env

    os.environ.setdefault("NEWSINGEST_STORAGE_ROOT", str(_SESSION_DIR / "storage"))
    os.environ["AIRFLOW_HOME"] = str(_SESSION_DIR / "airflow")
    # dag.test() runs a whole DAG run in this one process, so nothing uses the metadata database
    # concurrently: SQLite is safe there and needs no server. The `airflow standalone` fixture
    # (tests/dags/conftest.py) runs its own PostgreSQL.
    os.environ.setdefault(
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{_SESSION_DIR / 'airflow' / 'airflow.db'}"
    )
    os.environ.update(airflow_env(load_settings()))


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def settings():
    from newsingest.config import load_settings

    return load_settings()


@pytest.fixture(scope="session")
def opensearch_url(settings) -> Iterator[str]:
    """The embedded OpenSearch node; started for the session unless one already answers."""
    from newsingest.services.opensearch import OpenSearchNode

    node = OpenSearchNode(settings)
    started_here = not node.is_up()
    url = node.start()
    yield url
    if started_here and not os.environ.get("NEWSINGEST_KEEP_SERVICES"):
        node.stop()


@pytest.fixture(scope="session")
def opensearch_client(opensearch_url):
    from newsingest.load.client import make_client

    return make_client(opensearch_url)


@pytest.fixture(scope="session")
def sample_site() -> Iterator[object]:
    """The bundled sample news site on an ephemeral loopback port (real HTTP)."""
    from newsingest.sample_site.server import start_site

    site = start_site("127.0.0.1", 0)
    try:
        yield site
    finally:
        site.stop()
