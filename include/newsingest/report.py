"""Run figures per source, the quality gate and the human-readable run report."""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsingest import storage
from newsingest.config import Settings

log = logging.getLogger(__name__)


class QualityGateError(RuntimeError):
    """The run's figures broke a threshold; the message names the source and the figure."""


@dataclass(frozen=True)
class Thresholds:
    """Failure thresholds (ratios in [0, 1]); from NEWSINGEST_GATE_* environment variables."""

    max_fetch_error_ratio: float = 0.5
    max_load_failure_ratio: float = 0.05
    warn_fetch_error_ratio: float = 0.2

    @classmethod
    def from_env(cls) -> Thresholds:
        def get(name: str, default: float) -> float:
            raw = os.environ.get(f"NEWSINGEST_GATE_{name.upper()}")
            return float(raw) if raw else default

        return cls(**{f: get(f, d) for f, d in cls().__dict__.items()})


def _by_source(rows: list[dict]) -> dict[str, dict]:
    return {row["source"]: row for row in rows if row}


def per_source_figures(discovered, fetched, cleaned, enriched, loaded) -> dict[str, dict[str, Any]]:
    """Merge the stage summaries into one row of figures per source."""
    stages = [_by_source(x) for x in (discovered, fetched, cleaned, enriched, loaded)]
    figures: dict[str, dict[str, Any]] = {}
    for source in sorted(set().union(*stages)):
        d, f, c, e, ld = (s.get(source, {}) for s in stages)
        errors = Counter(f.get("errors", {}))
        figures[source] = {
            "discovered": d.get("discovered", 0),
            "attempted": f.get("attempted", 0),
            "fetched": f.get("fetched", 0),
            "not_modified": f.get("not_modified", 0),
            "fetch_errors": dict(errors),
            "blocked_by_robots": errors.get("robots", 0),
            "cleaned": c.get("cleaned", 0),
            "dropped": c.get("dropped", {}),
            "enriched": e.get("enriched", 0),
            "indexed": ld.get("indexed", 0),
            "failed": ld.get("failed", 0),
        }
    return figures


def check_gate(figures: dict[str, dict[str, Any]], thresholds: Thresholds) -> list[str]:
    """Raise QualityGateError on a broken threshold; return warnings."""
    failures: list[str] = []
    warnings: list[str] = []
    for source, fig in figures.items():
        attempted = fig["attempted"]
        errors = sum(fig["fetch_errors"].values())
        if attempted:
            ratio = errors / attempted
            if ratio > thresholds.max_fetch_error_ratio:
                failures.append(f"source {source}: fetch error ratio {ratio:.2f} > {thresholds.max_fetch_error_ratio}")
            elif ratio > thresholds.warn_fetch_error_ratio:
                warnings.append(f"source {source}: fetch error ratio {ratio:.2f} > {thresholds.warn_fetch_error_ratio}")
        to_load = fig["indexed"] + fig["failed"]
        if to_load and fig["failed"] / to_load > thresholds.max_load_failure_ratio:
            failures.append(
                f"source {source}: load failure ratio {fig['failed'] / to_load:.2f} > {thresholds.max_load_failure_ratio}"
            )
    if failures:
        raise QualityGateError("quality gate failed: " + "; ".join(failures))
    return warnings


def render_markdown(run_id: str, start: datetime, end: datetime, figures: dict[str, dict[str, Any]],
                    warnings: list[str]) -> str:
    cols = ["discovered", "fetched", "not_modified", "cleaned", "enriched", "indexed", "failed"]
    lines = [f"# newsingest run {run_id}", "", f"Interval: {start.isoformat()} to {end.isoformat()}", "",
             "| source | " + " | ".join(cols) + " | fetch errors | dropped |",
             "|---" * (len(cols) + 3) + "|"]
    for source, fig in figures.items():
        cells = [str(fig[c]) for c in cols]
        lines.append(f"| {source} | " + " | ".join(cells)
                     + f" | {json.dumps(fig['fetch_errors'])} | {json.dumps(fig['dropped'])} |")
    if warnings:
        lines += ["", "## Warnings", *[f"- {w}" for w in warnings]]
    return "\n".join(lines) + "\n"


def build_report(settings: Settings, run_id: str, start: datetime, end: datetime, *, discovered, fetched, cleaned,
                 enriched, loaded, thresholds: Thresholds | None = None) -> dict[str, Any]:
    """Write the run report, then apply the quality gate (the report is kept even when it fails)."""
    figures = per_source_figures(discovered, fetched, cleaned, enriched, loaded)
    thresholds = thresholds or Thresholds.from_env()
    run_dir = storage.join(settings.storage_root, "runs", storage.safe_part(run_id))
    report_path = storage.join(run_dir, "report.md")
    try:
        warnings = check_gate(figures, thresholds)
        error = None
    except QualityGateError as exc:
        warnings, error = [str(exc)], exc
    storage.write_bytes_atomic(report_path, render_markdown(run_id, start, end, figures, warnings).encode())
    storage.write_bytes_atomic(storage.join(run_dir, "figures.json"),
                               json.dumps(figures, indent=2, sort_keys=True).encode())
    log.info("run report: %s", report_path)
    for warning in warnings:
        log.warning("%s", warning)
    if error is not None:
        raise error
    totals = Counter()
    for fig in figures.values():
        totals.update({k: v for k, v in fig.items() if isinstance(v, int)})
    return {"report": report_path, "totals": dict(totals), "warnings": warnings}
