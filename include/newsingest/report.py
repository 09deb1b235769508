"""The quality gate's record of a run and the run report (Markdown + HTML) and ``newsingest-runs`` index.

``assess_run`` computes the figures of one run (see :mod:`newsingest.quality`), checks them against the
thresholds and writes ``<storage_root>/runs/<run_id>/quality.json``; ``publish_report`` renders that
record as ``report.md`` and ``report.html`` next to it and indexes one document per source
into the runs index. Both are idempotent: a rerun overwrites the same files and
document ids.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import fsspec

from newsingest import layout, storage
from newsingest.config import DATA_DIR, Settings
from newsingest.quality import (
    COUNTS,
    QualityGateError,
    Thresholds,
    evaluate,
    run_figures,
    totals,
)

log = logging.getLogger(__name__)

__all__ = ["QualityGateError", "assess_run", "publish_report", "quality_path", "runs_index_name"]

RUNS_INDEX_TEMPLATE = DATA_DIR / "runs_index_template.json"
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
FUNNEL = ("discovered", "fetched", "cleaned", "enriched", "indexed")


def runs_index_name() -> str:
    """The index holding run figures: NEWSINGEST_RUNS_INDEX (default ``newsingest-runs``)."""
    return os.environ.get("NEWSINGEST_RUNS_INDEX") or "newsingest-runs"


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
    DAG's gate task raises :class:`QualityGateError` with ``summary["message"]``).
    """
    thresholds = thresholds or Thresholds.load()
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


# --------------------------------------------------------------------------- rendering


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0%}" if value <= 1 else f"{value:.1f}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items())) or "–"
    return str(value)


def render_markdown(record: Mapping[str, Any]) -> str:
    """The run report as Markdown: status, findings, then counts and ratios per source."""
    figures: Mapping[str, Mapping[str, Any]] = record["figures"]
    count_cols = [
        "discovered",
        "fetched",
        "not_modified",
        "fetch_errors_total",
        "blocked_by_robots",
        "cleaned",
        "dropped_page_type",
        "dropped_too_short",
        "dropped_language",
        "dropped_other",
        "enriched",
        "reused",
        "indexed",
        "failed",
        "in_index",
        "missing_in_index",
        "truncated",
        "discovery_failed",
    ]
    lines = [
        f"# newsingest run `{record['run_id']}`",
        "",
        f"- Interval: {record['interval_start']} to {record['interval_end']}",
        f"- Run outcome: **{run_outcome(record)}**",
        f"- Quality gate: **{record['status']}** (thresholds: `{record['thresholds']}`)",
        "",
    ]
    if record.get("message"):
        lines += [f"> {record['message']}", ""]
    if record.get("problems"):
        lines += ["## Problems", ""]
        lines += [f"- {p}" for p in record["problems"]]
        lines.append("")
    if record.get("notes"):
        lines += ["## Notes", ""]
        lines += [f"- {n}" for n in record["notes"]]
        lines.append("")
    if record.get("findings"):
        lines += ["## Findings", ""]
        lines += [f"- **{f['level']}**: {f['message']}" for f in record["findings"]]
        lines.append("")
    lines += [
        "## Counts",
        "",
        "| source | " + " | ".join(count_cols) + " |",
        "|---" * (len(count_cols) + 1) + "|",
    ]
    for source, fig in figures.items():
        lines.append(f"| {source} | " + " | ".join(_fmt(fig.get(c)) for c in count_cols) + " |")
    tot = record.get("totals", {})
    lines.append("| **all** | " + " | ".join(_fmt(tot.get(c)) for c in count_cols) + " |")
    lines += [
        "",
        "## Ratios",
        "",
        "| source | " + " | ".join(RATIOS) + " | body chars (median) |",
        "|---" * (len(RATIOS) + 2) + "|",
    ]
    for source, fig in figures.items():
        lines.append(
            f"| {source} | "
            + " | ".join(_fmt(fig.get(c)) for c in RATIOS)
            + f" | {_fmt(fig.get('body_chars_median'))} |"
        )
    lines += ["", "## Discovery, fetch errors and drop reasons", ""]
    for source, fig in figures.items():
        lines.append(
            f"- {source}: discovery errors: {_fmt(fig.get('discovery_errors'))}; "
            f"fetch errors: {_fmt(fig.get('fetch_errors'))}; dropped: {_fmt(fig.get('dropped'))}"
        )
    samples = [(source, d) for source, fig in figures.items() for d in fig.get("drop_samples") or []]
    if samples:
        lines += ["", "## Dropped pages (a few per reason, with the cleaner's evidence)", ""]
        for source, d in samples:
            evidence = ", ".join(f"{k}={v}" for k, v in (d.get("evidence") or {}).items()) or "none"
            detail = f" ({d['detail']})" if d.get("detail") else ""
            lines.append(f"- {source}: `{d.get('reason')}` {d.get('url')}{detail}; evidence: {evidence}")
    return "\n".join(lines) + "\n"


def run_outcome(record: Mapping[str, Any]) -> str:
    """What the run's state is, as the gate decided it: ``failed`` or ``succeeded``."""
    return "failed" if record.get("status") in ("failed", "undecided") else "succeeded"


