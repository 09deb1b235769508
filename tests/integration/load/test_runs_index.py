"""The newsingest-runs index: template, one document per run and source, reruns replace."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from newsingest.load.runs import index_run_figures, run_documents
from opensearchpy import OpenSearch

pytestmark = pytest.mark.opensearch


def test_run_figures_are_indexed_per_source(opensearch: OpenSearch) -> None:
    index = f"t_load_runs_{uuid.uuid4().hex[:8]}"
    ledger = {"discovered": 12, "fetched": 11, "fetch_errors": {"http_5xx": 1}, "indexed": 10, "failed": 1}
    ledger["dropped"] = {"page_type:consent": 1}
    figures = {"daily-ledger": ledger, "harbour-times": {"discovered": 3, "fetched": 3, "indexed": 3}}
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
    try:
        docs = run_documents(
            "run-1", start, end, figures, warnings=["source daily-ledger: fetch error ratio 0.3"]
        )
        assert index_run_figures(opensearch, docs, index) == 2
        assert index_run_figures(opensearch, docs, index) == 2  # rerun replaces
        assert opensearch.count(index=index)["count"] == 2
        got = opensearch.get(index=index, id="run-1:daily-ledger")["_source"]
        assert got["fetch_errors"] == {"http_5xx": 1} and got["warnings"] and got["indexed"] == 10
        assert opensearch.get(index=index, id="run-1:harbour-times")["_source"]["warnings"] == []
        mapping = opensearch.indices.get_mapping(index=index)[index]["mappings"]["properties"]
        assert mapping["fetch_errors"]["properties"]["http_5xx"]["type"] == "long"
        total = opensearch.search(index=index, body={"size": 0, "aggs": {"n": {"sum": {"field": "indexed"}}}})
        assert total["aggregations"]["n"]["value"] == 13
    finally:
        opensearch.indices.delete(index=index, ignore_unavailable=True)
        opensearch.indices.delete_index_template(name=f"{index}-template", ignore=[404])
