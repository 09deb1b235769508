"""The ``newsingest-runs`` index: one document per run and source, read by the Ingestion health dashboard."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from opensearchpy.exceptions import RequestError

from newsingest.config import DATA_DIR, Settings
from newsingest.quality.figures import COUNTS, RATIOS

RUNS_INDEX_TEMPLATE = DATA_DIR / "runs_index_template.json"


def runs_index_name(settings: Settings) -> str:
    """The index holding run figures: NEWSINGEST_RUNS_INDEX (default ``newsingest-runs``)."""
    return settings.index.runs_index


def runs_documents(record: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(id, document) pairs for the runs index: one per source (no total row, so sums stay honest)."""
    start = record["interval_start"]
    base = {
        "run_id": record["run_id"],
        "interval_start": start,
        "interval_end": record["interval_end"],
        "day": start[:10],
        "assessed_at": record["assessed_at"],
        "run_status": record["status"],
    }
    docs = []
    for source, fig in record["figures"].items():
        findings = [f for f in record["findings"] if f["source"] == source]
        doc = {
            **base,
            "source": source,
            "status": "failed"
            if any(f["level"] == "fail" for f in findings)
            else ("warned" if findings else "passed"),
            "findings": [f["message"] for f in findings],
            "fetch_errors": fig.get("fetch_errors", {}),
            "discovery_errors": fig.get("discovery_errors", {}),
            "discovered_usual": fig.get("discovered_usual"),
            "dropped": fig.get("dropped", {}),
            "body_chars_median": fig.get("body_chars_median"),
            "articles": fig.get("articles", 0),
            **{name: fig.get(name, 0) for name in COUNTS},
            **{name: fig.get(name) for name in RATIOS},
        }
        docs.append((doc["source"], doc))
    return [
        (hashlib.sha1(f"{record['run_id']}\x00{source}".encode()).hexdigest(), doc) for source, doc in docs
    ]


def ensure_runs_index(client, index: str) -> None:
    """Create the runs index from ``data/runs_index_template.json`` unless it exists; an existing one gets
    the template's fields it lacks (e.g. fetch error classes mapped up front), as adding fields is safe."""
    body = json.loads(RUNS_INDEX_TEMPLATE.read_text(encoding="utf-8"))
    if client.indices.exists(index=index):
        properties = body["template"]["mappings"]["properties"]
        client.indices.put_mapping(index=index, body={"properties": properties})
        return
    try:
        client.indices.create(index=index, body=body["template"])
    except RequestError as exc:  # a concurrent run created it first
        if exc.error != "resource_already_exists_exception":
            raise


def index_run(client, record: Mapping[str, Any], index: str) -> int:
    """Upsert the run's documents into the runs index (same ids on a rerun); returns the count."""
    from opensearchpy import helpers

    ensure_runs_index(client, index)
    actions = [
        {"_op_type": "index", "_index": index, "_id": doc_id, "_source": doc}
        for doc_id, doc in runs_documents(record)
    ]
    ok, errors = helpers.bulk(client, actions, refresh="wait_for", raise_on_error=False)
    if errors:
        raise RuntimeError(f"runs index {index}: {len(errors)} document(s) rejected: {errors[:2]}")
    return ok
