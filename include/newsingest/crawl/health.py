"""Per-source crawl health from fetch results: what worked, what failed and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from newsingest import storage
from newsingest.models import FetchResult

# A source is reported failing when this share of its attempted fetches failed (and at least MIN_FAILED).
FAILING_RATIO = 0.5
MIN_FAILED = 3
_NOT_ATTEMPTED = frozenset({"robots", "robots_unavailable", "host_failing", "unknown_source"})


class SourceHealth(BaseModel):
    """Counts for one source in one run."""

    model_config = ConfigDict(extra="forbid")

    source: str
    total: int = 0
    fetched: int = 0  # 2xx with a body (ok and not a 304)
    not_modified: int = 0
    errors: int = 0
    errors_by_class: dict[str, int] = Field(default_factory=dict)
    blocked_by_robots: int = 0
    robots_unavailable: int = 0
    rate_limited: int = 0  # URLs where the server throttled us at least once
    retried: int = 0  # URLs that needed more than one attempt
    bytes: int = 0
    mean_elapsed_ms: float = 0.0
    failing: bool = False
    reason: str | None = None

    def to_json(self) -> dict[str, object]:
        return self.model_dump(mode="json")


def summarize(results: Iterable[FetchResult]) -> list[SourceHealth]:
    """One :class:`SourceHealth` per source, sorted by name."""
    groups: dict[str, list[FetchResult]] = {}
    for r in results:
        groups.setdefault(r.source, []).append(r)
    return [_summarize_one(name, rows) for name, rows in sorted(groups.items())]


def _summarize_one(source: str, rows: list[FetchResult]) -> SourceHealth:
    classes = Counter(r.error_class for r in rows if r.error_class)
    health = SourceHealth(
        source=source,
        total=len(rows),
        fetched=sum(1 for r in rows if r.ok and not r.not_modified),
        not_modified=sum(1 for r in rows if r.not_modified),
        errors=sum(classes.values()),
        errors_by_class=dict(sorted(classes.items())),
        blocked_by_robots=classes.get("robots", 0),
        robots_unavailable=classes.get("robots_unavailable", 0),
        rate_limited=sum(1 for r in rows if r.throttled or r.error_class == "rate_limited"),
        retried=sum(1 for r in rows if r.attempts - len(r.redirects) > 1),
        bytes=sum(r.bytes for r in rows),
        mean_elapsed_ms=round(sum(r.elapsed_ms for r in rows) / len(rows), 1) if rows else 0.0,
    )
    attempted = [r for r in rows if r.error_class not in _NOT_ATTEMPTED]
    failed = [r for r in attempted if r.error_class and r.error_class != "http_4xx"]
    if classes.get("host_failing"):
        health.failing = True
        health.reason = f"host given up after repeated failures ({classes['host_failing']} URLs not tried)"
    elif health.robots_unavailable and not attempted:
        health.failing = True
        health.reason = "robots.txt unavailable; host deferred"
    elif len(failed) >= MIN_FAILED and len(failed) >= FAILING_RATIO * max(1, len(attempted)):
        top = Counter(r.error_class for r in failed).most_common(1)[0][0]
        health.failing = True
        health.reason = f"{len(failed)} of {len(attempted)} fetches failed (mostly {top})"
    return health


def write_health(path: str, health: list[SourceHealth]) -> None:
    """Store the summaries as gzip JSON Lines (atomic)."""
    storage.write_jsonl_gz(path, (h.to_json() for h in health))