def _funnel_svg(fig: Mapping[str, Any]) -> str:
    """A small horizontal bar chart of the crawl funnel of one source."""
    values = [int(fig.get(name) or 0) for name in FUNNEL]
    top = max(values) or 1
    bar_w, row_h = 240, 18
    rows = []
    for i, (name, value) in enumerate(zip(FUNNEL, values, strict=True)):
        width = round(bar_w * value / top)
        y = i * row_h
        rows.append(
            f'<text x="0" y="{y + 13}" font-size="11">{name}</text>'
            f'<rect x="70" y="{y + 3}" width="{width}" height="12" fill="#3b7dd8"/>'
            f'<text x="{74 + width}" y="{y + 13}" font-size="11">{value}</text>'
        )
    height = row_h * len(FUNNEL)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{bar_w + 110}" height="{height}" '
        f'role="img" aria-label="crawl funnel">{"".join(rows)}</svg>'
    )


def render_html(record: Mapping[str, Any]) -> str:
    """The run report as one self-contained HTML page: a table and a funnel chart per source."""
    esc = html.escape
    figures: Mapping[str, Mapping[str, Any]] = record["figures"]
    status_colour = {
        "passed": "#1a7f37",
        "warned": "#9a6700",
        "failed": "#cf222e",
        "undecided": "#cf222e",
    }.get(record["status"], "#000")
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>newsingest run {esc(record['run_id'])}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
        "th:first-child,td:first-child{text-align:left}.src{display:flex;gap:2em;align-items:flex-start}</style>",
        "</head><body>",
        f"<h1>newsingest run <code>{esc(record['run_id'])}</code></h1>",
        f"<p>Interval {esc(record['interval_start'])} to {esc(record['interval_end'])}. "
        f"Run outcome: <strong style='color:{status_colour}'>{esc(run_outcome(record))}</strong>. "
        "Quality gate: "
        f"<strong style='color:{status_colour}'>{esc(record['status'])}</strong> "
        f"(thresholds <code>{esc(record['thresholds'])}</code>).</p>",
    ]
    if record.get("message"):
        parts.append(f"<p><strong>{esc(record['message'])}</strong></p>")
    if record.get("notes"):
        parts.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in record["notes"]) + "</ul>")
    if record.get("findings"):
        parts.append(
            "<ul>"
            + "".join(
                f"<li><strong>{esc(f['level'])}</strong>: {esc(f['message'])}</li>"
                for f in record["findings"]
            )
            + "</ul>"
        )
    for source, fig in figures.items():
        cells = [
            (name, fig.get(name))
            for name in (
                "discovered",
                "fetched",
                "not_modified",
                "fetch_errors",
                "blocked_by_robots",
                "cleaned",
                "dropped",
                "enriched",
                "indexed",
                "failed",
                "in_index",
                "missing_in_index",
                "truncated",
                "discovery_errors",
                *RATIOS,
                "body_chars_median",
            )
        ]
        table = "".join(f"<tr><th>{esc(n)}</th><td>{esc(_fmt(v))}</td></tr>" for n, v in cells)
        parts.append(f"<h2>{esc(source)}</h2><div class='src'><table>{table}</table>{_funnel_svg(fig)}</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- runs index


def runs_documents(record: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(id, document) pairs for the runs index: one per source (no total row, so sums stay honest)."""
    start = record["interval_start"]
    base = {
        "run_id": record["run_id"],
        "interval_start": start,
        "interval_end": record["interval_end"],
        "day": start[:10],
        "assessed_at": record["assessed_at"],
        "run_status": record["status"],
    }
    docs = []
    for source, fig in record["figures"].items():
        findings = [f for f in record["findings"] if f["source"] == source]
        doc = {
            **base,
            "source": source,
            "status": "failed"
            if any(f["level"] == "fail" for f in findings)
            else ("warned" if findings else "passed"),
            "findings": [f["message"] for f in findings],
            "fetch_errors": fig.get("fetch_errors", {}),
            "discovery_errors": fig.get("discovery_errors", {}),
            "discovered_usual": fig.get("discovered_usual"),
            "dropped": fig.get("dropped", {}),
            "body_chars_median": fig.get("body_chars_median"),
            "articles": fig.get("articles", 0),
            **{name: fig.get(name, 0) for name in COUNTS},
            **{name: fig.get(name) for name in RATIOS},
        }
        docs.append((doc["source"], doc))
    return [
        (hashlib.sha1(f"{record['run_id']}\x00{source}".encode()).hexdigest(), doc) for source, doc in docs
    ]


def ensure_runs_index(client, index: str) -> None:
    """Create the runs index from ``data/runs_index_template.json`` unless it exists; an existing one gets
    the template's fields it lacks (e.g. fetch error classes mapped up front), as adding fields is safe."""
    body = json.loads(RUNS_INDEX_TEMPLATE.read_text(encoding="utf-8"))
    if client.indices.exists(index=index):
        properties = body["template"]["mappings"]["properties"]
        client.indices.put_mapping(index=index, body={"properties": properties})
        return
    try:
        client.indices.create(index=index, body=body["template"])
    except Exception as exc:  # a concurrent run created it first
        if "resource_already_exists" not in str(exc):
            raise


def index_run(client, record: Mapping[str, Any], index: str | None = None) -> int:
    """Upsert the run's documents into the runs index (same ids on a rerun); returns the count."""
    from opensearchpy import helpers

    index = index or runs_index_name()
    ensure_runs_index(client, index)
    actions = [
        {"_op_type": "index", "_index": index, "_id": doc_id, "_source": doc}
        for doc_id, doc in runs_documents(record)
    ]
    ok, errors = helpers.bulk(client, actions, refresh="wait_for", raise_on_error=False)
    if errors:
        raise RuntimeError(f"runs index {index}: {len(errors)} document(s) rejected: {errors[:2]}")
    return ok


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
        target = index or runs_index_name()
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
