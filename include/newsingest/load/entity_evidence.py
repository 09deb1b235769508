"""Incremental evidence for the entity registry: what each document contributes, counted once, even
when two consolidations run at once.

Every consolidated document leaves a small record in ``<alias>-entities-docs`` (keyed by doc id): its
entities' (name, type) with surface forms, published date, source and a stamp (content hash and
enrichment version). A run updates the registry's counts only by the difference between a document's new
contribution and the one recorded before, so the nightly cost follows the day's new and changed
documents, not the size of the index: a document loaded again unchanged (same stamp) adds nothing, a
re-enriched one replaces its old contribution, a document gone from the index is subtracted.

Concurrency and crashes (two consolidations at once, a task killed half-way):

1. **claim**: a consolidation writes each changed document's new record *before* touching the registry,
   with optimistic concurrency (``if_seq_no``/``if_primary_term`` of the record it read, or
   ``op_type=create``), marked ``pending`` with its own ``token`` and the contribution it replaces
   (``previous``). A document another consolidation claimed at the same moment is a version conflict: it
   is read again and retried (bounded, with backoff); one still pending under another token is waited for.
   So each change of a document is counted by exactly one consolidation.
2. **apply**: the claimed differences go to the registry as scripted upserts (``retry_on_conflict``),
   each an atomic read-modify-write on the node, so concurrent increments of one entry never overwrite
   each other. The script records the token in the entry and skips a token it has seen: applying the
   same claims twice changes nothing.
3. **settle**: the records lose their ``pending`` mark (a record of a document gone from the index is
   deleted). A claim left pending for :data:`STALE` (its consolidation died) is applied again by the
   next consolidation from the records themselves; entries that already saw its token skip it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import RequestError
from opensearchpy.helpers import scan

from newsingest.enrich.geo import fold
from newsingest.errors import RetryableError

log = logging.getLogger(__name__)

CHUNK = 500
MAX_SOURCES = 50
MAX_TOKENS = 64  # tokens an entry remembers (a stale claim is re-applied within minutes, not 64 runs)
CLAIM_ATTEMPTS = 8  # rounds of claiming (conflicts and documents pending under another token)
RETRY_ON_CONFLICT = 20  # node-side retries of one scripted registry update
STALE = timedelta(minutes=10)  # a claim pending this long is from a consolidation that died
EVIDENCE_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "stamp": {"type": "keyword"},
        "published": {"type": "date"},
        "source": {"type": "keyword"},
        "entities": {"type": "object", "enabled": False},  # "<type>|<name>" -> surface forms
        "offices": {"type": "object", "enabled": False},  # "person|<name>" -> office titles before it
        "previous": {"type": "object", "enabled": False},  # while pending: the contribution replaced
        "pending": {"type": "boolean"},
        "gone": {"type": "boolean"},
        "token": {"type": "keyword"},
        "claimed_at": {"type": "date"},
    },
}
DOC_FIELDS = ["entities", "content_hash", "enrichment_version", "published", "source", "title", "body"]

# One entry's evidence changes by params (docs, forms, offices, form_keys, first/last seen, sources), at
# most once per token. The upsert holds name, type and the lookup keys of a new entry.
DELTA_SCRIPT = """
List counted(def old, Map add) {
  Map all = new HashMap();
  if (old != null) { for (def f : old) { all.put(f.form, f.docs); } }
  for (def k : add.keySet()) { all.put(k, (all.containsKey(k) ? all.get(k) : 0) + add.get(k)); }
  List names = new ArrayList(all.keySet());
  Collections.sort(names);
  List out = new ArrayList();
  for (def k : names) {
    if (all.get(k) > 0) { Map f = new HashMap(); f.put('form', k); f.put('docs', all.get(k)); out.add(f); }
  }
  return out;
}
def s = ctx._source;
if (s.tokens == null) { s.tokens = new ArrayList(); }
if (s.tokens.contains(params.token)) { ctx.op = 'noop'; return; }
if (s.key == null) { s.key = params.key; }
if (s.last == null && params.last != null) { s.last = params.last; }
int docs = (s.docs == null ? 0 : (int) s.docs) + (int) params.docs;
s.docs = docs < 0 ? 0 : docs;
s.forms = counted(s.forms, params.forms);
s.offices = counted(s.offices, params.offices);
List keys = s.form_keys == null ? new ArrayList() : new ArrayList(s.form_keys);
for (def k : params.form_keys) { if (!keys.contains(k)) { keys.add(k); } }
Collections.sort(keys);
s.form_keys = keys;
if (params.first_seen != null && (s.first_seen == null || params.first_seen.compareTo(s.first_seen) < 0)) {
  s.first_seen = params.first_seen;
}
if (params.last_seen != null && (s.last_seen == null || params.last_seen.compareTo(s.last_seen) > 0)) {
  s.last_seen = params.last_seen;
}
List sources = s.sources == null ? new ArrayList() : new ArrayList(s.sources);
for (def x : params.sources) { if (!sources.contains(x)) { sources.add(x); } }
Collections.sort(sources);
if (sources.size() > params.max_sources) { sources = new ArrayList(sources.subList(0, params.max_sources)); }
s.sources = sources;
s.tokens.add(params.token);
while (s.tokens.size() > params.max_tokens) { s.tokens.remove(0); }
""".strip()


def _now() -> str:
    return datetime.now(UTC).isoformat()


def evidence_index(registry: str) -> str:
    """The evidence index beside the registry index ``registry`` (``<alias>-entities-docs``)."""
    return f"{registry}-docs"


def entry_id(name: str, etype: str) -> str:
    """Registry document id of (name, type)."""
    return hashlib.sha1(f"{etype}|{fold(name)}|{name}".encode()).hexdigest()


def last_key(name: str) -> str | None:
    """The folded last word of a name of two words or more (how a one-word form finds its full name)."""
    words = fold(name).split()
    return words[-1] if len(words) >= 2 else None


@dataclass
class Delta:
    """Change of one registry entry's evidence."""

    docs: int = 0
    forms: Counter[str] = field(default_factory=Counter)
    offices: Counter[str] = field(default_factory=Counter)  # office title -> articles ("president")
    first_seen: str | None = None
    last_seen: str | None = None
    sources: set[str] = field(default_factory=set)

    def empty(self) -> bool:
        return not (self.docs or +self.forms or -self.forms or +self.offices or -self.offices or self.sources)


