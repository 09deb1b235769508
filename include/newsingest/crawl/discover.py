"""The discover stage: a source's feeds, sitemaps and section pages to candidate URLs for a window.

Items dated inside ``[start, end)`` are kept. The date is the channel's publication date (news sitemap,
feed), else a sitemap ``lastmod``, else a date in the URL path. Undated items are kept once: they are
remembered under the storage root so later runs skip them. Sitemap index children whose ``lastmod`` is
before ``start`` are not fetched (they cannot list newer items), so a backfill reads only the sitemaps
for its days. Feeds and sitemaps are fetched conditionally; on 304 the cached copy is used, and its parse
too when the same bytes were parsed before by the same parser code (``crawl.parse_memo``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsingest.config import Settings
from newsingest.crawl.aio import run_sync
from newsingest.crawl.archive import WarcSink
from newsingest.crawl.client import Fetcher
from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.content import BodyTooLarge, gunzip_capped
from newsingest.crawl.feeds import FeedError, parse_feed
from newsingest.crawl.fetch import archive_hook, merge_urls
from newsingest.crawl.parse_memo import ParseMemo
from newsingest.crawl.sections import extract_links
from newsingest.crawl.sitemaps import SitemapError, parse_sitemap, sitemap_from_json, sitemap_to_json
from newsingest.crawl.state import DocumentCache, UndatedLedger, ValidatorStore
from newsingest.crawl.xmlsafe import XMLRefused
from newsingest.models import DiscoveredURL
from newsingest.sources import Source
from newsingest.web.dates import aware, date_from_url
from newsingest.web.urls import URLError, canonicalize

log = logging.getLogger(__name__)
_CHANNEL_RANK = {"news-sitemap": 0, "feed": 1, "sitemap": 2, "section": 3}


@dataclass
class DocumentOutcome:
    """What happened to one discovery document (for the run report)."""

    url: str
    channel: str
    status: int | None = None
    not_modified: bool = False
    error_class: str | None = None
    error: str | None = None
    items: int = 0


@dataclass
class DiscoveryReport:
    source: str
    start: datetime
    end: datetime
    urls: list[DiscoveredURL] = field(default_factory=list)
    documents: list[DocumentOutcome] = field(default_factory=list)
    dropped_out_of_window: int = 0
    dropped_seen_undated: int = 0  # undated items handed out by an earlier run
    dropped_undated: int = 0  # undated items when keep_undated=False
    skipped_sitemaps: int = 0  # index children skipped thanks to lastmod


def item_date(item: DiscoveredURL) -> datetime | None:
    """The date used for the window: publication date, else lastmod, else a date in the URL."""
    return item.published or item.lastmod or date_from_url(item.url)


class _Discovery:
    def __init__(
        self,
        source: Source,
        start: datetime,
        end: datetime,
        fetcher: Fetcher,
        settings: Settings,
        config: CrawlConfig,
    ) -> None:
        self.source = source
        self.start, self.end = start, end
        self.fetcher = fetcher
        self.config = config
        self.validators = ValidatorStore(
            settings.storage_root, f"{source.name}.discovery", require_archive=False
        )
        self.cache = DocumentCache(settings.storage_root, source.name)
        self.parsed = ParseMemo(settings.storage_root, source.name)
        self.report = DiscoveryReport(source.name, start, end)
        self.found: list[DiscoveredURL] = []
        self._sitemaps_seen: set[str] = set()

    async def document(self, url: str, channel: str) -> tuple[bytes, str | None] | None:
        """Body (and charset) of a discovery document, from the network or, on 304, the cache."""
        outcome = DocumentOutcome(url, channel)
        self.report.documents.append(outcome)
        for conditional in (True, False):
            resp = await self.fetcher.get(
                url,
                kind="document",
                rate=self.source.rate_limit,
                allow_private=self.source.allow_private,
                source=self.source.name,
                conditional=self.validators.headers_for if conditional else None,
            )
            outcome.status, outcome.error_class, outcome.error = resp.status, resp.error_class, resp.error
            if resp.not_modified:
                cached = self.cache.load(url)
                if cached is not None:
                    outcome.not_modified = True
                    return cached, None
                continue  # validators without a cached body: fetch unconditionally
            if not resp.ok:
                log.warning("%s: %s %s: %s", self.source.name, channel, url, resp.error)
                return None
            self.validators.remember(resp.final_url, resp.header("etag"), resp.header("last-modified"))
            if resp.header("etag") or resp.header("last-modified"):
                self.cache.store(url, resp.body)
            return resp.body, resp.encoding
        return None

    def _fail(self, url: str, error_class: str, message: str) -> None:
        for outcome in reversed(self.report.documents):
            if outcome.url == url:
                outcome.error_class, outcome.error = error_class, message
                break
        log.warning("%s: %s: %s", self.source.name, url, message)

    def _parser_crash(self, url: str, exc: Exception) -> None:
        """An unexpected parser exception: the document is reported as bad, the source goes on."""
        log.error("%s: parser failed on %s", self.source.name, url, exc_info=exc)
        self._fail(url, "parse_error", f"parser failed: {type(exc).__name__}: {exc}")

    def _count(self, url: str, n: int) -> None:
        for outcome in reversed(self.report.documents):
            if outcome.url == url:
                outcome.items = n
                break

    async def feed(self, url: str) -> None:
        got = await self.document(url, "feed")
        if got is None:
            return
        memo = self.parsed.get("feed", url, got[0])
        if memo is not None:
            items = [DiscoveredURL.from_json(row) for row in memo]
        else:
            try:
                items = parse_feed(got[0], source=self.source.name, feed_url=url)
            except XMLRefused as exc:
                return self._fail(url, "xml_refused", str(exc))
            except FeedError as exc:
                return self._fail(url, "parse", str(exc))
            except Exception as exc:  # a parser bug on one hostile document must not fail the source
                return self._parser_crash(url, exc)
            self.parsed.put("feed", url, got[0], [item.to_json() for item in items])
        self._count(url, len(items))
        self.found.extend(items)

    async def sitemap(self, url: str, depth: int) -> None:
        if url in self._sitemaps_seen or len(self._sitemaps_seen) >= self.config.max_sitemaps:
            return
        self._sitemaps_seen.add(url)
        got = await self.document(url, "sitemap")
        if got is None:
            return
        kind = f"sitemap:{self.config.max_document_bytes}"  # the gunzip cap decides what is parsed
        memo = self.parsed.get(kind, url, got[0])
        if memo is not None:
            doc = sitemap_from_json(memo)
        else:
            try:
                doc = parse_sitemap(
                    gunzip_capped(got[0], self.config.max_document_bytes),
                    source=self.source.name,
                    sitemap_url=url,
                )
            except XMLRefused as exc:
                return self._fail(url, "xml_refused", str(exc))
            except (SitemapError, BodyTooLarge, OSError, ValueError) as exc:
                return self._fail(url, "parse", str(exc))
            except Exception as exc:
                return self._parser_crash(url, exc)
            self.parsed.put(kind, url, got[0], sitemap_to_json(doc))
        self.found.extend(doc.urls)
        self._count(url, len(doc.urls) + len(doc.children))
        if depth >= self.config.max_sitemap_depth:
            return
        follow = []
        for child in doc.children:
            if child.lastmod is not None and aware(child.lastmod) < self.start:
                self.report.skipped_sitemaps += 1
                continue
            follow.append(self.sitemap(child.url, depth + 1))
        await asyncio.gather(*follow)

    async def section(self, url: str, pattern: str) -> None:
        got = await self.document(url, "section")
        if got is None:
            return
        try:
            links = extract_links(
                got[0], page_url=url, pattern=pattern, source=self.source.name, encoding=got[1]
            )
        except Exception as exc:
            return self._parser_crash(url, exc)
        self._count(url, len(links))
        self.found.extend(links)

    async def run(self) -> None:
        await asyncio.gather(
            *(self.feed(u) for u in self.source.feeds),
            *(self.sitemap(u, 0) for u in self.source.sitemaps),
            *(self.section(s.url, s.pattern) for s in self.source.sections),
        )


def select(
    found: list[DiscoveredURL],
    start: datetime,
    end: datetime,
    ledger: UndatedLedger | None,
    report: DiscoveryReport,
) -> list[DiscoveredURL]:
    """Merge channels per canonical URL; keep what falls in ``[start, end)``, and undated items not yet
    in ``ledger`` (adding them). Without a ledger undated items are dropped."""
    best: dict[str, tuple[int, datetime]] = {}  # canonical URL -> (channel rank, publication date)
    for f in found:
        if f.published is None:
            continue
        rank = min((_CHANNEL_RANK.get(c, 9) for c in f.channels), default=9)
        key = _key(f)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, f.published)
    kept: list[DiscoveredURL] = []
    for item in merge_urls(found):
        if (chosen := best.get(_key(item))) is not None:
            item.published = chosen[1]
        when = item_date(item)
        if when is not None:
            if start <= aware(when) < end:
                kept.append(item)
            else:
                report.dropped_out_of_window += 1
            continue
        if ledger is None:  # undated items not wanted
            report.dropped_undated += 1
            continue
        key = _key(item)
        if key in ledger:
            report.dropped_seen_undated += 1
            continue
        ledger.add(key)
        kept.append(item)
    kept.sort(key=lambda i: (item_date(i) or end, i.url))
    return kept


def _key(item: DiscoveredURL) -> str:
    try:
        return canonicalize(item.url)
    except URLError:
        return item.url


async def adiscover_report(
    source: Source,
    start: datetime,
    end: datetime,
    *,
    settings: Settings,
    config: CrawlConfig | None = None,
    run_id: str | None = None,
    keep_undated: bool = True,
) -> DiscoveryReport:
    """Async core of :func:`discover`, returning the full report."""
    start, end = aware(start), aware(end)
    if end <= start:
        raise ValueError(f"discovery window is empty: start {start.isoformat()} >= end {end.isoformat()}")
    config = config or settings.crawl
    sink = None
    if run_id:
        batch = f"discovery-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        sink = WarcSink(settings.storage_root, run_id, batch, config.warc_max_bytes)
    try:
        archive = archive_hook(sink) if sink else None
        async with Fetcher(config, settings.user_agent, archive=archive) as fetcher:
            job = _Discovery(source, start, end, fetcher, settings, config)
            await job.run()
    except BaseException:
        if sink:
            sink.abort()
        raise
    if sink:
        sink.close()
    ledger = UndatedLedger(settings.storage_root, source.name) if keep_undated else None
    job.report.urls = select(job.found, start, end, ledger, job.report)
    if ledger is not None:
        ledger.save()
    job.validators.save()
    log.info(
        "%s: %d URLs in [%s, %s) from %d documents",
        source.name,
        len(job.report.urls),
        start.isoformat(),
        end.isoformat(),
        len(job.report.documents),
    )
    return job.report


def discover_report(
    source: Source,
    start: datetime,
    end: datetime,
    *,
    settings: Settings,
    config: CrawlConfig | None = None,
    run_id: str | None = None,
    keep_undated: bool = True,
) -> DiscoveryReport:
    """Like :func:`discover`, with per-document outcomes and drop counts."""
    return run_sync(
        lambda: adiscover_report(
            source, start, end, settings=settings, config=config, run_id=run_id, keep_undated=keep_undated
        )
    )


def discover(
    source: Source,
    start: datetime,
    end: datetime,
    *,
    settings: Settings,
    config: CrawlConfig | None = None,
    run_id: str | None = None,
    keep_undated: bool = True,
) -> list[DiscoveredURL]:
    """Candidate article URLs of ``source`` published in ``[start, end)``, channels merged.

    Undated items are returned once and remembered under the storage root (``keep_undated=False``
    drops them instead). With ``run_id`` the discovery fetches are archived too.
    """
    return discover_report(
        source, start, end, settings=settings, config=config, run_id=run_id, keep_undated=keep_undated
    ).urls
