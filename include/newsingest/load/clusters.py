"""Story clusters over the whole index, after the loads of a run (or a backfill, or a reindex).

Enrichment gives each article a provisional ``cluster_id`` from its own batch; batches of one run are
enriched in parallel, so a wire story carried in two batches would get two. :func:`recluster` fixes that
once every batch is loaded: for the given documents (a run's, a day's) it finds every indexed article
sharing a MinHash band with them (any day, any source), confirms candidates by estimated Jaccard
(:func:`newsingest.enrich.dedup.similar`) and joins the confirmed pairs with their existing clusters.

The id of a cluster is the ``doc_id`` of its earliest member (``published``, else ``first_seen``, then
``doc_id``). Every stored cluster keeps that invariant, so a join only has to compare the clusters'
roots: the result is the transitive closure of the similarity graph with the earliest member as id,
whatever order days, batches, backfills or reindexes arrive in, and a rerun changes nothing. When new
articles bridge two existing clusters, the later one is relabelled (update-by-query on ``cluster_id``).
"""

from __future__ import annotations

import logging
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError
from opensearchpy.helpers import bulk

from newsingest.enrich import dedup

log = logging.getLogger(__name__)

SKETCH_FIELDS = [
    "doc_id", "cluster_id", "published", "first_seen", "content_hash", "minhash_bands", "minhash_signature",
]  # fmt: skip
ID_CHUNK = 1000
BAND_CHUNK = 512
CANDIDATES_PER_CHUNK = 5000
_NO_DATE = "9999"


@dataclass
class ClusterReport:
    documents: int = 0  # documents asked about that exist in the index
    candidates: int = 0  # other indexed articles sharing a band with them
    updated: int = 0  # documents whose cluster_id was rewritten
    relabelled_clusters: int = 0  # existing clusters merged into an earlier one
    relabelled_documents: int = 0
    clusters: dict[str, int] = field(default_factory=dict)  # cluster_id -> members among ``documents``

    def to_dict(self) -> dict:
        multi = sum(1 for n in self.clusters.values() if n > 1)
        return {
            "documents": self.documents,
            "candidates": self.candidates,
            "updated": self.updated,
            "relabelled_clusters": self.relabelled_clusters,
            "relabelled_documents": self.relabelled_documents,
            "stories": len(self.clusters),
            "multi_article_stories": multi,
        }


def _order(src: dict) -> tuple[str, str]:
    return (src.get("published") or src.get("first_seen") or _NO_DATE, str(src.get("doc_id")))


def _sketch(src: dict) -> dedup.Sketch:
    return dedup.Sketch(
        doc_id=str(src["doc_id"]),
        content_hash=src.get("content_hash"),
        signature=[int(v) for v in src.get("minhash_signature") or []],
        bands=list(src.get("minhash_bands") or []),
        cluster_id=src.get("cluster_id") or str(src["doc_id"]),
        order=_order(src),
    )


