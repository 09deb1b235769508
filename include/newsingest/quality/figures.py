"""Run figures per source, the numbers the quality gate checks (:mod:`newsingest.quality.thresholds`).

The figures come from the stage summaries (what the tasks passed through XCom: paths and counts) and
from the stage output files those summaries point to (fill rates, duplicates, dates).
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from newsingest import storage
from newsingest.errors import NOT_ATTEMPTED_CLASSES, DropReason, ErrorClass, drop_reason_of
from newsingest.models import (
    CleanSummary,
    DiscoverSummary,
    EnrichSummary,
    FetchSummary,
    LoadSummary,
    StageSummary,
)

MIN_BODY_CHARS = 200  # a body shorter than this does not count as filled
# A source's fetching is described as failing when this share of its requests failed (and at least
# MIN_FETCH_FAILURES); the gate's thresholds decide what that does to the run.
FAILING_RATIO = 0.5
MIN_FETCH_FAILURES = 3
COUNTS = (
    "discovered",
    "attempted",
    "fetched",
    "not_modified",
    "fetch_errors_total",
    "blocked_by_robots",
    "given_up",
    "fetch_failures",
    "throttled",
    "retried",
    "cleaned",
    "dropped_total",
    "dropped_page_type",
    "dropped_too_short",
    "dropped_other",
    "enriched",
    "indexed",
    "failed",
    "unchanged",
    "duplicates",
    "discovery_documents",
    "discovery_failed",
    "expected_in_index",
    "in_index",
    "reloaded",
    "missing_in_index",
    "truncated",
    "reused",
)
RATIOS = (
    "discovery_failure_ratio",
    "discovered_vs_usual",
    "title_fill",
    "date_fill",
    "authors_fill",
    "body_fill",
    "language_fill",
    "dates_in_interval",
    "duplicate_ratio",
    "fetch_error_ratio",
    "fetch_failure_ratio",
    "load_failure_ratio",
    "clean_yield",
)
# Figures the gate can check, with the count that must be > 0 for the figure to mean anything.
FIGURES: dict[str, str | None] = {
    "fetch_error_ratio": "attempted",
    "fetch_failure_ratio": "fetch_requests",
    "load_failure_ratio": "load_attempted",
    "clean_yield": "fetched",
    "title_fill": "articles",
    "date_fill": "articles",
    "authors_fill": "articles",
    "body_fill": "articles",
    "language_fill": "articles",
    "dates_in_interval": "dated_articles",
    "duplicate_ratio": "articles",
    "discovery_failure_ratio": "discovery_documents",
    "discovered_vs_usual": "discovered_usual",
    **{name: None for name in COUNTS},
}


# --------------------------------------------------------------------------- figures


_DROP_GROUPS = {
    DropReason.PAGE_TYPE: "page_type",
    DropReason.TOO_SHORT: "too_short",
    DropReason.EMPTY: "too_short",
    DropReason.FETCH: "fetch",
}


def _drop_group(reason: str) -> str:
    """Group a drop reason (:class:`~newsingest.errors.DropReason`): page_type, too_short, fetch or other
    (unreadable pages: binary, too deep, archive unreadable, extract errors; and reasons this code never
    wrote)."""
    known = drop_reason_of(reason)
    return _DROP_GROUPS.get(known, "other") if known else "other"


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _aware(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def article_figures(rows: Iterable[Mapping[str, Any]], start: datetime, end: datetime) -> dict[str, Any]:
    """Fill rates, duplicate ratio and in-interval date share over cleaned or enriched article rows."""
    n = with_title = with_date = with_authors = with_body = with_language = in_interval = 0
    body_lengths: list[int] = []
    hashes: Counter[str] = Counter()
    for row in rows:
        n += 1
        body = row.get("body") or ""
        with_title += bool((row.get("title") or "").strip())
        with_authors += bool(row.get("authors"))
        with_body += len(body) >= MIN_BODY_CHARS
        with_language += bool(row.get("detected_language") or row.get("language"))
        body_lengths.append(len(body))
        published = _aware(row.get("published"))
        if published is not None:
            with_date += 1
            in_interval += start <= published < end
        digest = row.get("content_hash") or hashlib.sha1(" ".join(body.split()).lower().encode()).hexdigest()
        hashes[digest] += 1
    duplicates = sum(count - 1 for count in hashes.values())
    return {
        "articles": n,
        "dated_articles": with_date,
        "title_fill": _ratio(with_title, n),
        "date_fill": _ratio(with_date, n),
        "authors_fill": _ratio(with_authors, n),
        "body_fill": _ratio(with_body, n),
        "language_fill": _ratio(with_language, n),
        "body_chars_median": int(statistics.median(body_lengths)) if body_lengths else None,
        "duplicate_ratio": _ratio(duplicates, n),
        "dates_in_interval": _ratio(in_interval, with_date),
    }


def _read_rows(paths: Iterable[str] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths or []:
        if path and storage.exists(path):
            rows.extend(storage.read_jsonl_gz(path))
    return rows


def fetch_figures(fetched: Mapping[str, Any]) -> dict[str, Any]:
    """The fetch figures of one source from its (merged) fetch summary.

    ``fetch_error_ratio`` counts every URL that did not come (robots.txt refusals and 404s included);
    ``fetch_failure_ratio`` only the requests the site failed (network faults, 5xx, throttling,
    oversized or unreadable bodies) among the requests made, so a source that is down stands out from one
    with a few gone pages; ``given_up`` counts URLs not requested because their host failed repeatedly in
    the run; ``fetch_problem`` says in words what is wrong (None when nothing is).
    """
    errors = Counter({k: int(v) for k, v in (fetched.get("errors") or {}).items()})
    attempted = int(fetched.get("attempted", 0) or 0)
    not_requested = sum(n for k, n in errors.items() if k in NOT_ATTEMPTED_CLASSES)
    requests = attempted - not_requested
    failures = sum(_site_failures(errors).values())
    figures = {
        "attempted": attempted,
        "fetched": int(fetched.get("fetched", 0) or 0),
        "not_modified": int(fetched.get("not_modified", 0) or 0),
        "fetch_errors": dict(errors),
        "fetch_errors_total": sum(errors.values()),
        "blocked_by_robots": errors.get(ErrorClass.ROBOTS, 0),
        "robots_unavailable": errors.get(ErrorClass.ROBOTS_UNAVAILABLE, 0),
        "given_up": errors.get(ErrorClass.HOST_FAILING, 0),
        "throttled": int(fetched.get("throttled", 0) or 0),
        "retried": int(fetched.get("retried", 0) or 0),
        "fetch_requests": requests,
        "fetch_failures": failures,
        "fetch_error_ratio": _ratio(sum(errors.values()), attempted),
        "fetch_failure_ratio": _ratio(failures, requests),
    }
    figures["fetch_problem"] = _fetch_problem(figures, errors)
    return figures


def _site_failures(errors: Counter[str]) -> Counter[str]:
    """Failed requests by class: the URLs requested and not refused as gone (4xx)."""
    return Counter(
        {k: n for k, n in errors.items() if k not in NOT_ATTEMPTED_CLASSES and k != ErrorClass.HTTP_4XX}
    )


def _fetch_problem(fig: Mapping[str, Any], errors: Counter[str]) -> str | None:
    """Why the source's fetching failed, in words (what ``crawl/health.py`` used to say), or None."""
    if fig["given_up"]:
        return f"host given up after repeated failures ({fig['given_up']} URLs not tried)"
    if fig["robots_unavailable"] and not fig["fetch_requests"]:
        return "robots.txt unavailable; host deferred"
    failures, requests = fig["fetch_failures"], fig["fetch_requests"]
    if failures >= MIN_FETCH_FAILURES and failures >= FAILING_RATIO * max(1, requests):
        top = _site_failures(errors).most_common(1)[0][0]
        return f"{failures} of {requests} fetches failed (mostly {top})"
    return None