@dataclass
class EvidenceUpdate:
    """What one evidence update did."""

    changed: int = 0  # documents whose contribution changed (claimed and applied)
    touched: set[tuple[str, str]] = field(default_factory=set)  # (name, type) entries whose counts moved
    forms: set[str] = field(default_factory=set)  # surface forms whose counts moved (any entry)
    run_keys: set[tuple[str, str]] = field(default_factory=set)  # (name, type) in the documents now
    recovered: int = 0  # stale claims of a dead consolidation applied


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
            "entities": body, "offices": person_offices(source, body)}  # fmt: skip


_WORD_AFTER = re.compile(r"[\w'’-]")


def person_offices(source: dict[str, Any], entities: dict[str, list[str]]) -> dict[str, list[str]]:
    """Office titles written right before each person's forms in the article's title and body
    ("President Obama" -> "president"; :func:`newsingest.enrich.normalize.title_before`): evidence for
    whom a bare last name means across articles."""
    from newsingest.enrich.normalize import title_before

    text = "\n".join(t for t in (source.get("title"), source.get("body")) if t)
    keys_of: dict[str, list[str]] = defaultdict(list)  # form -> the persons it names
    for key, forms in entities.items():
        if key.startswith("person|"):
            for form in dict.fromkeys(forms):
                if form:
                    keys_of[form].append(key)
    if not text or not keys_of:
        return {}
    # One pass over the text: every position where some form starts as a whole word (a lookahead, so
    # overlapping forms are all found); the office before a position is the same for every form there.
    alternatives = "|".join(re.escape(f) for f in sorted(keys_of, key=len, reverse=True))
    found: dict[str, set[str]] = defaultdict(set)
    for m in re.finditer(rf"(?<![\w'’-])(?=(?:{alternatives})(?![\w'’-]))", text):
        start = m.start()
        office = title_before(text, start)
        if not office:
            continue
        for form, keys in keys_of.items():
            end = start + len(form)
            if text.startswith(form, start) and not _WORD_AFTER.match(text, end):
                for key in keys:
                    found[key].add(office)
    return {key: sorted(found[key]) for key in entities if key in found}


def mget(client: OpenSearch, index: str, ids: list[str], fields: list[str] | None) -> Iterator[dict]:
    for i in range(0, len(ids), CHUNK):
        kwargs: dict[str, Any] = {"_source_includes": fields} if fields else {}
        resp = client.mget(index=index, body={"ids": ids[i : i + CHUNK]}, **kwargs)
        yield from resp["docs"]


def _add(deltas: dict[tuple[str, str], Delta], contrib: dict[str, Any] | None, sign: int) -> None:
    if not contrib:
        return
    offices = contrib.get("offices") or {}
    for key, forms in (contrib.get("entities") or {}).items():
        etype, name = key.split("|", 1)
        d = deltas.setdefault((name, etype), Delta())
        d.docs += sign
        d.forms.update({f: sign for f in forms})
        d.offices.update({o: sign for o in offices.get(key) or []})
        if sign > 0:
            seen = contrib.get("published")
            if seen:
                d.first_seen = min(filter(None, [d.first_seen, seen]))
                d.last_seen = max(filter(None, [d.last_seen, seen]))
            if contrib.get("source"):
                d.sources.add(contrib["source"])


