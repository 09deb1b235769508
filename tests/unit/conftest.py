"""Fixtures for the enrichment tests: one spaCy-backed Enricher per session (the model loads once)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def enricher():
    from newsingest.enrich.pipeline import Enricher

    return Enricher()


@pytest.fixture(scope="session")
def normalizer():
    from newsingest.enrich.normalize import Normalizer

    return Normalizer()


@pytest.fixture(scope="session")
def gazetteer():
    from newsingest.enrich.geo import default_gazetteer

    return default_gazetteer()
