"""Leases with expiry in OpenSearch: a lock that holds across machines and dies with its holder.

Every worker already shares the OpenSearch cluster (the embedded node or the production cluster), so
the lock lives there: one document per lock name in ``newsingest-leases`` holding ``holder`` and
``expires_at``. Acquire, renew and release are single ``_update`` calls whose Painless script decides
on the primary shard, with OpenSearch's own clock (``ctx._now``): the holder's clock never matters, so
clock skew between machines cannot let two holders in. The update runs get-then-index with the
document's ``_seq_no``/``_primary_term`` (optimistic concurrency): a racing writer gets a version
conflict and the script is re-run on the new document, so exactly one contender wins.

A holder renews its lease from a background thread every ``ttl / 3`` seconds while it works; if the
holder dies (SIGKILL, lost machine), nobody renews, and the lease is free ``ttl`` seconds later.

Each holding is also recorded as an interval (``newsingest-lease-intervals``: name, holder, start and
end in server time) so :func:`lock_violations` can check after the fact that no two holdings of one
name overlapped. A holder that died has no end: its interval runs to the last expiry it renewed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConflictError, RequestError

from newsingest.config import Settings
from newsingest.errors import NewsingestError

log = logging.getLogger(__name__)

DEFAULT_TTL = 60.0  # seconds; the settings' index.lease_ttl
DEFAULT_INDEX = "newsingest-leases"

_ACQUIRE = """
if (ctx._source.holder == null || ctx._source.expires_at <= ctx._now) {
  ctx._source.acquired_at = ctx._now;
  ctx._source.token = params.token;
  ctx._source.holder = params.holder;
  ctx._source.name = params.name;
  ctx._source.expires_at = ctx._now + params.ttl_ms;
} else { ctx.op = 'noop'; }
"""
_RENEW = """
if (ctx._source.holder == params.holder && ctx._source.token == params.token) {
  ctx._source.expires_at = ctx._now + params.ttl_ms;
} else { ctx.op = 'noop'; }
"""
_RELEASE = """
if (ctx._source.holder == params.holder && ctx._source.token == params.token) {
  ctx._source.holder = null;
  ctx._source.expires_at = ctx._now;
  ctx._source.released_at = ctx._now;
} else { ctx.op = 'noop'; }
"""

_LEASE_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "name": {"type": "keyword"},
        "holder": {"type": "keyword"},
        "token": {"type": "keyword"},
        "acquired_at": {"type": "date", "format": "epoch_millis"},
        "expires_at": {"type": "date", "format": "epoch_millis"},
        "released_at": {"type": "date", "format": "epoch_millis"},
    },
}
_INTERVAL_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "name": {"type": "keyword"},
        "holder": {"type": "keyword"},
        "host": {"type": "keyword"},
        "start": {"type": "date", "format": "epoch_millis"},
        "expires": {"type": "date", "format": "epoch_millis"},
        "end": {"type": "date", "format": "epoch_millis"},
    },
}


class LeaseLost(NewsingestError, RuntimeError):
    """The lease was taken by another holder (it expired before this holder renewed it)."""


def default_holder(home: str = "") -> str:
    """``host:pid:<NEWSINGEST_HOME>``: who holds a lease, for humans reading the lease document."""
    return f"{socket.gethostname()}:{os.getpid()}:{home}"


@dataclass
class Lease:
    """A lease this process holds; ``expires_at`` is in OpenSearch's clock (epoch ms)."""

    name: str
    holder: str
    token: str
    acquired_at: int
    expires_at: int
    lost: threading.Event = field(default_factory=threading.Event)


