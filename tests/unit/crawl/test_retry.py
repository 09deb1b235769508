"""Retry policy: which failures retry, HTTP statuses as error classes, bounded backoff with jitter."""

from __future__ import annotations

import random

import httpx
import pytest
from newsingest.crawl.retry import RETRY_STATUSES, backoff_delay, classify, parse_retry_after, status_error
from newsingest.crawl.ssrf import SSRFBlocked


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    for attempt, step in ((1, 0.5), (2, 1.0), (3, 2.0), (10, 30.0)):
        for _ in range(50):
            delay = backoff_delay(attempt, 0.5, 30.0, rng)
            assert step / 2 <= delay <= step


@pytest.mark.parametrize(
    ("status", "expected"),
    [(200, (None, None)), (304, (None, None)), (404, ("http_4xx", "HTTP 404")),
     (429, ("rate_limited", "HTTP 429")), (503, ("http_5xx", "HTTP 503"))],
)  # fmt: skip
def test_status_error(status: int, expected: tuple[str | None, str | None]) -> None:
    assert status_error(status) == expected


def test_retry_statuses_are_transient_ones() -> None:
    assert {429, 500, 502, 503, 504} <= RETRY_STATUSES and not {400, 403, 404, 410} & RETRY_STATUSES


@pytest.mark.parametrize(
    ("exc", "error_class"),
    [
        (SSRFBlocked("h", "10.0.0.1", "private"), "ssrf"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (TimeoutError(), "timeout"),
        (httpx.ConnectError("refused"), "connect"),
        (httpx.RemoteProtocolError("reset"), "reset"),
        (httpx.UnsupportedProtocol("gopher"), "bad_url"),
        (httpx.LocalProtocolError("bad"), "protocol"),
        (ValueError("bug"), "error"),
    ],
)
def test_classify(exc: BaseException, error_class: str) -> None:
    assert classify(exc)[0] == error_class


def test_retry_after_parsing() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
