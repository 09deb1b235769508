"""Retry policy: which failures are retried, Retry-After, and exponential backoff with jitter."""

from __future__ import annotations

import email.utils
import random
import time
from datetime import UTC

import httpcore
import httpx

from newsingest.crawl.ssrf import SSRFBlocked

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
# Transport failures worth another attempt, and those counting against a host: newsingest.errors
# (RETRYABLE_CLASSES, HOST_FAILURE_CLASSES).


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def status_error(status: int) -> tuple[str | None, str | None]:
    """(error_class, message) for an HTTP status; (None, None) below 400."""
    if status < 400:
        return None, None
    if status == 429:
        return "rate_limited", "HTTP 429"
    return ("http_4xx" if status < 500 else "http_5xx"), f"HTTP {status}"


def classify(exc: BaseException) -> tuple[str, str]:
    """(error_class, message) of an exception raised while sending a request or reading its body."""
    if isinstance(exc, SSRFBlocked):
        return "ssrf", str(exc)
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout", f"{type(exc).__name__}: {exc}".rstrip(": ")
    if isinstance(exc, httpx.ConnectError):
        return "connect", str(exc) or type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "reset", str(exc) or type(exc).__name__
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "bad_url", str(exc)
    if isinstance(exc, httpx.HTTPError | httpcore.ProtocolError):
        return "protocol", str(exc) or type(exc).__name__
    return "error", f"{type(exc).__name__}: {exc}"


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number ``attempt``: the doubled step (capped), half of it fixed, half jitter."""
    backoff = min(cap, base * 2 ** (attempt - 1))
    return backoff / 2 + rng.uniform(0, backoff / 2)