class LeaseStore:
    """Leases in ``index``; their holding intervals in ``interval_index``."""

    def __init__(
        self,
        client: OpenSearch,
        *,
        index: str | None = None,
        interval_index: str | None = None,
        ttl: float | None = None,
        home: str = "",
    ):
        self.client = client
        self.index = index or DEFAULT_INDEX
        self.interval_index = interval_index or f"{self.index}-intervals"
        self.ttl = ttl if ttl is not None else DEFAULT_TTL
        self.home = home
        self._ready = False

    @classmethod
    def from_settings(cls, client: OpenSearch, settings: Settings) -> LeaseStore:
        """The store the settings name (``NEWSINGEST_LEASE_INDEX``, ``NEWSINGEST_LOCK_TTL``)."""
        index = settings.index
        return cls(client, index=index.lease_index, ttl=index.lease_ttl, home=str(settings.home))

    def ensure_indices(self) -> None:
        """Create both indices once (one shard, a replica where the cluster has a second node)."""
        if self._ready:
            return
        for index, mapping in ((self.index, _LEASE_MAPPING), (self.interval_index, _INTERVAL_MAPPING)):
            if self.client.indices.exists(index=index):
                continue
            body = {
                "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
                "mappings": mapping,
            }
            try:
                self.client.indices.create(index=index, body=body)
            except RequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        self._ready = True

    def _update(self, name: str, script: str, params: dict[str, Any], *, upsert: bool) -> dict | None:
        body: dict[str, Any] = {"script": {"lang": "painless", "source": script, "params": params}}
        if upsert:
            body["scripted_upsert"] = True
            body["upsert"] = {}
        try:
            resp = self.client.update(
                index=self.index, id=name, body=body, retry_on_conflict=5, params={"_source": "true"}
            )
        except ConflictError:
            return None  # more racers than retries: somebody else won this round
        if resp.get("result") == "noop":
            return None
        return resp["get"]["_source"]

    def try_acquire(self, name: str, holder: str | None = None) -> Lease | None:
        """Take the lease if it is free or expired; None while someone else holds it."""
        self.ensure_indices()
        holder = holder or default_holder(self.home)
        token = uuid.uuid4().hex
        params = {"holder": holder, "token": token, "name": name, "ttl_ms": int(self.ttl * 1000)}
        src = self._update(name, _ACQUIRE, params, upsert=True)
        if src is None or src.get("token") != token:
            return None
        lease = Lease(name, holder, token, int(src["acquired_at"]), int(src["expires_at"]))
        self.client.index(
            index=self.interval_index,
            id=token,
            body={
                "name": name,
                "holder": holder,
                "host": socket.gethostname(),
                "start": lease.acquired_at,
                "expires": lease.expires_at,
            },
        )
        return lease

    def renew(self, lease: Lease) -> None:
        """Push the expiry ``ttl`` seconds ahead; :class:`LeaseLost` if another holder has it now."""
        params = {"holder": lease.holder, "token": lease.token, "ttl_ms": int(self.ttl * 1000)}
        src = self._update(lease.name, _RENEW, params, upsert=False)
        if src is None:
            lease.lost.set()
            raise LeaseLost(f"lease {lease.name!r} of {lease.holder} expired and was taken over")
        lease.expires_at = int(src["expires_at"])
        self.client.update(
            index=self.interval_index, id=lease.token, body={"doc": {"expires": lease.expires_at}}
        )

    def release(self, lease: Lease) -> None:
        """Give the lease back now (a no-op if it was already lost)."""
        params = {"holder": lease.holder, "token": lease.token}
        src = self._update(lease.name, _RELEASE, params, upsert=False)
        if src is None:
            log.warning("lease %r was no longer held by %s at release", lease.name, lease.holder)
            return
        self.client.update(
            index=self.interval_index, id=lease.token, body={"doc": {"end": src["released_at"]}}
        )

    @contextmanager
    def hold(
        self,
        name: str,
        *,
        holder: str | None = None,
        poll: float = 1.0,
        max_poll: float = 5.0,
        timeout: float | None = None,
    ) -> Iterator[Lease]:
        """Wait for the lease of ``name``, keep renewing it while the block runs, release it after.

        Raises :class:`TimeoutError` after ``timeout`` seconds of waiting (None: wait for ever; the
        caller's own timeout bounds it). If renewal fails for longer than the lease lasts, the lease's
        ``lost`` event is set and an error is logged; the block is not interrupted.
        """
        started = time.monotonic()
        delay = poll
        lease = self.try_acquire(name, holder)
        while lease is None:
            if timeout is not None and time.monotonic() - started > timeout:
                raise TimeoutError(f"lease {name!r} still held by another worker after {timeout:.0f} s")
            log.info("lease %r is held by another worker; waiting", name)
            time.sleep(delay)
            delay = min(delay * 1.5, max_poll)
            lease = self.try_acquire(name, holder)
        stop = threading.Event()
        renewer = threading.Thread(
            target=self._renew_loop, args=(lease, stop), daemon=True, name=f"lease-{name}"
        )
        renewer.start()
        try:
            yield lease
        finally:
            stop.set()
            renewer.join()
            if not lease.lost.is_set():
                self.release(lease)

    def _renew_loop(self, lease: Lease, stop: threading.Event) -> None:
        period = self.ttl / 3
        while not stop.wait(period):
            try:
                self.renew(lease)
            except LeaseLost:
                log.error("lease %r lost: another worker may now run beside this one", lease.name)
                return
            except Exception as exc:  # transient cluster trouble: keep trying until the lease runs out
                log.warning("renewing lease %r failed (%s); retrying", lease.name, exc)


def intervals(client: OpenSearch, interval_index: str, name: str | None = None) -> list[dict[str, Any]]:
    """Recorded holdings (all, or of one lease name), each with ``start`` and ``end`` in epoch ms.

    A holding without an ``end`` (its holder died) ends at the last expiry it renewed.
    """
    if not client.indices.exists(index=interval_index):
        return []
    client.indices.refresh(index=interval_index)
    query: dict[str, Any] = {"term": {"name": name}} if name else {"match_all": {}}
    rows: list[dict[str, Any]] = []
    resp = client.search(
        index=interval_index, body={"query": query, "size": 1000, "sort": ["_doc"]}, scroll="1m"
    )
    try:
        while resp["hits"]["hits"]:
            for hit in resp["hits"]["hits"]:
                src = hit["_source"]
                end = src.get("end") if src.get("end") is not None else src["expires"]
                rows.append({**src, "end": int(end), "start": int(src["start"]), "token": hit["_id"]})
            resp = client.scroll(scroll_id=resp["_scroll_id"], scroll="1m")
    finally:
        if resp.get("_scroll_id"):
            client.clear_scroll(scroll_id=resp["_scroll_id"])
    return rows


def count_overlaps(rows: list[dict[str, Any]]) -> int:
    """Pairs of holdings of one name whose [start, end) intervals overlap."""
    by_name: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append((row["start"], row["end"]))
    overlaps = 0
    for spans in by_name.values():
        spans.sort()
        for i, (_, end_i) in enumerate(spans):
            for start_j, _ in spans[i + 1 :]:
                if start_j >= end_i:
                    break
                overlaps += 1
    return overlaps


def lock_violations(client: OpenSearch, interval_index: str, name: str | None = None) -> int:
    """How many times two holdings of one lease overlapped (0 when the lock held)."""
    return count_overlaps(intervals(client, interval_index, name))
