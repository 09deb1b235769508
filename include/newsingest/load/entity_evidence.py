"""Incremental evidence for the entity registry: what each document contributes, counted once.

Every consolidated document leaves a small record in ``<alias>-entities-docs`` (keyed by doc
id): its entities' (name, type) with surface forms, published date, source and a stamp (content hash
and enrichment version). A run updates the registry's counts only by the difference between a
document's new contribution and the one recorded before, so the nightly cost follows the day's new and
changed documents, not the size of the index: a document loaded again unchanged (same stamp) adds
nothing, a re-enriched one replaces its old contribution, a document gone from the index is subtracted.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import bulk

from newsingest.enrich.geo import fold

CHUNK = 500
MAX_SOURCES = 50
EVIDENCE_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "stamp": {"type": "keyword"},
        "published": {"type": "date"},
        "source": {"type": "keyword"},
        "entities": {"type": "object", "enabled": False},  # "<type>|<name>" -> surface forms
    },
}
DOC_FIELDS = ["entities", "content_hash", "enrichment_version", "published", "source"]


def evidence_index(registry: str) -> str:
    """The evidence index beside the registry index ``registry`` (``<alias>-entities-docs``)."""
    return f"{registry}-docs"


def entry_id(name: str, etype: str) -> str:
    """Registry document id of (name, type)."""
    return hashlib.sha1(f"{etype}|{fold(name)}|{name}".encode()).hexdigest()


@dataclass
class Delta:
    """Change of one registry entry's evidence."""

    docs: int = 0
    forms: Counter[str] = field(default_factory=Counter)
    first_seen: str | None = None
    last_seen: str | None = None
    sources: set[str] = field(default_factory=set)


def contribution(source: dict[str, Any]) -> dict[str, Any]:
    """What one indexed article tells the registry."""
    entities: dict[str, set[str]] = defaultdict(set)
    for e in source.get("entities") or []:
        if e.get("name") and e.get("type"):
            entities[f"{e['type']}|{e['name']}"].update([e["name"], *(e.get("forms") or [])])
    body = {k: sorted(v) for k, v in sorted(entities.items())}
    stamp = "|".join([source.get("content_hash") or "", source.get("enrichment_version") or ""])
    if stamp == "|":  # no hash to go by: the entities themselves
        stamp = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return {"stamp": stamp, "published": source.get("published"), "source": source.get("source"),
            "entities": body}  # fmt: skip


def _mget(client: OpenSearch, index: str, ids: list[str], fields: list[str] | None) -> Iterator[dict]:
    for i in range(0, len(ids), CHUNK):
        kwargs: dict[str, Any] = {"_source_includes": fields} if fields else {}
        resp = client.mget(index=index, body={"ids": ids[i : i + CHUNK]}, **kwargs)
        yield from resp["docs"]


def _add(deltas: dict[tuple[str, str], Delta], contrib: dict[str, Any], sign: int) -> None:
    for key, forms in contrib["entities"].items():
        etype, name = key.split("|", 1)
        d = deltas.setdefault((name, etype), Delta())
        d.docs += sign
        d.forms.update({f: sign for f in forms})
        if sign > 0:
            seen = contrib.get("published")
            if seen:
                d.first_seen = min(filter(None, [d.first_seen, seen]))
                d.last_seen = max(filter(None, [d.last_seen, seen]))
            if contrib.get("source"):
                d.sources.add(contrib["source"])


def ensure_indices(client: OpenSearch, registry: str, registry_mappings: dict[str, Any]) -> None:
    """The registry and evidence indices exist with the current mappings (fields are only ever added)."""
    for index, mappings in ((registry, registry_mappings), (evidence_index(registry), EVIDENCE_MAPPINGS)):
        if client.indices.exists(index=index):
            client.indices.put_mapping(index=index, body={"properties": mappings["properties"]})
        else:
            client.indices.create(index=index, body={"mappings": mappings})


def update_evidence(
    client: OpenSearch, alias: str, registry: str, doc_ids: Iterable[str]
) -> tuple[int, set[tuple[str, str]]]:
    """Bring the registry's counts up to date for ``doc_ids`` of ``alias`` (``registry`` is the
    registry index). Returns (documents whose evidence changed, (name, type) entries touched)."""
    ids = sorted(set(doc_ids))
    evidence = evidence_index(registry)
    before = {d["_id"]: d.get("_source") for d in _mget(client, evidence, ids, None) if d.get("found")}
    deltas: dict[tuple[str, str], Delta] = {}
    writes: list[dict[str, Any]] = []
    changed = 0
    for doc in _mget(client, alias, ids, DOC_FIELDS):
        old = before.get(doc["_id"])
        if not doc.get("found"):
            if old is not None:  # the article left the index: its evidence goes too
                _add(deltas, old, -1)
                writes.append({"_op_type": "delete", "_index": evidence, "_id": doc["_id"]})
                changed += 1
            continue
        new = contribution(doc["_source"])
        if old is not None and old.get("stamp") == new["stamp"]:
            continue  # loaded again unchanged: counted already
        if old is not None:
            _add(deltas, old, -1)
        _add(deltas, new, +1)
        writes.append({"_op_type": "index", "_index": evidence, "_id": doc["_id"], "_source": new})
        changed += 1
    deltas = {k: d for k, d in deltas.items() if d.docs or +d.forms or -d.forms or d.sources}
    if deltas:
        _apply_deltas(client, registry, deltas)
    if writes:
        bulk(client, writes, refresh=True, raise_on_error=False)
    return changed, set(deltas)


def _apply_deltas(client: OpenSearch, registry: str, deltas: dict[tuple[str, str], Delta]) -> None:
    keys = sorted(deltas)
    ids = [entry_id(n, t) for n, t in keys]
    current = {d["_id"]: d.get("_source") or {} for d in _mget(client, registry, ids, None) if d.get("found")}
    actions = []
    for (name, etype), doc_id in zip(keys, ids, strict=True):
        d = deltas[(name, etype)]
        src = dict(current.get(doc_id) or {"name": name, "type": etype, "docs": 0, "forms": []})
        forms = Counter({f["form"]: f["docs"] for f in src.get("forms") or []})
        forms.update(d.forms)
        src["docs"] = max(0, int(src.get("docs") or 0) + d.docs)
        src["forms"] = [{"form": f, "docs": n} for f, n in sorted(forms.items()) if n > 0]
        src["first_seen"] = min(filter(None, [src.get("first_seen"), d.first_seen]), default=None)
        src["last_seen"] = max(filter(None, [src.get("last_seen"), d.last_seen]), default=None)
        src["sources"] = sorted(set(src.get("sources") or []) | d.sources)[:MAX_SOURCES]
        actions.append({"_op_type": "index", "_index": registry, "_id": doc_id, "_source": src})
    bulk(client, actions, refresh=True)
