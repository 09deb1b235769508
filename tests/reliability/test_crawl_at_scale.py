"""Crawl-side faults at scale: 1,000 URLs, one in five misbehaving, through the real fetch stage.

Every misbehaving URL must come back with the failure class its route provokes, every good URL must be
fetched, the fetch summary must count each class, and the run must finish within a bound derived from
the crawl configuration (see ``_time_bound``).
"""

from __future__ import annotations

import time
from collections import Counter
from urllib.parse import quote

import pytest
from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.fetch import fetch_urls
from newsingest.models import DiscoveredURL, FetchSummary
from newsingest.sources import Source

pytestmark = pytest.mark.slow

# (route, how many, expected error class or None for success)
MISBEHAVING: list[tuple[str, int, str | None]] = [
    ("/misbehave/status/404?i={i}", 25, "http_4xx"),
    ("/misbehave/status/500?i={i}", 25, "http_5xx"),
    ("/misbehave/flaky/scale-{i}?fail=1&code=503", 25, None),  # recovers on the retry
    ("/misbehave/reset?i={i}", 20, "reset"),
    ("/misbehave/truncated?i={i}", 20, "reset"),
    ("/misbehave/slow?delay=4&i={i}", 15, "timeout"),
    ("/misbehave/redirect-loop?i={i}", 15, "redirect_loop"),
    (
        "/misbehave/redirect?to=" + quote("http://169.254.169.254/latest/meta-data/", safe="") + "&i={i}",
        10,
        "ssrf",
    ),
    ("/misbehave/huge?mb=3&i={i}", 10, "too_large"),
    ("/misbehave/gzip-bomb?mb=64&i={i}", 10, "too_large"),
    ("/misbehave/binary?i={i}", 10, "content_type"),
    ("/misbehave/not-html?i={i}", 10, "content_type"),
    ("/misbehave/charset/none?i={i}", 5, None),
]
GOOD = 800


def _config(host: str) -> CrawlConfig:
    return CrawlConfig(
        connect_timeout=2.0,
        read_timeout=1.0,
        max_body_bytes=1024 * 1024,
        max_attempts=3,
        backoff_base=0.05,
        backoff_max=0.2,
        max_retry_time=10.0,
        host_concurrency=8,
        # One host serves every URL here; the give-up rule (tested in tests/integration/crawl) would
        # otherwise end the experiment early when several failures happen to finish back to back.
        host_failure_limit=1000,
        ssrf_exempt=(host,),  # the site itself is on loopback; its redirect targets are not exempt
    )


def _time_bound(cfg: CrawlConfig, counts: Counter[str | None]) -> float:
    """Worst case, serialised over the host's workers: each URL's attempts times its slowest attempt.

    Good pages take well under 50 ms on loopback; a timeout costs ``read_timeout`` per attempt plus the
    backoff; retried 5xx cost the backoff; everything else is one quick exchange. Doubled for a loaded
    2-core CI machine.
    """
    per_attempt = cfg.read_timeout + cfg.backoff_max
    slow = counts["timeout"] * cfg.max_attempts * per_attempt
    retried = (counts["http_5xx"] + counts["reset"] + 25) * cfg.max_attempts * (0.05 + cfg.backoff_max)
    quick = sum(counts.values()) * 0.05
    return 2 * (slow + retried + quick) / cfg.host_concurrency + 10.0


def test_thousand_urls_with_a_fifth_misbehaving(sample_site, iso_settings) -> None:
    host = f"127.0.0.1:{sample_site.port}"
    cfg = _config(host)
    source = Source(
        name="scale",
        homepage=sample_site.url + "/bulk/",
        sitemaps=[sample_site.url + "/bulk/sitemap.xml?n=800"],
        rate_limit=1000.0,
        allow_private=False,
    )
    bad: list[tuple[str, str | None]] = [
        (route.format(i=i), expected) for route, count, expected in MISBEHAVING for i in range(count)
    ]
    assert len(bad) == 200
    # Interleave: every fifth URL misbehaves, in a varied order of routes.
    bad = bad[::2] + bad[1::2]
    plan: list[tuple[str, str | None]] = []
    for i in range(GOOD):
        plan.append((f"/bulk/article/{i}.html", None))
        if i % 4 == 3:
            plan.append(bad[i // 4])
    assert len(plan) == 1000
    urls = [DiscoveredURL(url=sample_site.url + path, source="scale", channels=["test"]) for path, _ in plan]

    sample_site.reset_counters()
    started = time.monotonic()
    results = fetch_urls(urls, [source], run_id="scale", settings=iso_settings, config=cfg)
    elapsed = time.monotonic() - started

    assert len(results) == 1000
    wrong = [
        (path, expected, r.error_class, r.error)
        for (path, expected), r in zip(plan, results, strict=True)
        if r.error_class != expected or r.ok != (expected is None)
    ]
    assert not wrong, wrong[:10]
    expected_classes = Counter(e for _, e in plan if e is not None)
    health = FetchSummary.of_results(results[0].source, results)
    assert health.attempted == 1000 and health.fetched == 1000 - sum(expected_classes.values())
    assert health.errors == dict(expected_classes)
    assert health.retried >= 25 + 25  # flaky pages and 5xx were retried
    bound = _time_bound(cfg, Counter(e for _, e in plan))
    print(f"1000 URLs in {elapsed:.1f}s (bound {bound:.0f}s); health: {health.errors}")
    assert elapsed < bound, f"{elapsed:.1f}s > {bound:.1f}s"
