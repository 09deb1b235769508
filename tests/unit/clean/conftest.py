"""Fixtures for the cleaner tests: hand-written pages under tests/fixtures/pages/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"


@pytest.fixture
def page() -> Callable[[str], bytes]:
    """Bytes of a fixture page by file stem."""

    def load(name: str) -> bytes:
        return (PAGES / f"{name}.html").read_bytes()

    return load