def _fetch(client: OpenSearch, alias: str, ids: Sequence[str], fields: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for i in range(0, len(ids), ID_CHUNK):
        chunk = list(ids[i : i + ID_CHUNK])
        resp = client.search(
            index=alias,
            body={"size": len(chunk), "query": {"ids": {"values": chunk}}, "_source": fields},
        )
        for hit in resp["hits"]["hits"]:
            src = hit["_source"]
            src.setdefault("doc_id", hit["_id"])
            out[hit["_id"]] = src
    return out


def _candidates(
    client: OpenSearch, alias: str, bands: Iterable[str], exclude: Container[str] = ()
) -> dict[str, dict]:
    """Sketches of the indexed articles sharing a band with ``bands``, except ``exclude``.

    The band searches return ids only: most hits are the asking documents themselves, and only the
    others' sketches (signature and bands) are then read."""
    terms = sorted(set(bands))
    ids: set[str] = set()
    for i in range(0, len(terms), BAND_CHUNK):
        resp = client.search(
            index=alias,
            body={
                "size": CANDIDATES_PER_CHUNK,
                "query": {"terms": {"minhash_bands": terms[i : i + BAND_CHUNK]}},
                "_source": False,
            },
        )
        ids.update(hit["_id"] for hit in resp["hits"]["hits"] if hit["_id"] not in exclude)
    return _fetch(client, alias, sorted(ids), SKETCH_FIELDS) if ids else {}


def recluster(
    client: OpenSearch, alias: str, doc_ids: Iterable[str], *, refresh: bool = True
) -> ClusterReport:
    """Give ``doc_ids`` (already indexed under ``alias``) their cross-batch, cross-day story clusters."""
    ids = sorted(set(doc_ids))
    report = ClusterReport()
    if not ids:
        return report
    try:
        client.indices.refresh(index=alias)
        own = _fetch(client, alias, ids, SKETCH_FIELDS)
    except NotFoundError:
        return report
    report.documents = len(own)
    others = _candidates(client, alias, (b for s in own.values() for b in s.get("minhash_bands") or []), own)
    report.candidates = len(others)
    nodes = [_sketch(s) for s in own.values()] + [_sketch(s) for s in others.values()]
    n_own = len(own)
    index = {n.doc_id: i for i, n in enumerate(nodes)}
    cluster_of = [n.cluster_id or n.doc_id for n in nodes]  # _sketch sets it; the type allows None
    sets = dedup.link_similar(nodes, n_own)
    # Candidates that already share a stored cluster are one component (their cluster was built earlier).
    by_cluster: dict[str, int] = {}
    for j in range(n_own, len(nodes)):
        cid = cluster_of[j]
        if cid in by_cluster:
            sets.union(j, by_cluster[cid])
        else:
            by_cluster[cid] = j
    components: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        components.setdefault(sets.find(i), []).append(i)
    # Roots of the stored clusters the components touch, with their order (fetched when not a node).
    stored_roots = {cluster_of[j] for j in range(n_own, len(nodes))}
    missing = sorted(r for r in stored_roots if r not in index)
    root_docs = _fetch(client, alias, missing, ["doc_id", "published", "first_seen"]) if missing else {}

    def root_order(root: str, fallback: tuple) -> tuple:
        if root in index:
            return nodes[index[root]].order
        if root in root_docs:
            return _order(root_docs[root])
        return fallback

    updates: dict[str, str] = {}
    relabel: dict[str, str] = {}
    for members in components.values():
        if not any(i < n_own for i in members):
            continue
        roots: dict[str, tuple] = {}
        for i in members:
            if i < n_own:
                roots[nodes[i].doc_id] = nodes[i].order
            else:
                roots[cluster_of[i]] = root_order(cluster_of[i], nodes[i].order)
        cluster = min(roots, key=lambda r: (roots[r], r))
        for i in members:
            if i < n_own:
                report.clusters[cluster] = report.clusters.get(cluster, 0) + 1
                if cluster_of[i] != cluster:
                    updates[nodes[i].doc_id] = cluster
            elif cluster_of[i] != cluster:
                relabel[cluster_of[i]] = cluster
    if updates:
        actions = (
            {"_op_type": "update", "_index": alias, "_id": doc_id, "doc": {"cluster_id": cid}}
            for doc_id, cid in sorted(updates.items())
        )
        ok, _ = bulk(client, actions, refresh=False, raise_on_error=True)
        report.updated = ok
    for old, new in sorted(relabel.items()):
        resp = client.update_by_query(
            index=alias,
            body={
                "query": {"term": {"cluster_id": old}},
                "script": {
                    "lang": "painless",
                    "source": "ctx._source.cluster_id = params.to",
                    "params": {"to": new},
                },
            },
            conflicts="proceed",
            refresh=False,
        )
        report.relabelled_clusters += 1
        report.relabelled_documents += int(resp.get("updated", 0))
    if refresh and (updates or relabel):
        client.indices.refresh(index=alias)
    log.info("recluster %s: %s", alias, report.to_dict())
    return report
