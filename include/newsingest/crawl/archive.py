"""WARC archives of every fetch (warcio, one gzip member per record).

Layout: ``<storage_root>/warc/<run_id>/<source>/<batch>.warc.gz``. A writer fills a temporary file
and renames (or uploads, for fsspec roots such as ``s3://``) on close, so readers never see a
half-written archive. Bodies are stored as received (Content-Encoding kept; Transfer-Encoding
framing removed and its header renamed), so a reader decodes them with the same caps as the fetcher.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import fsspec
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsingest import storage
from newsingest.crawl.content import decode_body
from newsingest.errors import PermanentError
from newsingest.layout import warc_path
from newsingest.models import FetchResult
from newsingest.web.charset import decode_text, resolve_charset
from newsingest.web.urls import URLError, canonicalize

log = logging.getLogger(__name__)

_DROP_HEADERS = {"transfer-encoding": "X-Crawler-Transfer-Encoding"}
READ_CAP = 64 * 1024 * 1024


class ArchiveError(PermanentError, RuntimeError):
    """An archive record could not be read; the message names file and offset."""


def _warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _http_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_DROP_HEADERS.get(k.lower(), k), v) for k, v in headers]


class WarcFile:
    """One archive being written; ``close()`` publishes it at ``path``."""

    def __init__(self, path: str) -> None:
        self.path = path
        fs, fs_path = fsspec.core.url_to_fs(path)
        self._fs, self._fs_path = fs, fs_path
        self._local = "file" in (fs.protocol if isinstance(fs.protocol, tuple | list) else (fs.protocol,))
        self._tmp = ""
        try:
            if self._local:
                os.makedirs(os.path.dirname(fs_path), exist_ok=True)
                self._tmp = f"{fs_path}.tmp-{uuid.uuid4().hex}"
            else:
                fd, self._tmp = tempfile.mkstemp(suffix=".warc.gz")
                os.close(fd)
            self._fh = open(self._tmp, "wb")  # noqa: SIM115 - kept open for the writer's lifetime
        except OSError as exc:
            self._remove_tmp()
            raise storage.StorageError(f"cannot create WARC {path}: {exc.strerror or exc}") from exc
        self._writer = WARCWriter(self._fh, gzip=True)
        self.records = 0
        try:
            self._write_warcinfo()
        except storage.StorageError:
            self.abort()
            raise

    @property
    def size(self) -> int:
        return self._fh.tell()

    def _write(self, record: Any) -> int:
        try:
            offset = self._fh.tell()
            self._writer.write_record(record)
        except OSError as exc:  # e.g. ENOSPC / EFBIG: the archive is incomplete and must not be published
            raise storage.StorageError(f"cannot write WARC {self.path}: {exc.strerror or exc}") from exc
        self.records += 1
        return offset

    def _write_raw(self, member: bytes) -> int:
        """Append one record already serialised and compressed (a gzip member of another archive)."""
        try:
            offset = self._fh.tell()
            self._fh.write(member)
        except OSError as exc:
            raise storage.StorageError(f"cannot write WARC {self.path}: {exc.strerror or exc}") from exc
        self.records += 1
        return offset

    def _write_warcinfo(self) -> None:
        info = {"software": "newsingest", "format": "WARC File Format 1.1"}
        record = self._writer.create_warcinfo_record(os.path.basename(self.path), info)
        self._write(record)

    def write_exchange(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        status: int,
        reason: str,
        http_version: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        when: datetime,
        ip: str | None = None,
        truncated: str | None = None,
    ) -> int:
        """Write a response and its request record; returns the response record's offset."""
        date = _warc_date(when)
        resp_headers = StatusAndHeaders(
            f"{status} {reason}".strip(), _http_headers(response_headers), protocol=http_version
        )
        warc_headers = {"WARC-Date": date}
        if ip:
            warc_headers["WARC-IP-Address"] = ip
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=resp_headers,
            warc_headers_dict=warc_headers,
        )
        offset = self._write(response)
        path = url.split("://", 1)[-1]
        path = "/" + path.split("/", 1)[1] if "/" in path else "/"
        req_headers = StatusAndHeaders(
            f"{method} {path} {http_version}", request_headers, is_http_request=True
        )
        request = self._writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=req_headers,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        self._write(request)
        return offset

    def copy_response(self, path: str, offset: int, url: str) -> int:
        """Append the response record at ``path@offset`` unchanged, byte for byte (its original
        WARC-Date kept; it is read through once to check it), and return its offset here: a ``304``
        carries the ``200`` it confirms into this run's archive, so the page can be re-processed and every
        run's archive holds what the run processed."""
        where = f"{path}@{offset}"
        try:
            with fsspec.open(path, "rb") as fh:
                fh.seek(offset)
                records = ArchiveIterator(fh)
                record = next(records)
                target = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and not _same_url(target, url):
                    raise ArchiveError(f"{where}: {_DAMAGED} (it is for {_short(target)}, not {url})")
                if record.rec_type != "response" or record.http_headers is None:
                    raise ArchiveError(
                        f"{where}: {_DAMAGED} (expected a response record, found {record.rec_type})"
                    )
                records.read_to_end(record)  # checks the record's bytes (decompressing, not rewriting)
                length = records.get_record_length()
                fh.seek(offset)
                member = fh.read(length)
            if not length or len(member) != length or not member.startswith(b"\x1f\x8b"):
                raise ArchiveError(f"{where}: {_DAMAGED} (not one whole gzip record)")
            return self._write_raw(member)
        except (ArchiveError, storage.StorageError):
            raise
        except FileNotFoundError as exc:
            raise ArchiveError(f"{where}: archive not found") from exc
        except Exception as exc:  # warcio and zlib raise many kinds of errors on damaged bytes
            raise ArchiveError(f"{where}: {_DAMAGED} ({type(exc).__name__}: {_short(exc)})") from exc

    def write_error(self, *, url: str, when: datetime, info: dict[str, Any]) -> int:
        """Write a metadata record describing a fetch that produced no storable response."""
        payload = json.dumps(info, ensure_ascii=False, default=str).encode("utf-8")
        record = self._writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(payload),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": _warc_date(when)},
        )
        return self._write(record)

    def close(self) -> None:
        """Publish the archive at its final path."""
        if self._fh.closed:
            return
        try:
            self._fh.close()  # flushes the last records
        except OSError as exc:
            self._remove_tmp()
            raise storage.StorageError(f"cannot write WARC {self.path}: {exc.strerror or exc}") from exc
        try:
            if self._local:
                os.replace(self._tmp, self._fs_path)
            else:
                remote_tmp = f"{self._fs_path}.tmp-{uuid.uuid4().hex}"
                self._fs.put_file(self._tmp, remote_tmp)
                self._fs.mv(remote_tmp, self._fs_path)
                os.unlink(self._tmp)
        except OSError as exc:
            self._remove_tmp()
            raise storage.StorageError(f"cannot publish WARC {self.path}: {exc}") from exc

    def abort(self) -> None:
        """Drop the archive: the temporary file is always removed, even when closing it fails."""
        try:
            if not self._fh.closed:
                self._fh.close()
        except OSError as exc:  # flushing a full disk fails again; the file goes anyway
            log.debug("closing %s while aborting failed: %s", self._tmp, exc)
        finally:
            self._remove_tmp()

    def _remove_tmp(self) -> None:
        if not self._tmp:
            return
        try:
            os.unlink(self._tmp)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("cannot remove temporary WARC %s: %s", self._tmp, exc)


