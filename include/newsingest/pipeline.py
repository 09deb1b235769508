"""Stage runners: read a stage's input files, call the stage, write its output files.

Each runner is what one Airflow task (and the matching CLI command) executes. Inputs and outputs
are gzip JSON Lines under ``<storage_root>/runs/<run_id>/<stage>/<source>/``; runners return small
dicts of paths and counts (what Airflow passes through XCom). Rerunning a runner with the same
arguments rewrites the same files, so retries are idempotent.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from newsingest import storage
from newsingest.config import Settings
from newsingest.models import CleanedArticle, DiscoveredURL, DroppedPage, EnrichedArticle, FetchResult

log = logging.getLogger(__name__)

BATCH = "all"


def _out(settings: Settings, run_id: str, stage: str, source: str, name: str = BATCH) -> str:
    return storage.stage_path(settings.storage_root, run_id, stage, source, name)


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
    from newsingest.crawl.discover import discover

    urls = discover(_source(settings, source), start, end, settings=settings)
    path = _out(settings, run_id, "discover", source)
    count = storage.write_jsonl_gz(path, (u.to_json() for u in urls))
    channels = Counter(ch for u in urls for ch in u.channels)
    log.info("discover %s [%s, %s): %d urls %s", source, start, end, count, dict(channels))
    return {"source": source, "path": path, "discovered": count, "channels": dict(channels)}


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
    errors = Counter(r.error_class for r in results if r.error_class)
    summary = {
        "source": source,
        "batch": batch,
        "path": path,
        "attempted": len(results),
        "fetched": sum(1 for r in results if r.ok and not r.not_modified),
        "not_modified": sum(1 for r in results if r.not_modified),
        "errors": dict(errors),
    }
    log.info("fetch %s/%s: %s", source, batch, summary)
    return summary


def _dropped(result: FetchResult, source: str, stage: str, reason: str, detail: str | None) -> DroppedPage:
    return DroppedPage(url=result.url, source=source, stage=stage, reason=reason, detail=detail)


def clean_stage(
    settings: Settings, run_id: str, source: str, fetch_path: str, *, batch: str = BATCH
) -> dict[str, Any]:
    """Clean every fetched page of a batch; write articles and dropped pages (with reasons)."""
    from newsingest.clean.extract import clean_page
    from newsingest.crawl.archive import read_response

    articles: list[CleanedArticle] = []
    dropped: list[DroppedPage] = []
    for row in storage.read_jsonl_gz(fetch_path):
        result = FetchResult.from_json(row)
        if not result.ok:
            dropped.append(
                _dropped(result, source, "fetch", f"fetch:{result.error_class or 'error'}", result.error)
            )
            continue
        if result.not_modified:  # unchanged since the last crawl: nothing to reprocess
            continue
        try:
            response = read_response(result)
        except Exception as exc:  # a corrupt archive record loses this page only
            dropped.append(_dropped(result, source, "clean", "archive_unreadable", str(exc)[:500]))
            continue
        outcome = clean_page(
            response.text,
            result.final_url or result.url,
            published_hint=result.discovered_published,
            title_hint=result.discovered_title,
        )
        outcome.source = source
        if isinstance(outcome, DroppedPage):
            dropped.append(outcome)
            continue
        outcome.fetched_at = result.fetched_at
        outcome.channels = result.channels
        articles.append(outcome)
    path = _out(settings, run_id, "clean", source, batch)
    dropped_path = _out(settings, run_id, "clean", source, f"{batch}.dropped")
    storage.write_jsonl_gz(path, (a.to_json() for a in articles))
    storage.write_jsonl_gz(dropped_path, (d.to_json() for d in dropped))
    reasons = Counter(d.reason for d in dropped)
    log.info("clean %s/%s: %d articles, dropped %s", source, batch, len(articles), dict(reasons))
    return {
        "source": source,
        "batch": batch,
        "path": path,
        "dropped_path": dropped_path,
        "cleaned": len(articles),
        "dropped": dict(reasons),
    }


def enrich_stage(
    settings: Settings,
    run_id: str,
    source: str,
    clean_path: str,
    *,
    cluster_lookup: Callable[[list[str]], list[dict]] | None = None,
    batch: str = BATCH,
) -> dict[str, Any]:
    """Enrich the cleaned articles of one batch."""
    from newsingest.enrich.pipeline import Enricher

    articles = [CleanedArticle.from_json(r) for r in storage.read_jsonl_gz(clean_path)]
    enriched = Enricher().enrich(articles, cluster_lookup=cluster_lookup) if articles else []
    path = _out(settings, run_id, "enrich", source, batch)
    storage.write_jsonl_gz(path, (a.to_json() for a in enriched))
    log.info("enrich %s/%s: %d articles", source, batch, len(enriched))
    return {"source": source, "batch": batch, "path": path, "enriched": len(enriched)}


def load_stage(
    settings: Settings, run_id: str, source: str, enrich_path: str, client, *, batch: str = BATCH
) -> dict[str, Any]:
    """Bulk-load the enriched articles of one batch into the write alias."""
    from newsingest.load.bulk import load_articles
    from newsingest.load.index import ensure_index

    ensure_index(
        client,
        alias=settings.index_alias,
        shards=settings.index_shards,
        replicas=settings.index_replicas,
        refresh_interval=settings.index_refresh_interval,
    )
    articles = (EnrichedArticle.from_json(r) for r in storage.read_jsonl_gz(enrich_path))
    dead_letter = storage.join(
        settings.storage_root,
        "runs",
        storage.safe_part(run_id),
        "dead-letter",
        storage.safe_part(source),
        f"{storage.safe_part(batch)}.jsonl.gz",
    )
    report = load_articles(client, settings.index_alias, articles, dead_letter_path=dead_letter)
    summary = {"source": source, "batch": batch, **report.to_dict()}
    log.info("load %s/%s: %s", source, batch, report.summary())
    return summary
