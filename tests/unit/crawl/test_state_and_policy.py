"""Crawl state files, robots policy, token bucket, fetch summary figures and config overrides."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.retry import parse_retry_after
from newsingest.crawl.robots import RobotsPolicy, agent_token
from newsingest.crawl.state import ArchivedRef, DocumentCache, UndatedLedger, ValidatorStore
from newsingest.crawl.throttle import TokenBucket
from newsingest.models import FetchResult, FetchSummary
from newsingest.quality.figures import fetch_figures

UA = "newsingest/0.1 (+https://github.com/newsingest/newsingest)"


def test_validators_persist_between_runs(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(b"x")
    ref = ArchivedRef(str(warc), 0, datetime(2026, 11, 3, 10, tzinfo=UTC), "cp1251")
    store = ValidatorStore(str(tmp_path), "src")
    store.remember("https://ex.com/a", '"v1"', "Tue, 03 Nov 2026 10:00:00 GMT", ref)
    store.remember("https://ex.com/b", None, None, ref)
    store.save()
    again = ValidatorStore(str(tmp_path), "src")
    assert again.headers_for("https://ex.com/a") == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Tue, 03 Nov 2026 10:00:00 GMT",
    }
    assert again.archived("https://ex.com/a") == ref  # with the charset its body was read with
    assert again.headers_for("https://ex.com/b") == {}
    assert not list(tmp_path.rglob("*.tmp-*"))


def test_validators_without_an_archived_response_send_no_conditional_get(tmp_path: Path) -> None:
    """A 304 must be re-processable: no archived 200 (an old state file, a deleted archive) -> full GET."""
    warc = tmp_path / "gone.warc.gz"
    warc.write_bytes(b"x")
    store = ValidatorStore(str(tmp_path), "src")
    store.remember("https://ex.com/a", '"v1"', None)  # no archive reference: not remembered
    store.remember("https://ex.com/c", '"v3"', None, ArchivedRef(str(warc), 7, None))
    store.save()
    assert ValidatorStore(str(tmp_path), "src").headers_for("https://ex.com/a") == {}
    warc.unlink()
    again = ValidatorStore(str(tmp_path), "src")
    assert again.archived("https://ex.com/c") is None
    assert again.headers_for("https://ex.com/c") == {}
    discovery = ValidatorStore(str(tmp_path), "src.discovery", require_archive=False)
    discovery.remember("https://ex.com/feed", '"f1"', None)
    assert discovery.headers_for("https://ex.com/feed") == {"If-None-Match": '"f1"'}


def test_undated_ledger_remembers_and_expires(tmp_path: Path) -> None:
    now = datetime(2026, 11, 5, tzinfo=UTC)
    ledger = UndatedLedger(str(tmp_path), "src", now=now)
    ledger.add("https://ex.com/a")
    ledger.save()
    assert "https://ex.com/a" in UndatedLedger(str(tmp_path), "src", now=now + timedelta(days=30))
    assert "https://ex.com/a" not in UndatedLedger(str(tmp_path), "src", now=now + timedelta(days=400))


def test_document_cache(tmp_path: Path) -> None:
    cache = DocumentCache(str(tmp_path), "src")
    assert cache.load("https://ex.com/feed") is None
    cache.store("https://ex.com/feed", b"<rss/>")
    assert cache.load("https://ex.com/feed") == b"<rss/>"


def test_robots_policy() -> None:
    text = (
        b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: newsingest\nDisallow: /*.pdf$\n"
    )
    policy = RobotsPolicy.from_response(200, text)
    assert agent_token(UA) == "newsingest"
    assert policy.allowed("https://ex.com/private/x", UA)  # our own group replaces the * group
    assert not policy.allowed("https://ex.com/files/report.pdf", UA)
    assert not policy.allowed("https://ex.com/private/x", "OtherBot/1.0")
    assert policy.crawl_delay("OtherBot/1.0") == 2.0
    assert RobotsPolicy.from_response(404, b"").allowed("https://ex.com/anything", UA)
    assert RobotsPolicy.from_response(503, b"").status == "unavailable"
    assert not RobotsPolicy.from_response(None, b"").allowed("https://ex.com/", UA)


def test_token_bucket_spaces_calls() -> None:
    async def run() -> float:
        bucket = TokenBucket(rate=20.0)
        started = time.monotonic()
        for _ in range(5):
            await bucket.acquire()
        return time.monotonic() - started

    assert 0.18 <= asyncio.run(run()) < 0.5  # first token free, then 4 x 50 ms


def test_retry_after_parsing() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_health_summary() -> None:
    rows = [
        FetchResult(url="a", source="s", ok=True, status=200, attempts=1, bytes=10),
        FetchResult(url="b", source="s", ok=True, not_modified=True, status=304, attempts=1),
        FetchResult(url="c", source="s", error_class="robots"),
        FetchResult(url="d", source="s", ok=True, status=200, attempts=3, throttled=True),
        FetchResult(url="e", source="s", error_class="http_4xx", status=404, attempts=1),
        FetchResult(url="x", source="t", error_class="timeout", attempts=4),
        FetchResult(url="y", source="t", error_class="timeout", attempts=4),
        FetchResult(url="z", source="t", error_class="connect", attempts=4),
    ]
    s, t = (
        fetch_figures(FetchSummary.of_results(name, [r for r in rows if r.source == name]).to_dict())
        for name in ("s", "t")
    )
    counts = ("fetched", "not_modified", "blocked_by_robots", "throttled", "retried")
    assert [s[k] for k in counts] == [2, 1, 1, 1, 1]
    assert s["fetch_errors"] == {"http_4xx": 1, "robots": 1} and s["fetch_problem"] is None
    assert s["fetch_failure_ratio"] == 0.0  # a 404 is a gone page, not a failing site
    assert "3 of 3" in (t["fetch_problem"] or "") and "timeout" in (t["fetch_problem"] or "")
    assert t["fetch_failure_ratio"] == 1.0


def test_config_from_env() -> None:
    cfg = CrawlConfig.from_env(
        {
            "NEWSINGEST_CRAWL_MAX_ATTEMPTS": "2",
            "NEWSINGEST_CRAWL_OBEY_ROBOTS": "false",
            "NEWSINGEST_CRAWL_SSRF_EXEMPT": "127.0.0.1:8765, localhost:8765",
            "NEWSINGEST_CRAWL_READ_TIMEOUT": "1.5",
        }
    )
    assert (cfg.max_attempts, cfg.obey_robots, cfg.read_timeout) == (2, False, 1.5)
    assert cfg.ssrf_exempt == ("127.0.0.1:8765", "localhost:8765")
    with pytest.raises(ValueError, match="NEWSINGEST_CRAWL_MAX_ATTEMPTS='many'"):
        CrawlConfig.from_env({"NEWSINGEST_CRAWL_MAX_ATTEMPTS": "many"})
