"""Helpers shared by the fault-injection tests (private OpenSearch nodes, child processes)."""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

from newsingest.config import Settings
from newsingest.services.opensearch import OpenSearchNode

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


class PrivateNode:
    """A real OpenSearch node on ``port`` with data under ``home``; may be stopped and restarted."""

    def __init__(self, settings: Settings, home: Path, port: int, extra: dict[str, str] | None) -> None:
        self.settings = replace(settings, home=home, opensearch_url=f"http://127.0.0.1:{port}")
        self.node = OpenSearchNode(self.settings, port=port, transport_port=port + 100)
        self.extra = extra or {}

    @property
    def url(self) -> str:
        return self.node.url

    def start(self) -> str:
        return self.node.start(heap="512m", timeout=240.0, extra_settings=self.extra)

    def stop(self) -> None:
        self.node.stop(timeout=60.0)

    def kill(self) -> None:
        """SIGKILL the node's process group (a crash, not a shutdown)."""
        pid = self.node.daemon.pid()
        if pid is not None:
            os.killpg(pid, signal.SIGKILL)
            self.node.stop(timeout=10.0)  # reaps it and removes the pid file


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python process running pipeline code."""
    env = dict(os.environ)
    env.update(extra)
    return env
