"""The fetch stage: discovered URLs in, one :class:`FetchResult` per URL out, every exchange archived.

``fetch_urls`` is synchronous for callers (Airflow tasks, the CLI) and runs an asyncio crawl inside.
URLs are grouped by host; each host gets ``host_concurrency`` workers, all hosts run at once under the
global limit. Conditional GETs use the validators remembered from earlier runs unless ``force``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime

from newsingest.config import Settings
from newsingest.crawl.aio import run_sync
from newsingest.crawl.archive import ArchiveError, WarcSink
from newsingest.crawl.client import Fetcher
from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.exchange import Exchange, Response
from newsingest.crawl.state import ArchivedRef, ValidatorStore
from newsingest.crawl.throttle import HostRate, source_rate
from newsingest.models import DiscoveredURL, FetchResult
from newsingest.sources import Source
from newsingest.storage import StorageError
from newsingest.web.urls import URLError, canonicalize, host_key

log = logging.getLogger(__name__)


def merge_urls(urls: Iterable[DiscoveredURL]) -> list[DiscoveredURL]:
    """One entry per (source, canonical URL), channels merged, first date and title kept.

    The entry's URL is the canonical one (tracking parameters removed), which is what gets fetched.
    """
    merged: dict[tuple[str, str], DiscoveredURL] = {}
    owned: set[tuple[str, str]] = set()  # entries copied here (the caller's objects are never mutated)
    for item in urls:
        try:
            key = (item.source, canonicalize(item.url))
        except URLError:
            key = (item.source, item.url)
        found = merged.get(key)
        if found is None:
            channels = sorted(set(item.channels))
            if item.url == key[1] and item.channels == channels:
                merged[key] = item  # no copy: keeps memory per URL low on large runs
            else:
                merged[key] = item.model_copy(update={"url": key[1], "channels": channels}, deep=True)
                owned.add(key)
            continue
        if key not in owned:
            found = merged[key] = found.model_copy(deep=True)
            owned.add(key)
        found.channels = sorted(set(found.channels) | set(item.channels))
        found.published = found.published or item.published
        found.lastmod = found.lastmod or item.lastmod
        found.title = found.title or item.title
        found.keywords = list(dict.fromkeys([*found.keywords, *item.keywords]))
    return list(merged.values())


def _to_result(item: DiscoveredURL, resp: Response, archived: ArchivedRef | None = None) -> FetchResult:
    ref = resp.archive_ref if isinstance(resp.archive_ref, tuple) else (None, None)
    return FetchResult(
        archived_path=archived.path if archived else None,
        archived_offset=archived.offset if archived else None,
        archived_at=archived.fetched_at if archived else None,
        url=item.url,
        source=item.source,
        final_url=resp.final_url,
        status=resp.status,
        ok=resp.ok or (resp.not_modified and resp.error_class is None),  # a 304 is a successful fetch
        not_modified=resp.not_modified,
        error_class=resp.error_class,
        error=resp.error,
        content_type=resp.content_type,
        # A 304 is cleaned from the archived 200: its charset, resolved when that 200 was fetched.
        encoding=resp.encoding if resp.ok else (archived.encoding if archived else None),
        bytes=len(resp.body),
        elapsed_ms=round(resp.elapsed_ms, 1),
        fetched_at=resp.fetched_at,
        warc_path=ref[0],
        warc_offset=ref[1],
        attempts=resp.attempts,
        throttled=resp.throttled,
        redirects=resp.redirects,
        channels=item.channels,
        discovered_published=item.published,
        discovered_title=item.title,
    )


def archive_hook(sink: WarcSink) -> Callable[[str, Exchange], tuple[str, int]]:
    """The fetcher's archive callback writing into ``sink``; returns (warc path, record offset)."""

    def hook(source: str, ex: Exchange) -> tuple[str, int]:
        warc = sink.file_for(source or "_unknown")
        if ex.status is not None:
            offset = warc.write_exchange(
                url=ex.url,
                method=ex.method,
                request_headers=ex.request_headers,
                status=ex.status,
                reason=ex.reason,
                http_version=ex.http_version,
                response_headers=ex.response_headers,
                body=ex.raw_body,
                when=ex.when,
                ip=ex.ip,
                truncated="length" if ex.truncated or ex.error_class == "too_large" else None,
            )
        else:
            info = {"error_class": ex.error_class, "error": ex.error, "attempt": ex.attempt}
            offset = warc.write_error(url=ex.url, when=ex.when, info=info)
        return warc.path, offset

    return hook


