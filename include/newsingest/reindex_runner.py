"""Rebuild the article index into a new physical version: from the live index, or from the WARC archive.

Two ways to build ``<alias>-v<N+1>``:

* **index** -- copy the live index with the current template:
  :func:`newsingest.load.reindex.reindex_to_new_version` (see there).
* **archive** -- re-run clean and enrich on the raw WARC archive of stored runs (the fetch stage files
  under ``<storage_root>/runs/<run_id>/fetch/<source>/<batch>.jsonl.gz`` point into it) and load the
  result into a new version that is **not behind the read or write alias yet**; it is reached through a
  build alias (``<alias>-build``). :func:`finish_build` then carries over what the live index got
  meanwhile (or everything it has that the build lacks, with ``keep_unlisted``), and swaps the read and
  write aliases to the new version in one atomic ``_aliases`` call, keeping the old index unless asked.

Nothing here imports Airflow; the ``news_reindex`` DAG calls these functions task by task.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import fsspec
from opensearchpy import OpenSearch

from newsingest import layout, storage
from newsingest.config import Settings
from newsingest.consolidate import consolidate
from newsingest.load.index import IndexLayoutError, alias_indices, write_index
from newsingest.load.reindex import (
    ReindexRunError,
    build_alias_for,
    carry_over,
    drop_indices,
    index_state,
    reindex_to_new_version,
    swap_aliases,
)

log = logging.getLogger(__name__)

REPROCESS_RUN_PREFIX = "reindex-"  # stage files of an archive build go under runs/reindex-<index>/
DEFAULT_CATCH_UP_MARGIN = timedelta(hours=6)  # how far back before the build started to look for writes

# --------------------------------------------------------------------------- runs in the storage root


@dataclass(frozen=True)
class FetchBatch:
    """One fetch stage file of a stored run (the unit an archive build re-processes)."""

    run: str  # the run's folder name under <storage_root>/runs/ (the run id made path-safe)
    source: str
    batch: str
    path: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FetchBatch:
        missing = [k for k in ("run", "source", "batch", "path") if not data.get(k)]
        if missing:
            raise ValueError(f"fetch batch {data!r}: missing {', '.join(missing)}")
        return cls(run=data["run"], source=data["source"], batch=data["batch"], path=data["path"])


def fetch_batches(storage_root: str, run: str) -> list[FetchBatch]:
    """The fetch stage files of one stored run, sorted by source and batch."""
    prefix = layout.stage_dir(storage_root, run, "fetch")
    batches = []
    for path in storage.list_files(prefix, "*/*.jsonl.gz"):
        source = path.rstrip("/").rsplit("/", 2)[-2]
        name = path.rsplit("/", 1)[-1].removesuffix(".jsonl.gz")
        batches.append(FetchBatch(run=storage.safe_part(run), source=source, batch=name, path=path))
    return sorted(batches, key=lambda b: (b.source, b.batch))


def list_runs(storage_root: str) -> list[str]:
    """Folder names of the stored runs that have fetch stage files (the runs an archive build can use)."""
    fs, root = fsspec.core.url_to_fs(layout.runs_dir(storage_root))
    if not fs.exists(root):
        return []
    names = sorted(p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(root, detail=False))
    return [n for n in names if not n.startswith(REPROCESS_RUN_PREFIX) and fetch_batches(storage_root, n)]


def run_day(storage_root: str, run: str) -> date | None:
    """The day a stored run ingested (``interval_start`` of its ``quality.json``); None when unknown."""
    path = layout.quality_path(storage_root, run)
    if not storage.exists(path):
        return None
    try:
        with fsspec.open(path, "rb") as fh:
            start = json.loads(fh.read())["interval_start"]
        return datetime.fromisoformat(start).astimezone(UTC).date()
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("%s: cannot read interval_start (%s); run %s has no known day", path, exc, run)
        return None


def _as_date(value: date | str | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValueError(f"{name}={value!r}: expected a date YYYY-MM-DD") from exc


def select_runs(
    storage_root: str,
    runs: Iterable[str] | None = None,
    *,
    since: date | str | None = None,
    until: date | str | None = None,
) -> list[str]:
    """The stored runs to re-process: ``runs`` (ids or folder names; empty = all), within [since, until].

    Days are the UTC days the runs ingested (inclusive on both ends). Raises ValueError naming runs that
    are not stored, and when nothing is left to re-process.
    """
    start, end = _as_date(since, "since"), _as_date(until, "until")
    if start and end and start > end:
        raise ValueError(f"since={start} is after until={end}")
    available = list_runs(storage_root)
    wanted = [storage.safe_part(r) for r in (runs or []) if r and r.strip()]
    if wanted:
        unknown = [r for r in dict.fromkeys(wanted) if r not in available]
        if unknown:
            raise ValueError(
                f"runs {unknown} have no fetch files under {layout.runs_dir(storage_root)}; "
                f"stored runs: {available[-10:] or 'none'}"
            )
        chosen = list(dict.fromkeys(wanted))
    else:
        chosen = available
    if start or end:
        kept = []
        for run in chosen:
            day = run_day(storage_root, run)
            if day is None:
                log.warning("run %s: unknown day (no quality.json); left out of the date range", run)
                continue
            if (start is None or day >= start) and (end is None or day <= end):
                kept.append(run)
        chosen = kept
    if not chosen:
        raise ValueError(
            f"no stored run to re-process under {layout.runs_dir(storage_root)} "
            f"(runs={list(runs or [])}, since={start}, until={end})"
        )
    return chosen


def plan_archive(
    storage_root: str,
    runs: Iterable[str] | None = None,
    *,
    since: date | str | None = None,
    until: date | str | None = None,
) -> list[FetchBatch]:
    """Every fetch stage file of the selected runs (see :func:`select_runs`)."""
    batches = [
        b
        for run in select_runs(storage_root, runs, since=since, until=until)
        for b in fetch_batches(storage_root, run)
    ]
    log.info("archive plan: %d fetch batches from %d runs", len(batches), len({b.run for b in batches}))
    return batches


def reindex_from_index(client: OpenSearch, alias: str, *, drop_old: bool = False) -> dict[str, Any]:
    """Index mode: copy the live index into the next version with the current template and swap to it."""
    before = index_state(client, alias)
    if before["build"]:
        raise ReindexRunError(
            f"build alias {build_alias_for(alias)!r} points at {before['build']}: "
            "an archive build is under way"
        )
    new = reindex_to_new_version(client, alias, drop_old=drop_old)
    return {
        "index": new,
        "previous": before["write_index"],
        "read_indices_before": before["read_indices"],
        "documents_before": before["documents"],
        "documents": client.count(index=new)["count"],
        "dropped": sorted(set(before["read_indices"]) | {before["write_index"]}) if drop_old else [],
    }


# --------------------------------------------------------------------------- archive builds


def reprocess_batch(
    settings: Settings, client: OpenSearch, build: dict[str, Any], batch: FetchBatch
) -> dict[str, Any]:
    """Clean and enrich one stored fetch batch from the WARC archive and load it into the build.

    Stage files go under ``<storage_root>/runs/reindex-<index>/`` (the stored run's own files are left
    as they are); story clusters are looked up in the build itself, so the new version is consistent.
    """
    from newsingest.load.bulk import load_articles
    from newsingest.load.search import cluster_candidates
    from newsingest.models import EnrichedArticle
    from newsingest.pipeline import clean_stage, enrich_stage

    index, build_alias = build["index"], build["build_alias"]
    if write_index(client, build_alias) != index:
        raise ReindexRunError(
            f"build alias {build_alias!r} does not point at {index}; was the build discarded?"
        )
    run_id = f"{REPROCESS_RUN_PREFIX}{index}"
    name = f"{batch.run}--{batch.batch}"
    cleaned = clean_stage(settings, run_id, batch.source, batch.path, batch=name)

    def lookup(bands: list[str]) -> list[dict]:
        return cluster_candidates(client, build_alias, bands)

    enriched = enrich_stage(
        settings, run_id, batch.source, cleaned["path"], cluster_lookup=lookup, batch=name
    )
    dead_letter = layout.dead_letter_path(settings.storage_root, run_id, batch.source, name)
    articles = (EnrichedArticle.from_json(r) for r in storage.read_jsonl_gz(enriched["path"]))
    report = load_articles(
        client, build["alias"], articles, dead_letter_path=dead_letter, write_alias=build_alias, refresh=True
    )
    summary = {
        **batch.to_json(),
        "index": index,
        "cleaned": cleaned["cleaned"],
        "dropped": cleaned["dropped"],
        "enriched": enriched["enriched"],
        **{
            k: v
            for k, v in report.to_dict().items()
            if k in ("indexed", "created", "updated", "failed", "skipped")
        },
    }
    log.info("reprocessed %s/%s/%s into %s: %s", batch.run, batch.source, batch.batch, index, summary)
    return summary


def finish_build(
    client: OpenSearch,
    build: dict[str, Any],
    *,
    drop_old: bool = False,
    keep_unlisted: bool = False,
    catch_up_margin: timedelta = DEFAULT_CATCH_UP_MARGIN,
) -> dict[str, Any]:
    """Carry over writes the live index got during the build, then swap both aliases to the build at once.

    ``keep_unlisted`` first carries every live document the build lacks (re-processing some runs must
    not lose the others). The catch-up takes live documents crawled since ``started - catch_up_margin``
    that are missing or fresher; it runs before the swap and again after it (for writes that arrived in
    between). The old index is kept unless ``drop_old``. Returns counts and index names.
    """
    alias, write_alias, build_alias = build["alias"], build["write_alias"], build["build_alias"]
    new = build["index"]
    if write_index(client, build_alias) != new:
        raise ReindexRunError(
            f"build alias {build_alias!r} does not point at {new}; was the build discarded?"
        )
    readers = alias_indices(client, alias)
    old = write_index(client, write_alias)
    if old is None or not readers:
        raise IndexLayoutError(f"alias {alias!r}/{write_alias!r} vanished during the build of {new}")
    since = datetime.fromisoformat(build["started"]) - catch_up_margin
    result: dict[str, Any] = {"index": new, "previous": old, "read_indices_before": readers}
    if keep_unlisted:
        result["kept"] = carry_over(client, old, new)
    result["caught_up"] = carry_over(client, old, new, since=since)
    # Entity registry and story clusters over the whole build, so a reindex ends as the nightly runs do.
    result["consolidated"] = consolidate(client, new, None, registry_alias=alias)
    swap_aliases(
        client,
        new,
        alias=alias,
        readers=readers,
        write_alias=write_alias,
        writer=old,
        build_alias=build_alias,
    )  # read, write and build alias at once
    log.info("aliases %s, %s -> %s (were %s, %s)", alias, write_alias, new, readers, old)
    result["caught_up_after_swap"] = carry_over(client, old, new, since=since)
    result["documents"] = client.count(index=new)["count"]
    result["dropped"] = drop_indices(client, set(readers) | {old}) if drop_old else []
    return result
