"""The run report as Markdown, from the gate's record (``quality.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsingest.quality.figures import RATIOS


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
            + (f"; fetching: {fig['fetch_problem']}" if fig.get("fetch_problem") else "")
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
