"""Fixtures for the security tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from newsingest.config import Settings


@pytest.fixture
def iso_settings(settings: Settings, tmp_path: Path) -> Settings:
    """Settings with a private storage root."""
    return replace(settings, storage_root=str(tmp_path / "storage"))
