"""Stage runners: read a stage's input files, call the stage, write its output files.

Each runner is what one Airflow task (and the matching CLI command) executes. Inputs and outputs
are gzip JSON Lines under ``<storage_root>/runs/<run_id>/<stage>/<source>/``; runners return small
dicts of paths and counts (what Airflow passes through XCom). Rerunning a runner with the same
arguments rewrites the same files, so retries are idempotent.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from newsingest import layout, storage
from newsingest.config import Settings
from newsingest.errors import DropReason, ErrorClass
from newsingest.models import (
    CleanedArticle,
    CleanSummary,
    DiscoveredURL,
    DiscoverSummary,
    DroppedPage,
    EnrichedArticle,
    EnrichSummary,
    FetchResult,
    FetchSummary,
    LoadSummary,
)

log = logging.getLogger(__name__)

BATCH = "all"


def _out(settings: Settings, run_id: str, stage: str, source: str, name: str = BATCH) -> str:
    return layout.stage_path(settings.storage_root, run_id, stage, source, name)


def load_source_names(settings: Settings, only: Iterable[str] | None = None) -> list[str]:
    """Names of the enabled sources (optionally a validated subset); fails fast on a bad file."""
    from newsingest.sources import load_sources

    sources = [s for s in load_sources(settings.sources_file) if s.enabled]
    names = [s.name for s in sources]
    if only:
        wanted = list(only)
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            raise ValueError(
                f"{settings.sources_file}: unknown or disabled source(s) {', '.join(unknown)}; "
                f"enabled: {', '.join(names)}"
            )
        names = [n for n in names if n in wanted]
    return names


def _source(settings: Settings, name: str):
    from newsingest.sources import load_sources

    for src in load_sources(settings.sources_file):
        if src.name == name:
            return src
    raise ValueError(f"{settings.sources_file}: no source named {name!r}")


def discover_stage(
    settings: Settings, run_id: str, source: str, start: datetime, end: datetime
) -> dict[str, Any]:
    """Discover candidate URLs of ``source`` published in [start, end)."""
    from newsingest.crawl.discover import discover_report

    report = discover_report(_source(settings, source), start, end, settings=settings)
    urls = report.urls
    path = _out(settings, run_id, "discover", source)
    count = storage.write_jsonl_gz(path, (u.to_json() for u in urls))
    channels = Counter(ch for u in urls for ch in u.channels)
    failed = [d for d in report.documents if d.error_class]
    errors = Counter(f"{d.channel}:{d.error_class}" for d in failed)
    log.info("discover %s [%s, %s): %d urls %s", source, start, end, count, dict(channels))
    if failed:
        log.warning(
            "discover %s: %d of %d discovery documents failed: %s",
            source,
            len(failed),
            len(report.documents),
            "; ".join(f"{d.url}: {d.error_class}" for d in failed[:5]),
        )
    return DiscoverSummary(
        source=source,
        path=path,
        discovered=count,
        channels=dict(channels),
        discovery_documents=len(report.documents),
        discovery_failed=len(failed),
        discovery_errors=dict(errors),
    ).to_dict()


def plan_batches(
    settings: Settings,
    run_id: str,
    discovered: Iterable[dict[str, Any]],
    *,
    batch_size: int = 200,
    max_batches: int = 1000,
) -> list[dict[str, Any]]:
    """Split each source's discovered URLs into batch files of at most ``batch_size`` URLs.

    Returns one ``{source, batch, path, urls}`` per batch (what the mapped fetch tasks take). The batch
    size grows when a run would need more than ``max_batches`` batches (Airflow's ``max_map_length``).
    Sources that discovered nothing get no batch. Rewriting the same run gives the same files.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    rows = [r for r in discovered if r]
    total = sum(r.get("discovered", 0) for r in rows)
    if total > batch_size * max_batches:
        batch_size = -(-total // max_batches)
    plan: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: r["source"]):
        urls = list(storage.read_jsonl_gz(row["path"]))
        for start in range(0, len(urls), batch_size):
            chunk = urls[start : start + batch_size]
            name = f"b{start // batch_size:04d}"
            path = _out(settings, run_id, "discover", row["source"], name)
            storage.write_jsonl_gz(path, chunk)
            plan.append({"source": row["source"], "batch": name, "path": path, "urls": len(chunk)})
    log.info("planned %d batches of at most %d URLs for %d URLs", len(plan), batch_size, total)
    return plan


def fetch_stage(
    settings: Settings,
    run_id: str,
    source: str,
    discover_path: str,
    *,
    force: bool = False,
    batch: str = BATCH,
) -> dict[str, Any]:
    """Fetch one batch of discovered URLs into the WARC archive; write one FetchResult per URL."""
    from newsingest.crawl.fetch import fetch_urls

    urls = [DiscoveredURL.from_json(r) for r in storage.read_jsonl_gz(discover_path)]
    results = fetch_urls(
        urls, {source: _source(settings, source)}, run_id=run_id, settings=settings, force=force, batch=batch
    )
    path = _out(settings, run_id, "fetch", source, batch)
    storage.write_jsonl_gz(path, (r.to_json() for r in results))
    summary = FetchSummary.of_results(source, results, batch=batch, path=path).to_dict()
    log.info("fetch %s/%s: %s", source, batch, summary)
    return summary


def _dropped(result: FetchResult, source: str, stage: str, reason: str, detail: str | None) -> DroppedPage:
    return DroppedPage(url=result.url, source=source, stage=stage, reason=reason, detail=detail)


def _declared_domains(settings: Settings, source: str) -> list[str]:
    """The source's homepage and declared domains (none when the source is no longer configured, e.g.
    a reindex of an old run: then only a page's own site decides its id)."""
    try:
        src = _source(settings, source)
    except ValueError:
        return []
    return [src.homepage, *src.domains]


def _apply_trust_boundary(article: CleanedArticle, page_url: str, declared: list[str]) -> None:
    """A page decides its document id only on its own site (or the source's declared domains): a
    canonical URL claimed on another site is kept as ``canonical_claim`` and the fetched URL decides."""
    from newsingest.web.urls import URLError, canonicalize, trusted_canonical

    if trusted_canonical(page_url, article.canonical_url, declared) is not None:
        return
    try:
        own = canonicalize(page_url)
    except URLError:
        own = page_url
    log.warning(
        "%s claims the canonical URL %s on another site; its own URL decides", page_url, article.canonical_url
    )
    article.canonical_claim = article.canonical_url
    article.canonical_url = own
    article.provenance["canonical_url"] = "url"


def clean_stage(
    settings: Settings, run_id: str, source: str, fetch_path: str, *, batch: str = BATCH
) -> dict[str, Any]:
    """Clean every fetched page of a batch; write articles and dropped pages (with reasons).

    A page whose response and inputs are unchanged since the batch's previous attempt (a rerun of the
    day) takes that attempt's outcome from the clean memo instead of being cleaned again.
    """
    from newsingest.clean.extract import clean_page, has_override
    from newsingest.clean.memo import CleanMemo, page_key
    from newsingest.crawl.archive import read_response

    declared = _declared_domains(settings, source)
    path = _out(settings, run_id, "clean", source, batch)
    dropped_path = layout.dropped_path(settings.storage_root, run_id, source, batch)
    memo_path = layout.clean_memo_path(settings.storage_root, run_id, source, batch)
    # A per-source hook is code the memo's fingerprint does not cover: such a source is always cleaned.
    memo = CleanMemo() if has_override(source) else CleanMemo.read(memo_path, path, dropped_path)
    articles: list[CleanedArticle] = []
    dropped: list[DroppedPage] = []
    for row in storage.read_jsonl_gz(fetch_path):
        result = FetchResult.from_json(row)
        if not result.ok:
            dropped.append(
                _dropped(
                    result,
                    source,
                    "fetch",
                    DropReason.FETCH.with_detail(result.error_class or ErrorClass.ERROR),
                    result.error,
                )
            )
            continue
        if result.not_modified:
            # Unchanged since the last crawl, but "not modified" is not "done": the page is processed
            # again from the archived 200 it confirms, and the load's upsert writes nothing if the
            # indexed document is already this one (see docs/reliability.md, "what done means").
            if result.archived_path is None or result.archived_offset is None:
                dropped.append(
                    _dropped(
                        result,
                        source,
                        "clean",
                        DropReason.ARCHIVE_UNREADABLE,
                        "304 without an archived response",
                    )
                )
                continue
            result = result.model_copy(
                update={"warc_path": result.archived_path, "warc_offset": result.archived_offset}
            )
        try:
            response = read_response(result)
        except Exception as exc:  # a corrupt archive record loses this page only
            dropped.append(_dropped(result, source, "clean", DropReason.ARCHIVE_UNREADABLE, str(exc)[:500]))
            continue
        page_url = result.final_url or result.url
        key = page_key(
            response.text,
            url=page_url,
            published_hint=result.discovered_published,
            title_hint=result.discovered_title,
            source=source,
            min_chars=settings.clean.min_body_chars,
            declared=declared,
        )
        outcome = memo.get(key) or clean_page(
            response.text,
            page_url,
            published_hint=result.discovered_published,
            title_hint=result.discovered_title,
            source=source,  # a per-source override registered with clean.extract.register_override runs
            min_chars=settings.clean.min_body_chars,
        )
        outcome.source = source
        if isinstance(outcome, DroppedPage):
            memo.note(key, outcome.url, "dropped", len(dropped))
            dropped.append(outcome)
            continue
        _apply_trust_boundary(outcome, page_url, declared)
        outcome.fetched_at = result.fetched_at
        outcome.first_fetched_at = result.archived_at
        outcome.channels = result.channels
        memo.note(key, outcome.url, "article", len(articles))
        articles.append(outcome)
    storage.write_jsonl_gz(path, (a.to_json() for a in articles))
    storage.write_jsonl_gz(dropped_path, (d.to_json() for d in dropped))
    memo.write(memo_path)  # after the outputs it points into
    reasons = Counter(d.reason for d in dropped)
    log.info(
        "clean %s/%s: %d articles, dropped %s; %d unchanged pages taken from the clean memo",
        source, batch, len(articles), dict(reasons), memo.reused,
    )  # fmt: skip
    return CleanSummary(
        source=source,
        batch=batch,
        path=path,
        dropped_path=dropped_path,
        cleaned=len(articles),
        truncated=sum(1 for a in articles if a.truncated),
        dropped=dict(reasons),
        unchanged=memo.reused,
    ).to_dict()


def enrich_stage(
    settings: Settings,
    run_id: str,
    source: str,
    clean_path: str,
    *,
    cluster_lookup: Callable[[list[str]], list[dict]] | None = None,
    reuse_lookup: Callable[[list[str]], Mapping[str, Mapping[str, Any]]] | None = None,
    batch: str = BATCH,
) -> dict[str, Any]:
    """Enrich the cleaned articles of one batch.

    With ``reuse_lookup`` (doc ids -> their indexed documents), an article whose indexed document has the
    same content hash and enrichment version takes that enrichment instead of running the model again
    (a 304 re-processed from the archive, a re-crawl, a backfill that reprocesses); counted as ``reused``.
    A lookup that also answers ``by_content_hash`` (:class:`newsingest.load.reuse.IndexedEnrichment`)
    lets an article reuse the enrichment of another indexed document with the same text and title
    (a wire story another source already carried).
    """
    from newsingest.enrich.version import ENRICHMENT_VERSION
    from newsingest.load.document import reuse_enrichment
    from newsingest.web.urls import doc_id

    articles = [CleanedArticle.from_json(r) for r in storage.read_jsonl_gz(clean_path)]
    enricher = _enricher(settings)  # models load on first use
    reused: dict[int, EnrichedArticle] = {}
    if reuse_lookup is not None and articles:
        keys = {i: doc_id(a.canonical_url) for i, a in enumerate(articles)}
        hashes = {i: _content_hash(a) for i, a in enumerate(articles)}
        indexed = reuse_lookup(sorted(set(keys.values())))
        for i, article in enumerate(articles):
            doc = indexed.get(keys[i])
            if (
                doc
                and hashes[i]
                and doc.get("enrichment_version") == ENRICHMENT_VERSION
                and doc.get("content_hash") == hashes[i]
            ):
                reused[i] = reuse_enrichment(article, doc)
        by_hash = getattr(reuse_lookup, "by_content_hash", None)
        rest = {i: h for i, h in hashes.items() if i not in reused and h}
        if by_hash is not None and rest:
            copies = by_hash(sorted(set(rest.values())), ENRICHMENT_VERSION)
            for i, h in rest.items():
                doc = copies.get(h)
                if doc and _same_title(doc.get("title"), articles[i].title):
                    copy = reuse_enrichment(articles[i], doc, doc_id=keys[i])
                    # Topics also weigh the page's own section and tags: computed for this copy.
                    copy.topics = enricher.topics_for(copy, copy.detected_language)
                    reused[i] = copy
    fresh = [a for i, a in enumerate(articles) if i not in reused]
    done = iter(enricher.enrich(fresh, cluster_lookup=cluster_lookup) if fresh else [])
    enriched = [reused[i] if i in reused else next(done) for i in range(len(articles))]
    path = _out(settings, run_id, "enrich", source, batch)
    storage.write_jsonl_gz(path, (a.to_json() for a in enriched))
    log.info("enrich %s/%s: %d articles (%d reused)", source, batch, len(enriched), len(reused))
    return EnrichSummary(
        source=source, batch=batch, path=path, enriched=len(enriched), reused=len(reused)
    ).to_dict()


def _content_hash(article: CleanedArticle) -> str | None:
    from newsingest.enrich import dedup

    text = dedup.hashed_text(article.body, article.title)
    return dedup.content_hash(text) if text else None


def _same_title(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


def _enricher(settings: Settings):
    from newsingest.enrich.pipeline import Enricher

    return Enricher(settings=settings)


def prepare_index(settings: Settings, client) -> dict[str, Any]:
    """Install the index template, create the index behind the aliases when missing and give an existing
    one the template's new fields; once per run, before any load (the DAG's ``prepare_index`` task)."""
    from newsingest.load.index import ensure_index

    info = ensure_index(
        client,
        alias=settings.index_alias,
        shards=settings.index_shards,
        replicas=settings.index_replicas,
        refresh_interval=settings.index_refresh_interval,
    )
    return {
        "alias": info.alias,
        "index": info.index,
        "created": info.created,
        "schema_version": info.schema_version,
        "template_schema_version": info.template_schema_version,
    }


def load_stage(
    settings: Settings, run_id: str, source: str, enrich_path: str, client, *, batch: str = BATCH
) -> dict[str, Any]:
    """Bulk-load the enriched articles of one batch into the write alias.

    The template is installed once per run by :func:`prepare_index`; a batch only checks that the write
    alias exists and prepares the index itself when it does not (a first load without that step).
    """
    from newsingest.load.bulk import load_articles
    from newsingest.load.index import write_alias_for, write_index

    if write_index(client, write_alias_for(settings.index_alias)) is None:
        prepare_index(settings, client)
    # The rows as stored: load_articles validates each one and dead-letters the invalid ones.
    articles = storage.read_jsonl_gz(enrich_path)
    dead_letter = layout.dead_letter_path(settings.storage_root, run_id, source, batch)
    report = load_articles(client, settings.index_alias, articles, dead_letter_path=dead_letter)
    storage.write_jsonl_gz(
        layout.load_unchanged_path(settings.storage_root, run_id, source, batch),
        ({"doc_id": doc_id} for doc_id in report.unchanged_ids),
    )
    summary = LoadSummary.from_dict({"source": source, "batch": batch, **report.to_dict()}).to_dict()
    log.info("load %s/%s: %s", source, batch, report.summary())
    return summary