def _keys(contrib: dict[str, Any] | None) -> set[tuple[str, str]]:
    out = set()
    for key in (contrib or {}).get("entities") or {}:
        etype, name = key.split("|", 1)
        out.add((name, etype))
    return out


def ensure_indices(client: OpenSearch, registry: str, registry_mappings: dict[str, Any]) -> None:
    """The registry and evidence indices exist with the current mappings (fields are only ever added)."""
    for index, mappings in ((registry, registry_mappings), (evidence_index(registry), EVIDENCE_MAPPINGS)):
        if not client.indices.exists(index=index):
            try:
                client.indices.create(index=index, body={"mappings": mappings})
                continue
            except RequestError as exc:  # another consolidation created it a moment ago
                if exc.error != "resource_already_exists_exception":
                    raise
        client.indices.put_mapping(index=index, body={"properties": mappings["properties"]})


def _bulk(client: OpenSearch, lines: list[dict[str, Any]], *, refresh: bool = False) -> list[dict[str, Any]]:
    """Raw ``_bulk`` (the helpers hide the per-item seq_no we need); returns the items in order."""
    items: list[dict[str, Any]] = []
    for i in range(0, len(lines), 2 * CHUNK):
        resp = client.bulk(body=lines[i : i + 2 * CHUNK], refresh="true" if refresh else "false")
        items.extend(next(iter(item.values())) for item in resp["items"])
    return items


@dataclass
class _Claim:
    doc_id: str
    seq_no: int
    primary_term: int
    gone: bool


def _claim(
    client: OpenSearch, alias: str, evidence: str, ids: list[str], token: str, update: EvidenceUpdate
) -> tuple[list[_Claim], dict[tuple[str, str], Delta], list[str]]:
    """One round: claim the changed documents of ``ids`` for ``token``. Returns the claims, their deltas
    and the documents to try again (claimed by another consolidation, or pending under its token)."""
    claims: list[_Claim] = []
    deltas: dict[tuple[str, str], Delta] = {}
    before = {d["_id"]: d for d in mget(client, evidence, ids, None) if d.get("found")}
    busy = {i for i, d in before.items() if d["_source"].get("pending")}
    lines: list[dict[str, Any]] = []
    pending: list[tuple[str, dict | None, dict | None]] = []
    for doc in mget(client, alias, [i for i in ids if i not in busy], DOC_FIELDS):
        old = before.get(doc["_id"])
        old_src = old["_source"] if old else None
        new = contribution(doc["_source"]) if doc.get("found") else None
        update.run_keys |= _keys(new)
        if new is None and old_src is None:
            continue
        if new is not None and old_src is not None and old_src.get("stamp") == new["stamp"]:
            continue  # loaded again unchanged: counted already
        kept = ("published", "source", "entities", "offices")
        previous = {k: old_src.get(k) for k in kept} if old_src else None
        record = {**(new or {"stamp": "", "entities": {}, "gone": True}), "previous": previous,
                  "pending": True, "token": token, "claimed_at": _now()}  # fmt: skip
        meta: dict[str, Any] = {"_index": evidence, "_id": doc["_id"]}
        if old is not None:
            meta.update(if_seq_no=old["_seq_no"], if_primary_term=old["_primary_term"])
            lines += [{"index": meta}, record]
        else:
            lines += [{"create": meta}, record]
        pending.append((doc["_id"], previous, new))
    retry = sorted(busy)
    for (doc_id, previous, new), item in zip(pending, _bulk(client, lines), strict=True):
        if item.get("status") == 409:
            retry.append(doc_id)  # another consolidation claimed it first: read it again
            continue
        if "error" in item:
            raise RetryableError(f"evidence record {doc_id} in {evidence}: {item['error']}")
        claims.append(_Claim(doc_id, item["_seq_no"], item["_primary_term"], new is None))
        _add(deltas, previous, -1)
        _add(deltas, new, +1)
    return claims, deltas, sorted(retry)


