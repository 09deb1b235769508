"""The ``newsingest-runs`` index: one document of figures per run and source, for Dashboards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import RequestError
from opensearchpy.helpers import bulk

from newsingest import PIPELINE_VERSION
from newsingest.load.document import iso
from newsingest.load.index import load_template

RUNS_INDEX = "newsingest-runs"
RUNS_TEMPLATE_FILE = "runs_index_template.json"
COUNT_FIELDS = (
    "discovered", "attempted", "fetched", "not_modified", "blocked_by_robots", "cleaned", "enriched",
    "indexed", "failed",
)  # fmt: skip


def ensure_runs_index(client: OpenSearch, index: str = RUNS_INDEX) -> str:
    """Install the runs template (pattern ``<index>*``) and create ``index`` if missing. Idempotent."""
    template = load_template(RUNS_TEMPLATE_FILE)
    template["index_patterns"] = [f"{index}*"]
    client.indices.put_index_template(name=f"{index}-template", body=template)
    if not client.indices.exists(index=index):
        try:
            client.indices.create(index=index)
        except RequestError as exc:  # created meanwhile by another task
            if exc.error != "resource_already_exists_exception":
                raise
    return index


def run_documents(
    run_id: str,
    start: datetime,
    end: datetime,
    figures: Mapping[str, Mapping[str, Any]],
    *,
    status: str = "success",
    warnings: Iterable[str] = (),
    finished_at: datetime | None = None,
) -> list[dict[str, Any]]:
    """One document per source from the run report's per-source figures."""
    finished = iso(finished_at or datetime.now(UTC))
    notes = list(warnings)
    docs = []
    for source, fig in figures.items():
        doc: dict[str, Any] = {
            "run_id": run_id,
            "source": source,
            "status": status,
            "interval_start": iso(start),
            "interval_end": iso(end),
            "finished_at": finished,
            "pipeline_version": PIPELINE_VERSION,
            "fetch_errors": {str(k): int(v) for k, v in dict(fig.get("fetch_errors") or {}).items()},
            "dropped": {str(k): int(v) for k, v in dict(fig.get("dropped") or {}).items()},
            "warnings": [w for w in notes if f"source {source}:" in w or "source " not in w],
        }
        for name in COUNT_FIELDS:
            doc[name] = int(fig.get(name, 0) or 0)
        docs.append(doc)
    return docs


def index_run_figures(client: OpenSearch, docs: Iterable[dict[str, Any]], index: str = RUNS_INDEX) -> int:
    """Write run documents (id ``<run_id>:<source>``, so a rerun replaces its own rows); returns the count."""
    ensure_runs_index(client, index)
    actions = [
        {"_op_type": "index", "_index": index, "_id": f"{d['run_id']}:{d['source']}", "_source": d}
        for d in docs
    ]
    done, _ = bulk(client, actions, refresh="wait_for")
    return int(done)
