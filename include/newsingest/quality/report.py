"""The quality gate's record of a run (``quality.json``) and publishing the run report.

``assess_run`` computes the figures of one run (see :mod:`newsingest.quality.figures`), checks them
against the thresholds and writes ``<storage_root>/runs/<run_id>/quality.json``; ``publish_report``
renders that record as ``report.md`` (:mod:`.render_md`) and ``report.html`` (:mod:`.render_html`) next
to it and indexes one document per source into the runs index (:mod:`.runs_index`).
Both are idempotent: a rerun overwrites the same files and document ids.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import fsspec

from newsingest import layout, storage
from newsingest.config import Settings
from newsingest.quality.figures import run_figures, totals
from newsingest.quality.render_html import render_html
from newsingest.quality.render_md import render_markdown, run_outcome
from newsingest.quality.runs_index import index_run, runs_index_name
from newsingest.quality.thresholds import Thresholds, evaluate

log = logging.getLogger(__name__)

__all__ = ["assess_run", "publish_report", "quality_path", "read_quality"]


def quality_path(settings: Settings, run_id: str) -> str:
    return layout.quality_path(settings.storage_root, run_id)


def assess_run(
    settings: Settings,
    run_id: str,
    start: datetime,
    end: datetime,
    *,
    discovered: list[dict],
    fetched: list[dict],
    cleaned: list[dict],
    enriched: list[dict],
    loaded: list[dict],
    thresholds: Thresholds | None = None,
    problems: list[str] | tuple[str, ...] = (),
    extra_figures: Mapping[str, Mapping[str, Any]] | None = None,
    attempt: str | None = None,
    notes: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """Compute the run's figures, check them and write ``quality.json``; returns a small summary.

    ``problems`` (stages that did not finish, an index that could not be read) fail the run beside the
    broken thresholds; ``extra_figures`` (reconciliation, discovery history) join each source's figures
    before the thresholds are checked; ``attempt`` identifies this decision, so the report renders this
    run's verdict and never a stale one. Never raises for a broken threshold: the caller decides (the
    DAG's gate task raises :class:`~.thresholds.QualityGateError` with ``summary["message"]``).
    """
    thresholds = thresholds or Thresholds.from_settings(settings.gate)
    figures = run_figures(
        start, end, discovered=discovered, fetched=fetched, cleaned=cleaned, enriched=enriched, loaded=loaded
    )
    for source, extra in (extra_figures or {}).items():
        figures.setdefault(source, {"source": source}).update(extra)
    figures = dict(sorted(figures.items()))
    findings = evaluate(figures, thresholds)
    failures = [f.message for f in findings if f.level == "fail"]
    all_problems = [*problems, *failures]
    message = ("quality gate failed: " + "; ".join(all_problems)) if all_problems else None
    status = "failed" if message else ("warned" if findings else "passed")
    record = {
        "run_id": run_id,
        "attempt": attempt,
        "interval_start": start.isoformat(),
        "interval_end": end.isoformat(),
        "assessed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": status,
        "message": message,
        "problems": list(problems),
        "notes": list(notes),
        "thresholds": thresholds.origin,
        "findings": [f.to_json() for f in findings],
        "figures": figures,
        "totals": totals(figures),
    }
    path = quality_path(settings, run_id)
    storage.write_bytes_atomic(path, json.dumps(record, indent=2, sort_keys=True).encode())
    for finding in findings:
        (log.error if finding.level == "fail" else log.warning)("%s", finding.message)
    for problem in problems:
        log.error("%s", problem)
    return {
        "quality": path,
        "attempt": attempt,
        "status": status,
        "message": message,
        "failures": len(all_problems),
        "warnings": sum(1 for f in findings if f.level == "warn"),
        "totals": record["totals"],
    }


def read_quality(settings: Settings, run_id: str) -> dict[str, Any]:
    path = quality_path(settings, run_id)
    if not storage.exists(path):
        raise FileNotFoundError(
            f"{path}: no quality record for run {run_id!r}; the quality_gate task "
            "did not get far enough to write it (see its log)"
        )
    with fsspec.open(path, "rb") as fh:
        return json.loads(fh.read())


_READ_AS_IS = object()


def undecided_record(run_id: str, start: datetime | None, end: datetime | None, why: str) -> dict[str, Any]:
    """The record of a run whose gate did not decide (it did not run, or failed before deciding)."""
    return {
        "run_id": run_id,
        "attempt": None,
        "interval_start": start.isoformat() if start else "?",
        "interval_end": end.isoformat() if end else "?",
        "assessed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": "undecided",
        "message": f"the quality gate did not decide this run: {why}",
        "problems": [],
        "notes": [],
        "thresholds": "-",
        "findings": [],
        "figures": {},
        "totals": {},
    }


def publish_report(
    settings: Settings,
    run_id: str,
    *,
    client=None,
    index: str | None = None,
    verdict: Any = _READ_AS_IS,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    """Write ``report.md`` and ``report.html`` for the run and index its figures (when given a client).

    ``verdict`` is what this run's gate returned (the DAG passes it; ``None`` when the gate did not
    decide): the report then renders exactly that decision, never a ``quality.json`` left by an earlier
    attempt of the same run. Indexing the figures is best effort: when the runs index is down, the
    report says so and is written all the same; this function does not fail the run.
    """
    record: dict[str, Any]
    if verdict is _READ_AS_IS:
        record = read_quality(settings, run_id)
    elif verdict is None:
        record = undecided_record(run_id, start, end, "its task did not finish (see the quality_gate log)")
    else:
        try:
            record = read_quality(settings, run_id)
        except FileNotFoundError:
            record = undecided_record(run_id, start, end, "its record is missing")
        if record.get("attempt") != verdict.get("attempt"):
            record = undecided_record(run_id, start, end, "its record belongs to another attempt")
    indexed = 0
    if client is not None and record.get("figures"):
        target = index or runs_index_name(settings)
        try:
            indexed = index_run(client, record, target)
        except Exception as exc:  # the report must still be written, and say what happened
            log.error("indexing the run's figures into %s failed: %s", target, exc)
            record.setdefault("notes", []).append(
                f"indexing the figures into {target} failed ({type(exc).__name__}: {str(exc)[:200]}); "
                "the Ingestion health dashboard lacks this run"
            )
    md_path, html_path = layout.report_paths(settings.storage_root, run_id)
    storage.write_bytes_atomic(md_path, render_markdown(record).encode())
    storage.write_bytes_atomic(html_path, render_html(record).encode())
    link = html_path if "://" in html_path else f"file://{html_path}"
    log.info(
        "run report (run %s, gate %s): %s  (Markdown: %s)",
        run_outcome(record),
        record["status"],
        link,
        md_path,
    )
    return {
        "report": md_path,
        "html": html_path,
        "status": record["status"],
        "outcome": run_outcome(record),
        "runs_indexed": indexed,
        "message": record.get("message"),
    }