def apply_deltas(client: OpenSearch, registry: str, deltas: dict[tuple[str, str], Delta], token: str) -> None:
    """Add ``deltas`` to the registry entries, atomically per entry, at most once per ``token``."""
    lines: list[dict[str, Any]] = []
    for name, etype in sorted(deltas):
        d = deltas[(name, etype)]
        if d.empty():
            continue
        params = {
            "token": token, "key": fold(name), "last": last_key(name), "docs": d.docs,
            "forms": {f: n for f, n in d.forms.items() if n},
            "offices": {o: n for o, n in d.offices.items() if n},
            "form_keys": sorted({fold(f) for f in +d.forms}),
            "first_seen": d.first_seen, "last_seen": d.last_seen, "sources": sorted(d.sources),
            "max_sources": MAX_SOURCES, "max_tokens": MAX_TOKENS,
        }  # fmt: skip
        upsert = {"name": name, "type": etype, "docs": 0, "forms": []}
        meta = {"_index": registry, "_id": entry_id(name, etype), "retry_on_conflict": RETRY_ON_CONFLICT}
        lines += [
            {"update": meta},
            {"script": {"lang": "painless", "source": DELTA_SCRIPT, "params": params},
             "scripted_upsert": True, "upsert": upsert},
        ]  # fmt: skip
    failed = [item for item in _bulk(client, lines, refresh=True) if "error" in item]
    if failed:
        raise RetryableError(f"{len(failed)} registry updates of {registry} failed: {failed[0]['error']}")


def _apply_and_settle(
    client: OpenSearch, evidence: str, deltas: dict[tuple[str, str], Delta], claims: list[_Claim], token: str
) -> None:
    registry = evidence.removesuffix("-docs")
    apply_deltas(client, registry, deltas, token)
    lines: list[dict[str, Any]] = []
    for c in claims:  # a newer claim (409) supersedes ours: leave it
        meta = {"_index": evidence, "_id": c.doc_id, "if_seq_no": c.seq_no, "if_primary_term": c.primary_term}
        if c.gone:
            lines.append({"delete": meta})
        else:
            lines += [{"update": meta}, {"doc": {"pending": False, "previous": None, "token": None}}]
    _bulk(client, lines, refresh=True)


def recover_stale(client: OpenSearch, registry: str, *, older_than: timedelta = STALE) -> int:
    """Apply and settle the claims of consolidations that died ``older_than`` ago; returns claims."""
    evidence = evidence_index(registry)
    cutoff = (datetime.now(UTC) - older_than).isoformat()
    query = {"bool": {"filter": [{"term": {"pending": True}}, {"range": {"claimed_at": {"lte": cutoff}}}]}}
    by_token: dict[str, list[dict[str, Any]]] = defaultdict(list)
    client.indices.refresh(index=evidence)
    for hit in scan(client, index=evidence, query={"query": query, "seq_no_primary_term": True}):
        by_token[hit["_source"].get("token") or ""].append(hit)
    for token, hits in sorted(by_token.items()):
        deltas: dict[tuple[str, str], Delta] = {}
        claims = []
        for hit in hits:
            s = hit["_source"]
            _add(deltas, s.get("previous"), -1)
            _add(deltas, None if s.get("gone") else s, +1)
            claims.append(_Claim(hit["_id"], hit["_seq_no"], hit["_primary_term"], bool(s.get("gone"))))
        log.warning("entity evidence %s: applying %d stale claims of token %s", evidence, len(claims), token)
        _apply_and_settle(client, evidence, deltas, claims, token)
    return sum(len(h) for h in by_token.values())


def update_evidence(client: OpenSearch, alias: str, registry: str, doc_ids: Iterable[str]) -> EvidenceUpdate:
    """Bring the registry's counts up to date for ``doc_ids`` of ``alias`` (``registry`` is the
    registry index); safe when another consolidation runs at the same time.

    Each round claims what it can, applies and settles it (so a consolidation waiting for ours sees it
    done), then tries again the documents another consolidation held, with backoff; documents still held
    after :data:`CLAIM_ATTEMPTS` rounds fail the call with a :class:`RetryableError` (what was claimed is
    counted)."""
    evidence = evidence_index(registry)
    update = EvidenceUpdate(recovered=recover_stale(client, registry))
    base = uuid.uuid4().hex
    todo = sorted(set(doc_ids))
    for attempt in range(CLAIM_ATTEMPTS):
        if not todo:
            break
        if attempt:
            time.sleep(min(0.1 * 2**attempt, 5.0))
        token = f"{base}-{attempt}"  # a token per round: the registry skips a token it has seen
        claims, deltas, todo = _claim(client, alias, evidence, todo, token, update)
        deltas = {k: d for k, d in deltas.items() if not d.empty()}
        _apply_and_settle(client, evidence, deltas, claims, token)
        update.changed += len(claims)
        update.touched |= set(deltas)
        update.forms |= {f for d in deltas.values() for f, n in d.forms.items() if n}
    if todo:
        raise RetryableError(
            f"{len(todo)} documents of {alias} stayed claimed by another consolidation of {evidence} "
            f"(e.g. {todo[0]}); try again later"
        )
    return update
