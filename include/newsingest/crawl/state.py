"""Crawl state kept between runs under ``<storage_root>/state/``, written atomically.

- HTTP validators (ETag, Last-Modified) per canonical URL, per source, for conditional GETs, with the
  WARC reference of the ``200`` response they came from: a ``304`` is re-processed from that record, so
  "not modified" never means "done" (the index decides what is done, see ``newsingest.quality.reconcile``).
- Discovery documents (feeds, sitemaps) bodies, so a 304 can be re-parsed for any window.
- Undated discovered URLs already handed out, so later runs do not ingest them again.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import fsspec

from newsingest import storage
from newsingest.layout import state_path
from newsingest.web.urls import URLError, canonicalize

UNDATED_RETENTION = timedelta(days=180)


@dataclass(frozen=True)
class ArchivedRef:
    """Where the last ``200`` response of a URL is archived, and when it was fetched."""

    path: str
    offset: int
    fetched_at: datetime | None
    encoding: str | None = None  # the charset the crawl resolved for its body (decoded once, in clean)


class ValidatorStore:
    """ETag / Last-Modified per URL for one source (``state/http/<source>.jsonl.gz``).

    Each entry also names the archived ``200`` response the validators came from. Conditional headers
    are sent only while that record's archive file exists, so a ``304`` can always be re-processed from
    it; entries written before references were kept (or whose archive is gone) get a full fetch.
    """

    def __init__(self, root: str, source: str, *, require_archive: bool = True) -> None:
        """``require_archive=False`` is for discovery documents, whose bodies :class:`DocumentCache`
        keeps: their validators stand without an archived record."""
        self.path = state_path(root, "http", f"{source}.jsonl.gz")
        self.require_archive = require_archive
        self._data: dict[str, dict[str, Any]] = {}
        self._dirty = False
        self._exists: dict[str, bool] = {}
        if storage.exists(self.path):
            for row in storage.read_jsonl_gz(self.path):
                self._data[row["url"]] = {k: v for k, v in row.items() if k != "url"}

    def archived(self, url: str) -> ArchivedRef | None:
        """The archived ``200`` behind the validators of ``url``, if its archive file still exists."""
        known = self._data.get(_key(url), {})
        path, offset = known.get("warc_path"), known.get("warc_offset")
        if not path or offset is None:
            return None
        if path not in self._exists:
            self._exists[path] = storage.exists(path)
        if not self._exists[path]:
            return None
        when = known.get("fetched_at")
        return ArchivedRef(
            path, int(offset), datetime.fromisoformat(when) if when else None, known.get("encoding")
        )

    def headers_for(self, url: str) -> dict[str, str]:
        """Conditional request headers for ``url`` (canonicalised here; empty if nothing is known, or
        if the response they came from is no longer archived)."""
        if self.require_archive and self.archived(url) is None:
            return {}
        known = self._data.get(_key(url), {})
        headers = {}
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        return headers

    def remember(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        archived: ArchivedRef | None = None,
    ) -> None:
        """Store the validators ``url`` answered with and where that response is archived (forgets
        them when it sent none, or when the response was not archived)."""
        url = _key(url)
        if not (etag or last_modified) or (archived is None and self.require_archive):
            if self._data.pop(url, None) is not None:
                self._dirty = True
            return
        entry: dict[str, Any] = {k: v for k, v in (("etag", etag), ("last_modified", last_modified)) if v}
        if archived is not None:
            entry.update(warc_path=archived.path, warc_offset=archived.offset)
        if archived is not None and archived.fetched_at is not None:
            entry["fetched_at"] = archived.fetched_at.isoformat()
        if archived is not None and archived.encoding:
            entry["encoding"] = archived.encoding
        if self._data.get(url) != entry:
            self._data[url] = entry
            self._dirty = True

    def relocate(self, url: str, archived: ArchivedRef | None) -> None:
        """Point the validators of ``url`` at a copy of their response (``None``: forget them)."""
        key = _key(url)
        entry = self._data.get(key)
        if entry is None:
            return
        if archived is None:
            del self._data[key]
        else:
            entry.update(warc_path=archived.path, warc_offset=archived.offset)
        self._dirty = True

    def save(self) -> None:
        if self._dirty:
            storage.write_jsonl_gz(self.path, ({"url": u, **v} for u, v in sorted(self._data.items())))
            self._dirty = False


def _key(url: str) -> str:
    try:
        return canonicalize(url)
    except URLError:
        return url


class DocumentCache:
    """Last good body of each discovery document (``state/docs/<source>/<sha1>.gz``)."""

    def __init__(self, root: str, source: str) -> None:
        self.root = root
        self.source = source

    def _path(self, url: str) -> str:
        digest = hashlib.sha1(url.encode("utf-8")).hexdigest()
        return state_path(self.root, "docs", self.source, f"{digest}.gz")

    def load(self, url: str) -> bytes | None:
        path = self._path(url)
        if not storage.exists(path):
            return None
        with fsspec.open(path, "rb", compression="gzip") as fh:
            return fh.read()

    def store(self, url: str, body: bytes) -> None:
        storage.write_bytes_atomic(self._path(url), gzip.compress(body, mtime=0))


class UndatedLedger:
    """Undated URLs already discovered for a source (``state/undated/<source>.jsonl.gz``)."""

    def __init__(self, root: str, source: str, *, now: datetime | None = None) -> None:
        self.path = state_path(root, "undated", f"{source}.jsonl.gz")
        self._now = now or datetime.now(UTC)
        self._seen: dict[str, str] = {}
        self._dirty = False
        if storage.exists(self.path):
            cutoff = self._now - UNDATED_RETENTION
            for row in storage.read_jsonl_gz(self.path):
                if datetime.fromisoformat(row["first_seen"]) >= cutoff:
                    self._seen[row["url"]] = row["first_seen"]
                else:
                    self._dirty = True

    def __contains__(self, url: str) -> bool:
        return url in self._seen

    def add(self, url: str) -> None:
        if url not in self._seen:
            self._seen[url] = self._now.isoformat()
            self._dirty = True

    def save(self) -> None:
        if self._dirty:
            rows = ({"url": u, "first_seen": t} for u, t in sorted(self._seen.items()))
            storage.write_jsonl_gz(self.path, rows)
            self._dirty = False