def source_figures(
    source: str,
    start: datetime,
    end: datetime,
    *,
    discovered: Mapping[str, Any],
    fetched: Mapping[str, Any],
    cleaned: Mapping[str, Any],
    enriched: Mapping[str, Any],
    loaded: Mapping[str, Any],
) -> dict[str, Any]:
    """All figures of one source from its stage summaries and output files."""
    dropped = Counter({k: int(v) for k, v in (cleaned.get("dropped") or {}).items()})
    groups: Counter[str] = Counter()
    for reason, count in dropped.items():
        groups[_drop_group(reason)] += count
    rows = _read_rows(enriched.get("paths")) or _read_rows(cleaned.get("paths"))
    indexed = int(loaded.get("indexed", loaded.get("created", 0) + loaded.get("updated", 0)) or 0)
    documents = int(discovered.get("discovery_documents", 0) or 0)
    documents_failed = int(discovered.get("discovery_failed", 0) or 0)
    failed = int(loaded.get("failed", 0) or 0)
    fetch = fetch_figures(fetched)
    figures: dict[str, Any] = {
        "source": source,
        "discovered": int(discovered.get("discovered", 0) or 0),
        **fetch,
        "discovery_documents": documents,
        "discovery_failed": documents_failed,
        "discovery_errors": dict(discovered.get("discovery_errors") or {}),
        "discovery_failure_ratio": _ratio(documents_failed, documents),
        "truncated": int(cleaned.get("truncated", 0) or 0),
        "cleaned": int(cleaned.get("cleaned", 0) or 0),
        "dropped": dict(dropped),
        "dropped_total": sum(groups[g] for g in groups if g != "fetch"),
        "dropped_page_type": groups["page_type"],
        "dropped_too_short": groups["too_short"],
        "dropped_other": groups["other"],
        "enriched": int(enriched.get("enriched", 0) or 0),
        "reused": int(enriched.get("reused", 0) or 0),
        "indexed": indexed,
        "failed": failed,
        "unchanged": int(loaded.get("unchanged", 0) or 0),
        "duplicates": int(loaded.get("duplicates", 0) or 0),
        "dry_run": bool(loaded.get("dry_run", False)),
        "load_attempted": indexed + failed,
        "load_failure_ratio": _ratio(failed, indexed + failed),
        # 304s count: they are re-processed from the archive like fresh pages
        "clean_yield": _ratio(int(cleaned.get("cleaned", 0) or 0), fetch["fetched"] + fetch["not_modified"]),
    }
    figures.update(article_figures(rows, start, end))
    figures["drop_samples"] = drop_samples(cleaned.get("dropped_paths"))
    return figures


