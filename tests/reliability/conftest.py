"""Fixtures for fault-injection tests: private OpenSearch nodes and isolated storage.

Fault tests never touch the shared node on 9200 in a way that could disturb other users: nodes that
get stopped or reconfigured are started here on their own ports (92xx) with their own
``NEWSINGEST_HOME`` under a temporary folder, and stopped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from newsingest.config import Settings
from newsingest.services.opensearch import OpenSearchNode
from reliability_support import PrivateNode


@pytest.fixture(scope="module")
def private_node(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., PrivateNode]]:
    """``private_node(port, extra_settings=None)`` -> a started :class:`PrivateNode`; stopped afterwards."""
    started: list[PrivateNode] = []

    def make(port: int, extra_settings: dict[str, str] | None = None) -> PrivateNode:
        if OpenSearchNode(settings, port=port).is_up():
            pytest.fail(f"port {port} already has an OpenSearch node; fault tests need it for their own node")
        node = PrivateNode(settings, tmp_path_factory.mktemp(f"os-{port}"), port, extra_settings)
        started.append(node)
        node.start()
        return node

    yield make
    for node in started:
        node.stop()


@pytest.fixture
def iso_settings(settings: Settings, tmp_path: Path) -> Settings:
    """Settings with a private storage root."""
    return replace(settings, storage_root=str(tmp_path / "storage"))


@pytest.fixture
def unique_alias() -> str:
    return f"t_rel_{uuid.uuid4().hex[:10]}"
