"""Bulk-load enriched articles through the write alias, idempotently.

How a document gets in (document id = ``doc_id``, the hash of the canonical URL):

1. ``create`` -- a new article is indexed as is, exactly as fast as a plain ``index``;
2. an article already in the index (found by one ``mget`` per chunk, or by its ``create`` answering 409
   when it landed meanwhile) goes as a scripted upsert (:data:`UPSERT_SCRIPT`) that keeps the earliest
   ``first_seen``, replaces everything else, ignores a copy crawled before the indexed one (backfills
   never overwrite fresher data) and does nothing when the document is unchanged (reruns write nothing);
3. an article whose indexed copy (read by that ``mget``) the script would leave as it is, is not sent at
   all (:func:`_unchanged` takes the script's steps in Python; any doubt sends it, and the script decides).

``last_crawled`` and ``fetched_at`` of a document whose content did not change move only when the indexed
ones are older than ``crawl_time_resolution`` (6 hours by default), the way ``relatime`` treats access
times: a rerun or retry of a day, or a backfill of a day crawled a few hours ago, writes nothing for
unchanged articles, while the next night's crawl still moves them.

Chunks are bounded by documents and bytes. Items rejected with 429 or 503 are retried with exponential
backoff (bounded rounds); other per-item failures go to a dead-letter JSON Lines file. The counts are
reconciled (``received = indexed + failed + skipped``) and the call raises :class:`LoadError` once the
failure ratio passes ``max_error_ratio`` -- after the dead letters are written.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import nullcontext, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import streaming_bulk
from pydantic import ValidationError

from newsingest import storage
from newsingest.errors import NewsingestError
from newsingest.load.document import DocumentError, iso, to_document
from newsingest.load.index import relaxed_refresh, write_alias_for, write_index
from newsingest.models import EnrichedArticle

log = logging.getLogger(__name__)

DEFAULT_CHUNK_BYTES = 10 * 1024 * 1024
DEFAULT_CHUNK_DOCS = 1000
RETRY_STATUSES = frozenset({429, 503})
CRAWL_TIME_RESOLUTION = timedelta(hours=6)

# Painless, run for articles already indexed. Dates are ISO strings in UTC ('Z'), so they compare as strings.
UPSERT_SCRIPT = """
Map doc = params.doc;
Map old = ctx._source;
if (old.isEmpty()) { old.putAll(doc); return; }
def oldFirst = old.first_seen;
def first = doc.first_seen;
if (oldFirst != null && (first == null || oldFirst.compareTo(first) < 0)) { first = oldFirst; }
def oldCrawled = old.last_crawled;
if (oldCrawled != null && doc.last_crawled != null && oldCrawled.compareTo(doc.last_crawled) > 0) {
  if (first == oldFirst) { ctx.op = 'noop'; } else { old.first_seen = first; }
  return;
}
Map merged = new HashMap(doc);
merged.first_seen = first;
if (merged.equals(old)) { ctx.op = 'noop'; return; }
def touchBefore = params.touch_before;
if (touchBefore != null && oldCrawled != null && oldCrawled.compareTo(touchBefore) >= 0) {
  merged.last_crawled = oldCrawled;
  merged.fetched_at = old.get('fetched_at');
  if (merged.equals(old)) { ctx.op = 'noop'; return; }
  merged.last_crawled = doc.last_crawled;
  merged.fetched_at = doc.get('fetched_at');
}
old.clear();
old.putAll(merged);
""".strip()

_UPDATE_PREFIX = (
    '{"scripted_upsert":true,"upsert":{},"script":{"lang":"painless","source":'
    + json.dumps(UPSERT_SCRIPT)
    + ',"params":{"doc":'
)


class LoadError(NewsingestError, RuntimeError):
    """Too many documents failed; ``report`` has the counts and the dead-letter path."""

    def __init__(self, message: str, report: LoadReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class LoadReport:
    """What one load did. ``received == indexed + failed + skipped`` always holds."""

    index: str = ""
    received: int = 0
    created: int = 0  # new documents
    updated: int = 0  # existing documents replaced (first_seen kept)
    unchanged: int = 0  # existing documents identical to, or crawled later than, the incoming copy
    # documents whose request got no answer (a timeout, the node went away) but that had landed: found
    # identical when sent again, or found as sent by the read-back; indexed, not failed or dead-lettered
    landed_unacknowledged: int = 0
    duplicates: int = 0  # the same doc_id again in the input (the first copy is loaded)
    failed: int = 0  # invalid articles and rejected documents, all in the dead-letter file
    retried: int = 0  # documents sent again after 429/503
    requests: int = 0  # bulk requests sent
    elapsed_s: float = 0.0
    dead_letter_path: str | None = None
    errors_by_type: dict[str, int] = field(default_factory=dict)
    # ids of the documents found unchanged (not in the JSON form: consolidation reads them from a file)
    unchanged_ids: list[str] = field(default_factory=list, repr=False)

    @property
    def indexed(self) -> int:
        return self.created + self.updated + self.landed_unacknowledged

    @property
    def skipped(self) -> int:
        return self.unchanged + self.duplicates

    @property
    def error_ratio(self) -> float:
        return self.failed / self.received if self.received else 0.0

    @property
    def docs_per_s(self) -> float:
        return self.received / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def reconciled(self) -> bool:
        return self.received == self.indexed + self.failed + self.skipped

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["unchanged_ids"]
        data.update(indexed=self.indexed, skipped=self.skipped, error_ratio=round(self.error_ratio, 6))
        return data

    to_dict = to_json

    def summary(self) -> str:
        return (
            f"in={self.received} = indexed {self.indexed} (created {self.created}, updated {self.updated},"
            f" landed unacknowledged {self.landed_unacknowledged})"
            f" + failed {self.failed} + skipped {self.skipped} (unchanged {self.unchanged},"
            f" duplicates {self.duplicates}); retried {self.retried}; {self.requests} requests;"
            f" {self.elapsed_s:.2f}s"
        )


class _CountingClient:
    """What ``streaming_bulk`` needs of a client, counting the bulk requests."""

    def __init__(self, client: OpenSearch) -> None:
        self._client = client
        self.transport = client.transport
        self.requests = 0

    def bulk(self, *args: Any, **kwargs: Any) -> Any:
        self.requests += 1
        return self._client.bulk(*args, **kwargs)


@dataclass
class _Op:
    doc_id: str
    source: str  # the serialised document
    url: str | None
    attempts: int = 0
    unanswered: bool = False  # an earlier request with this document got no answer (it may have landed)
    touch_before: str | None = None  # an indexed last_crawled at or after this is recent enough to keep


@dataclass
class _Run:
    """State of one :func:`load_articles` call."""

    client: _CountingClient
    target: str
    chunk_docs: int
    chunk_bytes: int
    max_retries: int
    initial_backoff: float
    max_backoff: float
    report: LoadReport
    settle_timeout: float = 120.0
    unreachable: bool = False  # a request stayed unanswered after its retries
    dead: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- bulk plumbing -------------------------------------------------------------------------------
    def _meta(self, kind: str, op: _Op) -> dict[str, Any]:
        meta: dict[str, Any] = {"_index": self.target, "_id": op.doc_id}
        if kind == "update":
            meta["retry_on_conflict"] = 3
        return {kind: meta}

    def _body(self, kind: str, op: _Op) -> str:
        if kind == "create":
            return op.source
        return _UPDATE_PREFIX + op.source + ',"touch_before":' + json.dumps(op.touch_before) + "}}}"

    def send(self, kind: str, ops: Iterable[_Op]) -> Iterator[tuple[_Op, dict[str, Any]]]:
        """Send ``ops`` as ``kind`` (create/update) chunk by chunk; yield (op, item) for every finished op.

        Items of a chunk rejected with 429/503, or whose request failed without an answer (a timeout, a
        node going away), are sent again after an exponential backoff, up to ``max_retries`` times,
        before the next chunk goes out (backpressure). Sending again is safe: a ``create`` that landed
        after all answers 409 and becomes an upsert, which writes nothing for an identical document.
        """
        for chunk in self._chunks(kind, ops):
            if self.unreachable:  # the cluster did not answer a chunk's last retry: fail fast, then settle
                for op in chunk:
                    yield (
                        op,
                        {"status": "N/A", "error": "not sent: the cluster did not answer earlier requests"},
                    )
                continue
            pending = chunk
            for round_no in range(self.max_retries + 1):
                retry: list[_Op] = []
                for op, item in self._send_once(kind, pending):
                    status = item.get("status")
                    retryable = status in RETRY_STATUSES or not isinstance(status, int)
                    if retryable and round_no < self.max_retries:
                        op.attempts += 1
                        op.unanswered = op.unanswered or not isinstance(status, int)
                        retry.append(op)
                    else:
                        self.unreachable = self.unreachable or not isinstance(status, int)
                        yield op, item
                if not retry:
                    break
                self.report.retried += len(retry)
                delay = min(self.max_backoff, self.initial_backoff * 2**round_no)
                log.warning("%d documents rejected or unanswered; retrying in %.1fs", len(retry), delay)
                time.sleep(delay)
                pending = retry

    def _chunks(self, kind: str, ops: Iterable[_Op]) -> Iterator[list[_Op]]:
        """Cut ``ops`` into requests of at most ``chunk_docs`` documents and about ``chunk_bytes``
        (``streaming_bulk`` enforces the exact byte bound)."""
        overhead = 100 + (len(_UPDATE_PREFIX) + 150 if kind == "update" else 0)
        chunk: list[_Op] = []
        size = 0
        for op in ops:
            cost = len(op.source) + overhead
            if chunk and (len(chunk) >= self.chunk_docs or size + cost > self.chunk_bytes):
                yield chunk
                chunk, size = [], 0
            chunk.append(op)
            size += cost
        if chunk:
            yield chunk

    def _send_once(self, kind: str, ops: Iterable[_Op]) -> Iterator[tuple[_Op, dict[str, Any]]]:
        inflight: dict[str, _Op] = {}

        def actions() -> Iterator[_Op]:
            for op in ops:
                inflight[op.doc_id] = op
                yield op

        def expand(op: _Op) -> tuple[dict[str, Any], str]:
            return self._meta(kind, op), self._body(kind, op)

        for _ok, result in streaming_bulk(
            self.client,
            actions(),
            chunk_size=self.chunk_docs,
            max_chunk_bytes=self.chunk_bytes,
            expand_action_callback=expand,
            raise_on_error=False,
            raise_on_exception=False,
            max_retries=0,
            yield_ok=True,
        ):
            (_kind, item) = next(iter(result.items()))
            op = inflight.pop(str(item.get("_id")), None)
            if op is None:  # cannot happen: every item carries the _id we sent
                raise RuntimeError(f"bulk answered for an unknown document id {item.get('_id')!r}")
            yield op, item

    # -- outcomes ------------------------------------------------------------------------------------
    def fail(self, doc_id: str | None, url: str | None, kind: str, item: dict[str, Any], source: Any) -> None:
        error = item.get("error")
        if isinstance(error, Mapping):
            error_type = str(error.get("type", "error"))
            reason = str(error.get("reason", ""))
            caused = error.get("caused_by")
            if isinstance(caused, Mapping) and caused.get("reason"):
                reason = f"{reason}: {caused.get('reason')}"
        else:
            error_type, reason = (item.get("error_type") or "transport_error"), str(error)
        if isinstance(source, str):
            with suppress(ValueError):
                source = json.loads(source)
        with self.lock:  # called from the preparing thread too
            self.report.failed += 1
            self.report.errors_by_type[error_type] = self.report.errors_by_type.get(error_type, 0) + 1
            self.dead.append(
                {
                    "doc_id": doc_id,
                    "url": url,
                    "op": kind,
                    "status": item.get("status"),
                    "error_type": error_type,
                    "reason": reason,
                    "failed_at": iso(datetime.now(UTC)),
                    "document": source,
                }
            )

    def record(self, kind: str, op: _Op, item: dict[str, Any]) -> bool:
        """Count one finished op; returns True when a ``create`` found the document already there."""
        status = item.get("status")
        if isinstance(status, int) and 200 <= status < 300:
            result = item.get("result")
            if result == "created":
                self.report.created += 1
            elif result == "noop" and op.unanswered:  # our own unanswered request had landed
                self.report.landed_unacknowledged += 1
            elif result == "noop":
                self.report.unchanged += 1
                self.report.unchanged_ids.append(op.doc_id)
            else:
                self.report.updated += 1
            return False
        if kind == "create" and status == 409:
            return True
        self.fail(op.doc_id, op.url, kind, item, op.source)
        return False


def _documents(
    articles: Iterable[EnrichedArticle | Mapping[str, Any]],
    crawled_at: datetime,
    run: _Run,
    resolution: timedelta | None = None,
) -> Iterator[_Op]:
    """Turn articles into ops; invalid articles and repeated ids are counted, not sent."""
    seen: set[str] = set()
    for article in articles:
        run.report.received += 1
        raw = article
        try:
            if not isinstance(article, EnrichedArticle):
                article = EnrichedArticle.model_validate(article)
            doc = to_document(article, crawled_at=crawled_at)
        except (ValidationError, DocumentError) as exc:
            data = raw.to_json() if isinstance(raw, EnrichedArticle) else dict(raw)
            error = {"type": "invalid_article", "reason": str(exc).replace("\n", " ")}
            run.fail(data.get("doc_id") or None, data.get("url"), "validate", {"error": error}, data)
            continue
        if doc["doc_id"] in seen:
            run.report.duplicates += 1
            continue
        seen.add(doc["doc_id"])
        source = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        touch_before = None
        if resolution and doc.get("last_crawled"):
            crawled = datetime.fromisoformat(str(doc["last_crawled"]).replace("Z", "+00:00"))
            touch_before = iso(crawled - resolution)
        yield _Op(doc_id=doc["doc_id"], source=source, url=doc["canonical_url"], touch_before=touch_before)


_DONE = object()


def _prefetch(items: Iterator[_Op], size: int) -> Iterator[_Op]:
    """Run ``items`` in a thread, ``size`` ahead, so converting and serialising documents overlaps the
    bulk request in flight (the GIL is free while the main thread waits on the socket)."""
    buffer: queue.Queue[Any] = queue.Queue(maxsize=size)
    stop = threading.Event()

    def put(value: Any) -> bool:
        while not stop.is_set():
            try:
                buffer.put(value, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, re-raised there
            put(exc)

    worker = threading.Thread(target=produce, name="newsingest-load-prepare", daemon=True)
    worker.start()
    try:
        while True:
            value = buffer.get()
            if value is _DONE:
                return
            if isinstance(value, BaseException):
                raise value
            yield value
    finally:
        stop.set()
        worker.join()


def write_dead_letters(path: str, rows: list[dict[str, Any]]) -> None:
    """Write dead letters as JSON Lines (gzip when ``path`` ends in .gz), atomically; empty file if none."""
    if path.endswith(".gz"):
        storage.write_jsonl_gz(path, rows)
        return
    data = "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows)
    storage.write_bytes_atomic(path, data.encode("utf-8"))


def load_articles(
    client: OpenSearch,
    alias: str,
    articles: Iterable[EnrichedArticle | Mapping[str, Any]],
    *,
    dead_letter_path: str | None,
    crawled_at: datetime | None = None,
    write_alias: str | None = None,
    chunk_docs: int = DEFAULT_CHUNK_DOCS,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    max_retries: int = 5,
    initial_backoff: float = 1.0,
    max_backoff: float = 30.0,
    max_error_ratio: float = 0.05,
    relax_refresh: bool = False,
    refresh: bool = False,
    settle_timeout: float = 120.0,
    crawl_time_resolution: timedelta | None = CRAWL_TIME_RESOLUTION,
) -> LoadReport:
    """Load ``articles`` into the index behind ``alias``'s write alias (``<alias>-write`` unless given).

    ``articles`` are :class:`EnrichedArticle` records or their JSON form (as stored between stages).
    ``crawled_at`` (default: now) is the run's crawl time: it becomes ``last_crawled`` and, for new
    articles, ``first_seen``. ``relax_refresh`` turns refreshing off during the load (large backfills)
    and always restores it. ``refresh`` makes the documents searchable before returning.
    After a request failed without an answer, the loader reads back what landed for up to
    ``settle_timeout`` seconds (a node restart) before counting failures. An unchanged document keeps its
    indexed crawl times unless they are older than ``crawl_time_resolution`` (None: always move them).
    Raises :class:`LoadError` when ``failed / received > max_error_ratio`` (dead letters written first).
    """
    if chunk_docs < 1 or chunk_bytes < 1024:
        raise ValueError(f"chunk_docs must be >= 1 and chunk_bytes >= 1024 (got {chunk_docs}, {chunk_bytes})")
    if not 0 <= max_error_ratio <= 1:
        raise ValueError(f"max_error_ratio must be within [0, 1], got {max_error_ratio}")
    target = write_alias or write_alias_for(alias)
    index = write_index(client, target)
    if index is None:
        raise LoadError(
            f"write alias {target!r} does not exist; run ensure_index(client, {alias!r}) first", LoadReport()
        )
    crawled_at = crawled_at or datetime.now(UTC)
    report = LoadReport(index=index)
    run = _Run(
        client=_CountingClient(client),
        target=target,
        chunk_docs=chunk_docs,
        chunk_bytes=chunk_bytes,
        max_retries=max_retries,
        initial_backoff=initial_backoff,
        max_backoff=max_backoff,
        report=report,
        settle_timeout=settle_timeout,
    )
    started = time.perf_counter()
    with relaxed_refresh(client, target) if relax_refresh else nullcontext():
        prepared = _prefetch(_documents(articles, crawled_at, run, crawl_time_resolution), 2 * chunk_docs)
        for group in _groups(prepared, chunk_docs, chunk_bytes):
            # After the cluster stopped answering, every op fails fast in send(); do not ask it first.
            indexed = {} if run.unreachable else _indexed_sources(client, target, [op.doc_id for op in group])
            existing: list[_Op] = []
            for op in group:
                if op.doc_id in indexed and _unchanged(op, indexed[op.doc_id]):
                    run.report.unchanged += 1  # what the upsert script would answer 'noop': not sent
                    run.report.unchanged_ids.append(op.doc_id)
                elif op.doc_id in indexed:
                    existing.append(op)
            fresh = [op for op in group if op.doc_id not in indexed]
            del indexed
            for op, item in run.send("create", fresh):
                if run.record("create", op, item):  # it landed meanwhile (a retry, a parallel load)
                    existing.append(op)
            if existing:
                _upsert(run, existing)
    if any(not isinstance(row.get("status"), int) for row in run.dead):
        _settle_unacknowledged(client, run)
    if refresh and not relax_refresh:
        client.indices.refresh(index=target)
    report.elapsed_s = time.perf_counter() - started
    report.requests = run.client.requests
    if dead_letter_path is not None:
        write_dead_letters(dead_letter_path, run.dead)
        report.dead_letter_path = dead_letter_path
    elif run.dead:
        log.error("%d documents failed and no dead-letter path was given", len(run.dead))
    if not report.reconciled():
        raise LoadError(f"load counts do not reconcile: {report.summary()}", report)
    log.info("loaded into %s: %s", index, report.summary())
    if report.error_ratio > max_error_ratio:
        raise LoadError(
            f"{report.failed} of {report.received} documents failed ({report.error_ratio:.1%} > "
            f"{max_error_ratio:.1%}); dead letters: {dead_letter_path}; errors: {report.errors_by_type}",
            report,
        )
    return report


def _landed(found: Mapping[str, Any], sent: Mapping[str, Any]) -> bool:
    """Whether the indexed copy ``found`` is the document ``sent`` (or a later crawl of it)."""
    if found.get("content_hash") != sent.get("content_hash"):
        return False
    have, want = found.get("last_crawled"), sent.get("last_crawled")
    return have is None or want is None or str(have) >= str(want)


def _wait_for_inflight_writes(client: OpenSearch, deadline: float) -> None:
    """Wait until the cluster runs no bulk write (a request that timed out on our side may still be
    applied on the node; reading back before it finishes would call a landing document failed)."""
    while time.monotonic() < deadline:
        nodes = client.tasks.list(actions="indices:data/write/bulk*").get("nodes") or {}
        if not any(node.get("tasks") for node in nodes.values()):
            return
        time.sleep(0.5)


class _ShardsNotReady(RuntimeError):
    """Some documents could not be read yet (their shard is still recovering)."""


def _settle_unacknowledged(client: OpenSearch, run: _Run) -> None:
    """Find out which documents of failed requests landed anyway (a bulk request can be applied in part
    before the node goes away), so the counts and the dead letters hold exactly what is not indexed.

    The index is read with ``mget``, retried with backoff while the node is away (a restart), for at most
    ``run.settle_timeout`` seconds; a document that cannot be checked stays failed, its reason saying so.
    """
    unsure = [row for row in run.dead if not isinstance(row.get("status"), int) and row.get("doc_id")]
    if not unsure:
        return
    unsure_rows = {id(row) for row in unsure}
    ids = list(dict.fromkeys(str(row["doc_id"]) for row in unsure))
    found: dict[str, Mapping[str, Any]] = {}
    deadline = time.monotonic() + run.settle_timeout
    delay = 1.0
    while True:
        try:
            _wait_for_inflight_writes(client, deadline)
            # A restarted node answers before its shards are back: a read of a shard still recovering
            # errs per document, and must not count the document as missing.
            wait = max(1, min(30, int(deadline - time.monotonic())))
            client.cluster.health(
                index=run.target, wait_for_status="yellow", timeout=f"{wait}s", request_timeout=wait + 10
            )
            for start in range(0, len(ids), 1000):
                resp = client.mget(
                    index=run.target,
                    body={"ids": ids[start : start + 1000]},
                    _source_includes=["content_hash", "last_crawled"],
                )
                unread = [d for d in resp["docs"] if "error" in d]
                if unread:
                    raise _ShardsNotReady(f"{len(unread)} documents could not be read: {unread[0]['error']}")
                found.update({d["_id"]: d.get("_source") or {} for d in resp["docs"] if d.get("found")})
            break
        except Exception as exc:  # the node is still away: wait, then read again (bounded)
            if time.monotonic() + delay > deadline:
                log.error("cannot check which of %d unacknowledged documents landed: %s", len(ids), exc)
                for row in unsure:
                    row["reason"] = f"unverified (the index could not be read afterwards): {row['reason']}"
                return
            time.sleep(delay)
            delay = min(15.0, delay * 2)
    kept = []
    for row in run.dead:
        doc = row.get("document")
        if (
            id(row) in unsure_rows
            and isinstance(doc, Mapping)
            and _landed(found.get(str(row["doc_id"]), {}), doc)
        ):
            run.report.failed -= 1
            run.report.landed_unacknowledged += 1
            kind = str(row.get("error_type"))
            run.report.errors_by_type[kind] -= 1
            if not run.report.errors_by_type[kind]:
                del run.report.errors_by_type[kind]
            continue
        kept.append(row)
    if len(kept) != len(run.dead):
        log.warning(
            "%d of %d documents of failed requests had landed; %d failed",
            len(run.dead) - len(kept),
            len(unsure),
            sum(1 for row in kept if id(row) in unsure_rows),
        )
    run.dead[:] = kept


def _groups(ops: Iterable[_Op], docs: int, size: int) -> Iterator[list[_Op]]:
    """``ops`` in groups of at most ``docs`` documents and about ``size`` bytes."""
    group: list[_Op] = []
    total = 0
    for op in ops:
        group.append(op)
        total += len(op.source)
        if len(group) >= docs or total >= size:
            yield group
            group, total = [], 0
    if group:
        yield group


def _indexed_sources(client: OpenSearch, target: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The indexed copies of ``ids`` (id -> source), so existing documents go straight to the upsert (a
    rerun sends each document once, not as a ``create`` answered 409 first) and identical ones are not
    sent at all. Empty when the read fails: every document then goes as a ``create``, whose 409 still
    routes it to the upsert, whose script still finds it unchanged."""
    try:
        resp = client.mget(index=target, body={"ids": ids}, realtime=True)
    except Exception as exc:  # the create path decides; its errors are retried and counted
        log.debug("cannot read which documents %s holds (%s); sending creates", target, exc)
        return {}
    return {str(d["_id"]): d.get("_source") or {} for d in resp.get("docs", []) if d.get("found")}