def drop_samples(paths: Iterable[str] | None, per_reason: int = 3, limit: int = 20) -> list[dict[str, Any]]:
    """A few dropped pages per reason, with the cleaner's evidence, for the run report."""
    samples: list[dict[str, Any]] = []
    seen: Counter[str] = Counter()
    for row in _read_rows(paths):
        reason = str(row.get("reason"))
        if seen[reason] >= per_reason or len(samples) >= limit:
            continue
        seen[reason] += 1
        samples.append(
            {
                k: row.get(k)
                for k in ("url", "reason", "detail", "evidence")
                if row.get(k) not in (None, {}, "")
            }
        )
    return samples


def run_figures(
    start: datetime, end: datetime, *, discovered, fetched, cleaned, enriched, loaded
) -> dict[str, dict]:
    """Figures per source (sorted by name) from the lists of stage summaries of one run (the batches of a
    source merged field by field, :meth:`~newsingest.models.StageSummary.merge`)."""
    kinds: list[type[StageSummary]] = [
        DiscoverSummary,
        FetchSummary,
        CleanSummary,
        EnrichSummary,
        LoadSummary,
    ]
    rows_by_stage = (discovered, fetched, cleaned, enriched, loaded)
    stages = [kind.merge(rows or []) for kind, rows in zip(kinds, rows_by_stage, strict=True)]
    names = sorted(set().union(*stages))
    return {
        name: source_figures(
            name,
            start,
            end,
            discovered=stages[0].get(name, {}),
            fetched=stages[1].get(name, {}),
            cleaned=stages[2].get(name, {}),
            enriched=stages[3].get(name, {}),
            loaded=stages[4].get(name, {}),
        )
        for name in names
    }


def totals(figures: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """The counts summed over sources."""
    summed: Counter[str] = Counter()
    for fig in figures.values():
        summed.update({name: int(fig.get(name) or 0) for name in COUNTS})
    return dict(summed)
