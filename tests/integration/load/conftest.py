"""Fixtures for the load-stage integration tests: the real node (shared fixture) and throw-away aliases.

``opensearch`` is the shared ``opensearch_client`` (tests/conftest.py starts the node when none answers);
if it still cannot be reached the tests skip with the URL in the message.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from newsingest.load.index import drop_alias_and_indices
from newsingest.models import EnrichedArticle
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OSConnectionError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def opensearch(opensearch_client: OpenSearch, opensearch_url: str) -> OpenSearch:
    try:
        opensearch_client.info()
    except OSConnectionError:
        pytest.skip(
            f"no OpenSearch node answers at {opensearch_url} (set NEWSINGEST_OPENSEARCH_URL or start it)"
        )
    return opensearch_client


@pytest.fixture
def alias(opensearch: OpenSearch) -> Iterator[str]:
    """A unique ``t_load_*`` alias; its indices and template are deleted afterwards."""
    name = f"t_load_{uuid.uuid4().hex[:10]}"
    yield name
    drop_alias_and_indices(opensearch, name)


@pytest.fixture(scope="session")
def fixture_articles() -> list[EnrichedArticle]:
    data = json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8"))
    return [EnrichedArticle.from_json(row) for row in data]
