"""Indexed enrichment for reuse: what the model already computed for a text the index holds.

:class:`IndexedEnrichment` is the ``reuse_lookup`` of :func:`newsingest.pipeline.enrich_stage`. Called
with doc ids it returns those documents' enrichment (a re-crawl, a backfill that reprocesses a day);
:meth:`IndexedEnrichment.by_content_hash` returns, for content hashes, the enrichment of one indexed
document with that text under any URL (a wire story another source already carried). Both read through
the write alias; an index that cannot be read gives nothing to reuse, and the model runs as before.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from newsingest.load.document import ENRICHMENT_FIELDS
from newsingest.load.index import write_alias_for
from newsingest.quality.reconcile import indexed_copies

log = logging.getLogger(__name__)

HASH_CHUNK = 500  # content hashes per search request


class IndexedEnrichment:
    """Doc ids (call) or content hashes (:meth:`by_content_hash`) -> indexed enrichment."""

    def __init__(self, client: Any, alias: str) -> None:
        self.client = client
        self.target = write_alias_for(alias)

    def __call__(self, ids: list[str]) -> dict[str, Mapping[str, Any]]:
        try:
            return indexed_copies(self.client, self.target, ids, ENRICHMENT_FIELDS)
        except Exception as exc:  # nothing reused: the model runs, as before
            log.warning("enrichment reuse: cannot read %s (%s); enriching every article", self.target, exc)
            return {}

    def by_content_hash(self, hashes: list[str], version: str) -> dict[str, Mapping[str, Any]]:
        """One indexed document per content hash (enriched by ``version``; the oldest doc id wins, so
        every copy reuses the same one), with its enrichment fields and title."""
        found: dict[str, Mapping[str, Any]] = {}
        wanted = sorted(set(hashes))
        try:
            for start in range(0, len(wanted), HASH_CHUNK):
                chunk = wanted[start : start + HASH_CHUNK]
                resp = self.client.search(
                    index=self.target,
                    body={
                        "size": len(chunk),
                        "_source": [*ENRICHMENT_FIELDS, "title"],
                        "query": {
                            "bool": {
                                "filter": [
                                    {"terms": {"content_hash": chunk}},
                                    {"term": {"enrichment_version": version}},
                                ]
                            }
                        },
                        "collapse": {"field": "content_hash"},
                        "sort": [{"doc_id": "asc"}],
                    },
                )
                for hit in resp["hits"]["hits"]:
                    source = hit.get("_source") or {}
                    if source.get("content_hash"):
                        found[source["content_hash"]] = source
        except Exception as exc:  # nothing reused by hash: the model runs, as before
            log.warning("enrichment reuse by content hash: cannot read %s (%s)", self.target, exc)
            return {}
        return found


def enrichment_lookup(client: Any, alias: str) -> IndexedEnrichment:
    """The ``reuse_lookup`` for ``alias`` (kept as a function: the DAG and tests build it this way)."""
    return IndexedEnrichment(client, alias)
