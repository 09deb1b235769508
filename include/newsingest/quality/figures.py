"""Run figures per source, the numbers the quality gate checks (:mod:`newsingest.quality.thresholds`).

The figures come from the stage summaries (what the tasks passed through XCom: paths and counts) and
from the stage output files those summaries point to (fill rates, duplicates, dates).
"""

from __future__ import annotations

import hashlib
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from newsingest import storage
from newsingest.config import DATA_DIR

DEFAULT_THRESHOLDS_FILE = DATA_DIR / "quality_thresholds.yaml"
MIN_BODY_CHARS = 200  # a body shorter than this does not count as filled
COUNTS = (
    "discovered",
    "attempted",
    "fetched",
    "not_modified",
    "fetch_errors_total",
    "blocked_by_robots",
    "cleaned",
    "dropped_total",
    "dropped_page_type",
    "dropped_too_short",
    "dropped_language",
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
    "load_failure_ratio",
    "clean_yield",
)
# Figures the gate can check, with the count that must be > 0 for the figure to mean anything.
FIGURES: dict[str, str | None] = {
    "fetch_error_ratio": "attempted",
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


def _drop_group(reason: str) -> str:
    """Group a clean-stage drop reason: page_type, too_short, language, fetch or other."""
    head = re.split(r"[:/]", reason, maxsplit=1)[0].lower()
    if head in ("page_type", "pagetype") or reason in ("consent", "gallery", "liveblog", "index", "paywall"):
        return "page_type"
    if "short" in head or "empty" in head:
        return "too_short"
    if "lang" in head:
        return "language"
    if head == "fetch":
        return "fetch"
    return "other"


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


def _merge(into: dict[str, Any], row: Mapping[str, Any]) -> None:
    """Add one stage summary to a source's merged summary (batches of one source add up)."""
    for key, value in row.items():
        if key in ("path", "dropped_path"):
            into.setdefault(f"{key}s", []).append(value)
        elif isinstance(value, bool) or key == "source":
            into[key] = value
        elif isinstance(value, int | float):
            into[key] = into.get(key, 0) + value
        elif isinstance(value, dict):
            merged = into.setdefault(key, {})
            for k, v in value.items():
                merged[k] = merged.get(k, 0) + v if isinstance(v, int | float) else v


def _by_source(rows: Iterable[Mapping[str, Any] | None]) -> dict[str, dict[str, Any]]:
    """Stage summaries merged per source (one per source, or one per batch of a source)."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row and row.get("source"):
            _merge(merged.setdefault(row["source"], {}), row)
    return merged


def _read_rows(paths: Iterable[str] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths or []:
        if path and storage.exists(path):
            rows.extend(storage.read_jsonl_gz(path))
    return rows


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
    errors = Counter({k: int(v) for k, v in (fetched.get("errors") or {}).items()})
    dropped = Counter({k: int(v) for k, v in (cleaned.get("dropped") or {}).items()})
    groups: Counter[str] = Counter()
    for reason, count in dropped.items():
        groups[_drop_group(reason)] += count
    rows = _read_rows(enriched.get("paths")) or _read_rows(cleaned.get("paths"))
    indexed = int(loaded.get("indexed", loaded.get("created", 0) + loaded.get("updated", 0)) or 0)
    documents = int(discovered.get("discovery_documents", 0) or 0)
    documents_failed = int(discovered.get("discovery_failed", 0) or 0)
    not_modified = int(fetched.get("not_modified", 0) or 0)
    failed = int(loaded.get("failed", 0) or 0)
    attempted = int(fetched.get("attempted", 0) or 0)
    fetched_n = int(fetched.get("fetched", 0) or 0)
    figures: dict[str, Any] = {
        "source": source,
        "discovered": int(discovered.get("discovered", 0) or 0),
        "attempted": attempted,
        "fetched": fetched_n,
        "not_modified": not_modified,
        "discovery_documents": documents,
        "discovery_failed": documents_failed,
        "discovery_errors": dict(discovered.get("discovery_errors") or {}),
        "discovery_failure_ratio": _ratio(documents_failed, documents),
        "truncated": int(cleaned.get("truncated", 0) or 0),
        "fetch_errors": dict(errors),
        "fetch_errors_total": sum(errors.values()),
        "blocked_by_robots": errors.get("robots", 0),
        "cleaned": int(cleaned.get("cleaned", 0) or 0),
        "dropped": dict(dropped),
        "dropped_total": sum(groups[g] for g in groups if g != "fetch"),
        "dropped_page_type": groups["page_type"],
        "dropped_too_short": groups["too_short"],
        "dropped_language": groups["language"],
        "dropped_other": groups["other"],
        "enriched": int(enriched.get("enriched", 0) or 0),
        "reused": int(enriched.get("reused", 0) or 0),
        "indexed": indexed,
        "failed": failed,
        "unchanged": int(loaded.get("unchanged", 0) or 0),
        "duplicates": int(loaded.get("duplicates", 0) or 0),
        "dry_run": bool(loaded.get("dry_run", False)),
        "load_attempted": indexed + failed,
        "fetch_error_ratio": _ratio(sum(errors.values()), attempted),
        "load_failure_ratio": _ratio(failed, indexed + failed),
        # 304s count: they are re-processed from the archive like fresh pages
        "clean_yield": _ratio(int(cleaned.get("cleaned", 0) or 0), fetched_n + not_modified),
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
    """Figures per source (sorted by name) from the lists of stage summaries of one run."""
    stages = [_by_source(rows or []) for rows in (discovered, fetched, cleaned, enriched, loaded)]
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


