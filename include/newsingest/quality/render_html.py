"""The run report as one self-contained HTML page (a table and a funnel chart per source)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from newsingest.quality.figures import RATIOS
from newsingest.quality.render_md import _fmt, run_outcome

FUNNEL = ("discovered", "fetched", "cleaned", "enriched", "indexed")


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
