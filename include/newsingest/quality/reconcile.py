"""Day reconciliation: the index, not the run's bookkeeping, is the record of what is done.

An article of a run is *done* when its document is in the index with the content hash of the response
it came from (or a later crawl of it replaced that copy). :func:`reconcile_run` reads the documents a
run produced (its enrich files), looks them up in the index through the write alias, re-loads whatever
is missing or stale from those same files once, and returns per source what the index holds. The
quality gate turns ``missing`` into a failure naming the source and the count.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from newsingest import storage
from newsingest.load.document import iso

log = logging.getLogger(__name__)

MGET_CHUNK = 1000


@dataclass
class Expected:
    """What a run loaded (or tried to load) for one document."""

    doc_id: str
    source: str
    content_hash: str | None
    last_crawled: str | None
    path: str  # the enrich file holding the article


@dataclass
class SourceReconciliation:
    """One source's articles of a run against the index."""

    source: str
    expected: int = 0  # distinct documents the run produced
    present: int = 0  # in the index as produced (or replaced by a later crawl)
    reloaded: int = 0  # missing or stale at first, loaded again by the reconciliation
    reloaded_ids: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # doc ids still not (or not as produced) in the index

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["missing_count"] = len(self.missing)
        data["missing"] = self.missing[:20]  # a sample for the report; the count is the figure
        del data["reloaded_ids"]
        return data


def expected_documents(enrich_paths: Iterable[str]) -> dict[str, Expected]:
    """The distinct documents in a run's enrich files, by doc id (the first copy wins, as in the load)."""
    found: dict[str, Expected] = {}
    for path in enrich_paths:
        if not path or not storage.exists(path):
            continue
        for row in storage.read_jsonl_gz(path):
            doc_id = row.get("doc_id")
            if not doc_id or doc_id in found:
                continue
            fetched = row.get("fetched_at")
            found[doc_id] = Expected(
                doc_id=doc_id,
                source=row.get("source") or "",
                content_hash=row.get("content_hash"),
                last_crawled=iso(_parse(fetched)) if fetched else None,
                path=path,
            )
    return found


def _parse(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _is_done(found: Mapping[str, Any] | None, want: Expected) -> bool:
    """The indexed copy is the one produced, or a later crawl replaced it."""
    if found is None:
        return False
    if found.get("content_hash") == want.content_hash:
        return True
    have = found.get("last_crawled")
    return bool(have and want.last_crawled and str(have) > want.last_crawled)


def indexed_copies(
    client, target: str, ids: list[str], fields: Iterable[str] = ("content_hash", "last_crawled")
) -> dict[str, Mapping[str, Any]]:
    """The ``fields`` of the documents of ``ids`` that exist, by id."""
    found: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(ids), MGET_CHUNK):
        resp = client.mget(
            index=target,
            body={"ids": ids[start : start + MGET_CHUNK]},
            _source_includes=list(fields),
        )
        found.update({d["_id"]: d.get("_source") or {} for d in resp["docs"] if d.get("found")})
    return found


def _not_done(client, target: str, expected: Mapping[str, Expected]) -> list[Expected]:
    found = indexed_copies(client, target, list(expected))
    return [want for doc_id, want in expected.items() if not _is_done(found.get(doc_id), want)]


def _reload(client, alias: str, target: str, pending: list[Expected]) -> None:
    """Load the pending documents again from their enrich files (idempotent upserts)."""
    from newsingest.load.bulk import LoadError, load_articles

    by_path: dict[str, set[str]] = {}
    for want in pending:
        by_path.setdefault(want.path, set()).add(want.doc_id)
    for path, ids in by_path.items():
        rows = (row for row in storage.read_jsonl_gz(path) if row.get("doc_id") in ids)
        try:
            load_articles(client, alias, rows, dead_letter_path=None, write_alias=target, refresh=True)
        except LoadError as exc:  # counted below as still missing
            log.error("reconciliation: reloading from %s failed: %s", path, exc)


def reconcile_run(
    client, alias: str, enrich_paths: Iterable[str], *, sources: Iterable[str] = (), repair: bool = True
) -> dict[str, SourceReconciliation]:
    """Check every document of a run's enrich files against the index; re-load what is missing once.

    Returns one :class:`SourceReconciliation` per source (``sources`` adds rows for sources that
    produced nothing). Raises the client's error when the index cannot be read: nothing is then known.
    """
    from newsingest.load.index import write_alias_for

    target = write_alias_for(alias)
    expected = expected_documents(enrich_paths)
    result = {name: SourceReconciliation(name) for name in sources}
    for want in expected.values():
        result.setdefault(want.source, SourceReconciliation(want.source)).expected += 1
    if expected:
        client.indices.refresh(index=target)
    pending = _not_done(client, target, expected) if expected else []
    if pending and repair:
        log.warning(
            "reconciliation: %d documents missing or stale in the index; loading them again", len(pending)
        )
        _reload(client, alias, target, pending)
        still = {w.doc_id for w in _not_done(client, target, {w.doc_id: w for w in pending})}
        for want in pending:
            if want.doc_id not in still:
                result[want.source].reloaded += 1
                result[want.source].reloaded_ids.append(want.doc_id)
        pending = [w for w in pending if w.doc_id in still]
    for want in pending:
        result[want.source].missing.append(want.doc_id)
    for row in result.values():
        row.present = row.expected - len(row.missing)
    return dict(sorted(result.items()))