class WarcSink:
    """Per-source rolling WARC files for one run."""

    def __init__(self, storage_root: str, run_id: str, batch: str, max_bytes: int) -> None:
        self.storage_root = storage_root
        self.run_id = run_id
        self.batch = batch
        self.max_bytes = max_bytes
        self._open: dict[str, WarcFile] = {}
        self._counts: dict[str, int] = {}
        self.closed_paths: list[str] = []

    def file_for(self, source: str) -> WarcFile:
        current = self._open.get(source)
        if current is not None and current.size < self.max_bytes:
            return current
        if current is not None:
            current.close()
            self.closed_paths.append(current.path)
        n = self._counts.get(source, 0)
        self._counts[source] = n + 1
        batch = self.batch if n == 0 else f"{self.batch}-{n:04d}"
        new = WarcFile(warc_path(self.storage_root, self.run_id, source, batch))
        self._open[source] = new
        return new

    def close(self) -> None:
        """Publish every open archive; if one fails, the others are dropped and the error raised."""
        try:
            for source, f in list(self._open.items()):
                f.close()
                self.closed_paths.append(f.path)
                del self._open[source]
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        for f in self._open.values():
            f.abort()
        self._open.clear()


@dataclass
class ArchivedResponse:
    """One response read back from an archive."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # Content-Encoding removed
    encoding: str
    content_type: str | None
    date: str | None = None

    @property
    def text(self) -> str:
        return decode_text(self.body, self.encoding)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


@dataclass
class ArchivedRecord:
    """Any WARC record, as :func:`iter_archive` yields it."""

    offset: int
    rec_type: str
    url: str | None
    warc_headers: dict[str, str]
    status: int | None = None
    http_headers: list[tuple[str, str]] = field(default_factory=list)
    payload: bytes = b""  # as stored (Content-Encoding kept)


@dataclass
class ArchiveProblem:
    """A record :func:`iter_archive` skipped, and why."""

    path: str
    offset: int
    reason: str


_DAMAGED = "corrupt or truncated record"


def _same_url(a: str | None, b: str) -> bool:
    if a == b:
        return True
    try:
        return a is not None and canonicalize(a) == canonicalize(b)
    except URLError:
        return False


def _short(value: object, limit: int = 160) -> str:
    """``value`` as text for an error message, cut so that garbage from a damaged record stays short."""
    text = repr(value) if isinstance(value, bytes) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _response_from(record: Any, *, where: str, encoding: str | None, cap: int) -> ArchivedResponse:
    if record.rec_type != "response" or record.http_headers is None:
        found = _short(record.rec_type)
        raise ArchiveError(f"{where}: {_DAMAGED} (expected a response record, found {found})")
    headers = list(record.http_headers.headers)
    raw = record.raw_stream.read()
    ce = next((v for k, v in headers if k.lower() == "content-encoding"), None)
    try:
        body = decode_body(raw, ce, cap)
    except Exception as exc:
        raise ArchiveError(f"{where}: {_DAMAGED} (cannot decode body: {_short(exc)})") from exc
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(record.http_headers.get_statuscode() or 0),
        headers=headers,
        body=body,
        encoding=encoding or resolve_charset(body, content_type),
        content_type=content_type,
        date=record.rec_headers.get_header("WARC-Date"),
    )


def read_response(result: FetchResult, *, cap: int = READ_CAP) -> ArchivedResponse:
    """Read the response a :class:`FetchResult` points at (body decoded, text via ``.text``)."""
    if not result.warc_path or result.warc_offset is None:
        raise ArchiveError(f"{result.url}: fetch result has no archived response ({result.error_class})")
    where = f"{result.warc_path}@{result.warc_offset}"
    try:
        with fsspec.open(result.warc_path, "rb") as fh:
            fh.seek(result.warc_offset)
            record = next(iter(ArchiveIterator(fh)))
            target = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type == "response" and target not in (result.final_url, result.url):
                wanted = result.final_url or result.url
                raise ArchiveError(f"{where}: {_DAMAGED} (it is for {_short(target)}, not {wanted})")
            return _response_from(record, where=where, encoding=result.encoding, cap=cap)
    except ArchiveError:
        raise
    except FileNotFoundError as exc:
        raise ArchiveError(f"{where}: archive not found") from exc
    except (ArchiveLoadFailed, StopIteration, zlib.error, EOFError, ValueError, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"{where}: {_DAMAGED} ({type(exc).__name__}: {_short(exc)})") from exc
    except OSError as exc:  # permissions, a remote store's network errors: the archive may be fine
        raise ArchiveError(f"{where}: cannot read the archive ({_short(exc)})") from exc
    except Exception as exc:  # warcio and zlib raise many kinds of errors on damaged bytes
        raise ArchiveError(f"{where}: {_DAMAGED} ({type(exc).__name__}: {_short(exc)})") from exc


def _parse_member(data: bytes, offset: int) -> ArchivedRecord:
    record = next(iter(ArchiveIterator(io.BytesIO(data))))
    http = record.http_headers
    status = None
    if http is not None and record.rec_type == "response":
        status = int(http.get_statuscode() or 0)
    return ArchivedRecord(
        offset=offset,
        rec_type=record.rec_type,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        warc_headers=dict(record.rec_headers.headers),
        status=status,
        http_headers=list(http.headers) if http is not None else [],
        payload=record.raw_stream.read(),
    )


def iter_archive(
    path: str, *, on_problem: Callable[[ArchiveProblem], None] | None = None, chunk_size: int = 1 << 20
) -> Iterator[ArchivedRecord]:
    """Yield every readable record; corrupt or truncated ones are skipped and reported to ``on_problem``.

    Each gzip member is decoded on its own, so damage in one record never hides the records after it.
    """

    def report(offset: int, reason: str) -> None:
        problem = ArchiveProblem(path, offset, reason)
        log.warning("skipping WARC record %s@%d: %s", path, offset, reason)
        if on_problem:
            on_problem(problem)

    with fsspec.open(path, "rb") as fh:
        buf = bytearray()
        base = 0  # file offset of buf[0]
        eof = False

        def fill() -> bool:
            nonlocal eof
            if eof:
                return False
            chunk = fh.read(chunk_size)
            if not chunk:
                eof = True
                return False
            buf.extend(chunk)
            return True

        fill()
        while buf or fill():
            if not buf.startswith(b"\x1f\x8b"):
                nxt = buf.find(b"\x1f\x8b\x08", 1)
                while nxt < 0 and fill():
                    nxt = buf.find(b"\x1f\x8b\x08", 1)
                report(base, "not a gzip member; skipped to the next one")
                if nxt < 0:
                    return
                del buf[:nxt]
                base += nxt
                continue
            inflater = zlib.decompressobj(wbits=31)
            out = bytearray()
            pos = 0
            error: str | None = None
            while not inflater.eof:
                if pos >= len(buf) and not fill():
                    error = "truncated gzip member"
                    break
                try:
                    out += inflater.decompress(bytes(buf[pos:]), READ_CAP)
                except zlib.error as exc:
                    error = f"corrupt gzip member ({exc})"
                    break
                pos = len(buf) - len(inflater.unconsumed_tail) - len(inflater.unused_data)
                if len(out) > READ_CAP:
                    error = "record larger than the read cap"
                    break
            if error:
                report(base, error)
                nxt = buf.find(b"\x1f\x8b\x08", 1)
                while nxt < 0 and fill():
                    nxt = buf.find(b"\x1f\x8b\x08", 1)
                if nxt < 0:
                    return
                del buf[:nxt]
                base += nxt
                continue
            consumed = len(buf) - len(inflater.unused_data)
            offset = base
            del buf[:consumed]
            base += consumed
            try:
                yield _parse_member(bytes(out), offset)
            except (ArchiveLoadFailed, StopIteration, ValueError, EOFError, AttributeError) as exc:
                report(offset, f"not a valid WARC record ({exc})")
