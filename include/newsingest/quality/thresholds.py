"""The gate's bounds: thresholds per figure (with per-source overrides) and the findings that break them.

The thresholds live in a YAML file (``data/quality_thresholds.yaml`` unless ``NEWSINGEST_QUALITY_THRESHOLDS``
names another), with ``NEWSINGEST_GATE_<FIGURE>_<BOUND>`` overriding single bounds; both reach here
through the settings' ``gate`` sub-tree (:class:`~newsingest.config.GateSettings`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsingest.config import DEFAULT_THRESHOLDS_FILE, GATE_PREFIX, GateSettings
from newsingest.errors import NewsingestError, PermanentError
from newsingest.quality.figures import FIGURES

BOUNDS = ("fail_below", "fail_above", "warn_below", "warn_above")


class QualityGateError(NewsingestError, RuntimeError):
    """The run's figures broke a threshold; the message names the source and the figure."""


class ThresholdsError(PermanentError, ValueError):
    """The thresholds file or an override is malformed; the message names the file and entry."""


@dataclass(frozen=True)
class Thresholds:
    """Bounds per figure, with per-source overrides."""

    defaults: dict[str, dict[str, float]]
    sources: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    origin: str = "built-in"

    def for_source(self, source: str) -> dict[str, dict[str, float]]:
        merged = {name: dict(bounds) for name, bounds in self.defaults.items()}
        for name, bounds in self.sources.get(source, {}).items():
            merged.setdefault(name, {}).update(bounds)
        return merged

    @classmethod
    def from_settings(cls, gate: GateSettings) -> Thresholds:
        """The thresholds the settings name (file and ``NEWSINGEST_GATE_*`` overrides)."""
        return cls.load(gate.thresholds_file, gate.overrides)

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        overrides: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    ) -> Thresholds:
        """Read the thresholds file (the built-in one by default), then apply the overrides: pairs of
        (``NEWSINGEST_GATE_<FIGURE>_<BOUND>``, value), as :class:`~newsingest.config.GateSettings` keeps."""
        path = Path(path or DEFAULT_THRESHOLDS_FILE)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ThresholdsError(f"cannot read quality thresholds {path}: {exc.strerror or exc}") from exc
        except yaml.YAMLError as exc:
            raise ThresholdsError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ThresholdsError(f"{path}: expected a mapping with 'defaults' and 'sources'")
        defaults = _parse_block(data.get("defaults") or {}, f"{path}: defaults")
        sources_raw = data.get("sources") or {}
        if not isinstance(sources_raw, dict):
            raise ThresholdsError(f"{path}: 'sources' must map source names to figures")
        sources = {
            name: _parse_block(block or {}, f"{path}: sources.{name}") for name, block in sources_raw.items()
        }
        pairs = overrides.items() if isinstance(overrides, Mapping) else overrides
        for key, raw in pairs:
            if not key.startswith(GATE_PREFIX):
                continue
            rest = key.removeprefix(GATE_PREFIX).lower()
            bound = next((b for b in BOUNDS if rest.endswith("_" + b)), None)
            figure = rest[: -len(bound) - 1] if bound else ""
            if bound is None or figure not in FIGURES:
                raise ThresholdsError(
                    f"{key}: unknown figure or bound; figures: {', '.join(FIGURES)}; "
                    f"bounds: {', '.join(BOUNDS)}"
                )
            defaults.setdefault(figure, {})[bound] = _number(raw, key)
        return cls(defaults=defaults, sources=sources, origin=str(path))


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise ThresholdsError(f"{where}: expected a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ThresholdsError(f"{where}: expected a number, got {value!r}") from None


def _parse_block(block: Any, where: str) -> dict[str, dict[str, float]]:
    if not isinstance(block, dict):
        raise ThresholdsError(f"{where}: expected a mapping of figure -> bounds")
    parsed: dict[str, dict[str, float]] = {}
    for figure, bounds in block.items():
        if figure not in FIGURES:
            raise ThresholdsError(f"{where}: unknown figure {figure!r}; known: {', '.join(FIGURES)}")
        if not isinstance(bounds, dict):
            raise ThresholdsError(f"{where}.{figure}: expected bounds like {{fail_below: 0.5}}")
        unknown = set(bounds) - set(BOUNDS)
        if unknown:
            raise ThresholdsError(
                f"{where}.{figure}: unknown bound(s) {sorted(unknown)}; known: {', '.join(BOUNDS)}"
            )
        parsed[figure] = {b: _number(v, f"{where}.{figure}.{b}") for b, v in bounds.items()}
    return parsed


@dataclass(frozen=True)
class Finding:
    """One broken bound: ``level`` is ``fail`` or ``warn``."""

    level: str
    source: str
    figure: str
    value: float
    bound: str
    limit: float

    @property
    def message(self) -> str:
        op = "<" if self.bound.endswith("below") else ">"
        shown = (
            f"{self.value:.2f}"
            if isinstance(self.value, float) and not self.value.is_integer()
            else f"{self.value:g}"
        )
        return f"source {self.source}: {self.figure} {shown} {op} {self.limit:g} ({self.bound})"

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "source": self.source,
            "figure": self.figure,
            "value": self.value,
            "bound": self.bound,
            "limit": self.limit,
            "message": self.message,
        }


def evaluate(figures: Mapping[str, Mapping[str, Any]], thresholds: Thresholds) -> list[Finding]:
    """Every broken bound, failures first; figures whose denominator is zero are not checked."""
    findings: list[Finding] = []
    for source, fig in figures.items():
        for figure, bounds in thresholds.for_source(source).items():
            denominator = FIGURES.get(figure)
            if denominator and not fig.get(denominator):
                continue
            value = fig.get(figure)
            if value is None:
                continue
            for level in ("fail", "warn"):
                low, high = bounds.get(f"{level}_below"), bounds.get(f"{level}_above")
                if low is not None and value < low:
                    findings.append(Finding(level, source, figure, value, f"{level}_below", low))
                    break
                if high is not None and value > high:
                    findings.append(Finding(level, source, figure, value, f"{level}_above", high))
                    break
    findings.sort(key=lambda f: (f.level != "fail", f.source, f.figure))
    return findings


def gate_message(findings: Iterable[Finding]) -> str | None:
    """The failure message (None when nothing failed)."""
    failures = [f.message for f in findings if f.level == "fail"]
    return ("quality gate failed: " + "; ".join(failures)) if failures else None