def _unchanged(op: _Op, old: Mapping[str, Any]) -> bool:
    """Whether :data:`UPSERT_SCRIPT` would answer 'noop' for ``op`` against the indexed ``old`` copy
    (the same steps, in Python). Only a sure 'noop' counts: any doubt sends the document and the script
    decides. Python's equality differs from Painless's only in calling equal numbers of two JSON types
    equal (1 and 1.0), which hold the same value."""
    if not old:
        return False
    doc = json.loads(op.source)  # JSON types, as the node stored and returned them
    old_first, first = old.get("first_seen"), doc.get("first_seen")
    if old_first is not None and (first is None or str(old_first) < str(first)):
        first = old_first
    old_crawled, crawled = old.get("last_crawled"), doc.get("last_crawled")
    if old_crawled is not None and crawled is not None and str(old_crawled) > str(crawled):
        return first == old_first  # a fresher crawl is indexed: only an earlier first_seen would move
    merged = {**doc, "first_seen": first}
    if merged == old:
        return True
    if op.touch_before is not None and old_crawled is not None and str(old_crawled) >= op.touch_before:
        merged["last_crawled"] = old_crawled
        merged["fetched_at"] = old.get("fetched_at")
        return merged == old
    return False


def _upsert(run: _Run, ops: list[_Op]) -> None:
    for op, item in run.send("update", ops):
        run.record("update", op, item)
