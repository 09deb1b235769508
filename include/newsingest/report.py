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

from newsingest import storage
from newsingest.config import DATA_DIR, Settings
from newsingest.quality import (
    COUNTS,
    QualityGateError,
    Thresholds,
    evaluate,
    gate_message,
    run_figures,
    totals,
)

log = logging.getLogger(__name__)

__all__ = ["QualityGateError", "assess_run", "publish_report", "quality_path", "runs_index_name"]

RUNS_INDEX_TEMPLATE = DATA_DIR / "runs_index_template.json"
RATIOS = (
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


def run_dir(settings: Settings, run_id: str) -> str:
    return storage.join(settings.storage_root, "runs", storage.safe_part(run_id))


def quality_path(settings: Settings, run_id: str) -> str:
    return storage.join(run_dir(settings, run_id), "quality.json")


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
) -> dict[str, Any]:
    """Compute the run's figures, check them and write ``quality.json``; returns a small summary.

    Never raises for a broken threshold: the caller decides (the DAG's gate task raises
    :class:`QualityGateError` with ``summary["message"]``).
    """
    thresholds = thresholds or Thresholds.load()
    figures = run_figures(
        start, end, discovered=discovered, fetched=fetched, cleaned=cleaned, enriched=enriched, loaded=loaded
    )
    findings = evaluate(figures, thresholds)
    message = gate_message(findings)
    status = "failed" if message else ("warned" if findings else "passed")
    record = {
        "run_id": run_id,
        "interval_start": start.isoformat(),
        "interval_end": end.isoformat(),
        "assessed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": status,
        "message": message,
        "thresholds": thresholds.origin,
        "findings": [f.to_json() for f in findings],
        "figures": figures,
        "totals": totals(figures),
    }
    path = quality_path(settings, run_id)
    storage.write_bytes_atomic(path, json.dumps(record, indent=2, sort_keys=True).encode())
    for finding in findings:
        (log.error if finding.level == "fail" else log.warning)("%s", finding.message)
    return {
        "quality": path,
        "status": status,
        "message": message,
        "failures": sum(1 for f in findings if f.level == "fail"),
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
        "indexed",
        "failed",
    ]
    lines = [
        f"# newsingest run `{record['run_id']}`",
        "",
        f"- Interval: {record['interval_start']} to {record['interval_end']}",
        f"- Quality gate: **{record['status']}** (thresholds: `{record['thresholds']}`)",
        "",
    ]
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
    lines += ["", "## Fetch errors and drop reasons", ""]
    for source, fig in figures.items():
        lines.append(
            f"- {source}: fetch errors: {_fmt(fig.get('fetch_errors'))}; dropped: {_fmt(fig.get('dropped'))}"
        )
    return "\n".join(lines) + "\n"


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
    status_colour = {"passed": "#1a7f37", "warned": "#9a6700", "failed": "#cf222e"}.get(
        record["status"], "#000"
    )
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>newsingest run {esc(record['run_id'])}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
        "th:first-child,td:first-child{text-align:left}.src{display:flex;gap:2em;align-items:flex-start}</style>",
        "</head><body>",
        f"<h1>newsingest run <code>{esc(record['run_id'])}</code></h1>",
        f"<p>Interval {esc(record['interval_start'])} to {esc(record['interval_end'])}. Quality gate: "
        f"<strong style='color:{status_colour}'>{esc(record['status'])}</strong> "
        f"(thresholds <code>{esc(record['thresholds'])}</code>).</p>",
    ]
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


def publish_report(
    settings: Settings, run_id: str, *, client=None, index: str | None = None
) -> dict[str, Any]:
    """Write ``report.md`` and ``report.html`` for the run and index its figures (when given a client)."""
    record = read_quality(settings, run_id)
    directory = run_dir(settings, run_id)
    md_path, html_path = storage.join(directory, "report.md"), storage.join(directory, "report.html")
    storage.write_bytes_atomic(md_path, render_markdown(record).encode())
    storage.write_bytes_atomic(html_path, render_html(record).encode())
    indexed = index_run(client, record, index) if client is not None else 0
    link = html_path if "://" in html_path else f"file://{html_path}"
    log.info("run report (%s): %s  (Markdown: %s)", record["status"], link, md_path)
    return {
        "report": md_path,
        "html": html_path,
        "status": record["status"],
        "runs_indexed": indexed,
        "message": record.get("message"),
    }