async def afetch_urls(
    urls: Sequence[DiscoveredURL],
    sources: Sequence[Source] | Mapping[str, Source],
    *,
    run_id: str,
    settings: Settings,
    force: bool = False,
    config: CrawlConfig | None = None,
    batch: str | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
    host_rate: HostRate = source_rate,
) -> list[FetchResult]:
    """Async core of :func:`fetch_urls`."""
    config = config or settings.crawl
    by_name = dict(sources) if isinstance(sources, Mapping) else {s.name: s for s in sources}
    items: list[DiscoveredURL | None] = list(merge_urls(urls))
    results: list[FetchResult | None] = [None] * len(items)

    def deliver(index: int, result: FetchResult) -> None:
        items[index] = None  # done with the input record
        if on_result is not None:
            on_result(result)
        else:
            results[index] = result

    batch = batch or f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    sink = WarcSink(settings.storage_root, run_id, batch, config.warc_max_bytes)
    validators: dict[str, ValidatorStore] = {}
    queues: dict[str, deque[int]] = {}
    for index, item in enumerate(items):
        assert item is not None
        source = by_name.get(item.source)
        if source is None:
            deliver(index, _error_result(item, "unknown_source", f"source {item.source!r} is not configured"))
            continue
        if item.source not in validators:
            validators[item.source] = ValidatorStore(settings.storage_root, item.source)
        queues.setdefault(host_key(item.url), deque()).append(index)

    async def worker(fetcher: Fetcher, queue: deque[int]) -> None:
        while queue:
            index = queue.popleft()
            item = items[index]
            assert item is not None
            source = by_name[item.source]
            store = validators[item.source]
            try:
                resp = await fetcher.get(
                    item.url,
                    kind="page",
                    rate=source.rate_limit,
                    allow_private=source.allow_private,
                    source=source.name,
                    conditional=None if force else store.headers_for,
                )
            except StorageError:
                raise  # the archive cannot be written: nothing of this batch may be published
            except Exception as exc:  # an unexpected failure of one URL is that URL's result
                log.exception("%s: fetching %s failed", source.name, item.url)
                deliver(index, _error_result(item, "error", f"{type(exc).__name__}: {exc}"))
                continue
            archived = None
            if resp.ok:
                ref = resp.archive_ref if isinstance(resp.archive_ref, tuple) else None
                here = (
                    ArchivedRef(ref[0], ref[1], resp.fetched_at, resp.encoding)
                    if ref and ref[1] is not None
                    else None
                )
                store.remember(resp.final_url, resp.header("etag"), resp.header("last-modified"), here)
            elif resp.not_modified:  # re-processed from the 200 the validators came from
                archived = _carry_forward(sink, store, source.name, resp.final_url or item.url)
            deliver(index, _to_result(item, resp, archived))

    try:
        fetcher = Fetcher(config, settings.user_agent, archive=archive_hook(sink), host_rate=host_rate)
        async with fetcher:
            tasks = [
                asyncio.ensure_future(worker(fetcher, queue))
                for queue in queues.values()
                for _ in range(min(config.host_concurrency, len(queue)))
            ]
            try:
                await asyncio.gather(*tasks)
            except BaseException:  # stop the other workers before the archives are dropped
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise
    except BaseException:
        sink.abort()
        raise
    sink.close()
    for store in validators.values():
        store.save()
    done = [r for r in results if r is not None]
    log.info("fetched %d URLs into %s", len(items), ", ".join(sink.closed_paths))
    return done


def _carry_forward(sink: WarcSink, store: ValidatorStore, source: str, url: str) -> ArchivedRef | None:
    """Copy the archived ``200`` a ``304`` for ``url`` confirms into this batch's archive; the copy's
    reference (or None when the original is gone or damaged: the validators are then forgotten, so
    the next run fetches the page in full)."""
    archived = store.archived(url)
    if archived is None:
        return None
    warc = sink.file_for(source or "_unknown")
    try:
        offset = warc.copy_response(archived.path, archived.offset, url)
    except ArchiveError as exc:
        log.warning("%s: cannot carry the archived response of %s forward: %s", source, url, exc)
        store.relocate(url, None)
        return None
    copied = ArchivedRef(warc.path, offset, archived.fetched_at, archived.encoding)
    store.relocate(url, copied)
    return copied


def _error_result(item: DiscoveredURL, error_class: str, message: str) -> FetchResult:
    return FetchResult(
        url=item.url,
        source=item.source,
        error_class=error_class,
        error=message,
        fetched_at=datetime.now(UTC),
        channels=item.channels,
        discovered_published=item.published,
        discovered_title=item.title,
    )


def fetch_urls(
    urls: Sequence[DiscoveredURL],
    sources: Sequence[Source] | Mapping[str, Source],
    *,
    run_id: str,
    settings: Settings,
    force: bool = False,
    config: CrawlConfig | None = None,
    batch: str | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
    host_rate: HostRate = source_rate,
) -> list[FetchResult]:
    """Fetch every URL politely; returns one result per (source, canonical URL), in input order.

    Responses and failures are archived under ``<storage_root>/warc/<run_id>/<source>/<batch>.warc.gz``.
    ``force`` skips conditional GET headers (a full refetch); validators are still updated.
    With ``on_result``, each result is handed over as soon as it is ready (completion order) and
    not kept, so memory stays flat however many URLs there are; the returned list is then empty.
    ``host_rate`` is the throttle policy (default: each source's rate limit; benchmarks relax it).
    """
    return run_sync(
        lambda: afetch_urls(
            urls,
            sources,
            run_id=run_id,
            settings=settings,
            force=force,
            config=config,
            batch=batch,
            on_result=on_result,
            host_rate=host_rate,
        )
    )
