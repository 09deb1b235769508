"""Crawl knobs (timeouts, limits, politeness), with ``NEWSINGEST_CRAWL_*`` environment overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace

HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = (
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-gzip",
    "application/gzip",
    "application/octet-stream",
    "text/plain",
)


@dataclass(frozen=True)
class CrawlConfig:
    """Everything the fetcher and discovery need besides the sources and settings."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_body_bytes: int = 8 * 1024 * 1024  # decoded size cap for pages
    max_document_bytes: int = 50 * 1024 * 1024  # decoded size cap for feeds and sitemaps
    max_robots_bytes: int = 512 * 1024
    max_redirects: int = 5
    max_attempts: int = 4  # first try + retries
    backoff_base: float = 0.5  # seconds; doubled each retry, plus jitter
    backoff_max: float = 30.0
    max_retry_after: float = 60.0  # Retry-After is honoured up to this many seconds
    max_retry_time: float = 120.0  # total time budget per URL for retries
    global_concurrency: int = 32
    host_concurrency: int = 2
    max_idle_connections: int = 0  # idle keep-alive connections kept across hosts; 0 = 2 x global + 8
    max_crawl_delay: float = 30.0  # robots.txt Crawl-delay is capped at this
    host_failure_limit: int = 8  # consecutive failures after which a host is given up for the run
    obey_robots: bool = True
    http2: bool = True
    allowed_content_types: tuple[str, ...] = HTML_TYPES
    discovery_content_types: tuple[str, ...] = HTML_TYPES + XML_TYPES
    max_sitemaps: int = 200  # sitemap documents followed per source and run
    max_sitemap_depth: int = 3
    warc_max_bytes: int = 512 * 1024 * 1024  # roll over to a new WARC file past this size
    ssrf_exempt: tuple[str, ...] = field(default=())  # host:port pairs exempt from the SSRF guard

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> CrawlConfig:
        """Defaults overridden by ``NEWSINGEST_CRAWL_<FIELD>`` variables (e.g. ``..._MAX_ATTEMPTS``)."""
        env = dict(os.environ if env is None else env)
        changes: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"NEWSINGEST_CRAWL_{f.name.upper()}")
            if raw in (None, ""):
                continue
            default = getattr(cls(), f.name)
            try:
                if isinstance(default, bool):
                    if raw.lower() not in ("1", "true", "yes", "0", "false", "no"):
                        raise ValueError("expected true or false")
                    changes[f.name] = raw.lower() in ("1", "true", "yes")
                elif isinstance(default, int):
                    changes[f.name] = _parse(int, raw, "a whole number")
                elif isinstance(default, float):
                    changes[f.name] = _parse(float, raw, "a number")
                else:
                    changes[f.name] = tuple(p.strip() for p in raw.split(",") if p.strip())
            except ValueError as exc:
                raise ValueError(f"NEWSINGEST_CRAWL_{f.name.upper()}={raw!r}: {exc}") from exc
        return replace(cls(), **changes)


def _parse(kind: type, raw: str, expected: str):
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"expected {expected}") from None
