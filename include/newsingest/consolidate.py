"""Post-load consolidation of a run: entity registry and cross-batch story clusters.

Runs once after every load of a run (the ``consolidate`` task of ``news_ingest``; also callable from the
CLI or a backfill): it reads the doc ids the run enriched, brings them (and older documents, for merges
the registry learns now) to canonical entity names (:mod:`newsingest.load.entity_registry`) and gives
them their story clusters across batches, sources and days (:mod:`newsingest.load.clusters`). Both steps
are deterministic and idempotent: a rerun, a backfill or a reindex of the same documents ends in the same
state.

A rerun of a run (:func:`consolidate_run`) leaves out the documents this run has already consolidated
(``runs/<run>/consolidated.jsonl.gz``) that the latest load found unchanged
(``runs/<run>/load-unchanged/``): nothing about them changed since, and every relation they have with a
changed document is found from that document's side (shared MinHash bands, registry names), while merges
the registry learns later reach them by update-by-query. Everything else -- a document the load wrote,
or one a failed consolidation never finished -- is consolidated again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from newsingest import storage

log = logging.getLogger(__name__)


def run_doc_ids(enrich_paths: Iterable[str]) -> list[str]:
    """doc ids of the articles in a run's enrich output files (missing files are skipped)."""
    ids: set[str] = set()
    for path in enrich_paths:
        if not path or not storage.exists(path):
            continue
        for row in storage.read_jsonl_gz(path):
            if row.get("doc_id"):
                ids.add(row["doc_id"])
    return sorted(ids)


def consolidate_run(
    client, alias: str, enrich_paths: Iterable[str], unchanged_paths: Iterable[str], done_path: str
) -> dict[str, Any]:
    """:func:`consolidate` for one run's documents, leaving out those it already consolidated that the
    latest load found unchanged; records what it consolidated in ``done_path`` once it succeeded."""
    from newsingest.quality.reconcile import indexed_copies

    ids = run_doc_ids(enrich_paths)
    done = set(run_doc_ids([done_path]))
    settled = done & set(run_doc_ids(unchanged_paths))
    todo = [i for i in ids if i not in settled]
    summary = consolidate(client, alias, todo)
    summary["already_consolidated"] = len(ids) - len(todo)
    # Only documents the index holds count as consolidated (a missing one is reloaded by the gate later).
    consolidated = (done & set(ids)) | set(indexed_copies(client, alias, todo, ["doc_id"]))
    storage.write_jsonl_gz(done_path, ({"doc_id": i} for i in sorted(consolidated)))
    return summary


def all_doc_ids(client, index: str) -> list[str]:
    """Every document id of ``index`` (a reindex build consolidates the whole index)."""
    from opensearchpy.helpers import scan

    return sorted(h["_id"] for h in scan(client, index=index, query={"_source": False}))


def consolidate(
    client, alias: str, doc_ids: Iterable[str] | None, *, registry_alias: str | None = None
) -> dict[str, Any]:
    """Canonical entities, then story clusters, for ``doc_ids`` already loaded under ``alias`` (every
    document when None: a reindex build, with ``registry_alias`` naming the live alias's registry)."""
    from newsingest.load.clusters import recluster
    from newsingest.load.entity_registry import consolidate_entities

    everything = doc_ids is None
    ids = all_doc_ids(client, alias) if doc_ids is None else sorted(set(doc_ids))
    entities = consolidate_entities(client, alias, None if everything else ids, registry_alias=registry_alias)
    clusters = recluster(client, alias, ids)
    summary = {"documents": len(ids), "entities": entities.to_dict(), "clusters": clusters.to_dict()}
    log.info("consolidate %s: %s", alias, summary)
    return summary
