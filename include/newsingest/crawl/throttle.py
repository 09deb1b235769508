"""Per-host politeness: a token bucket, a concurrency limit, pauses and a failure breaker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsingest.crawl.robots import RobotsPolicy

HostRate = Callable[[str, float], float]
"""A throttle policy: (``host:port`` key, the source's requests/s) -> the requests/s to allow that host."""


def source_rate(key: str, rate: float) -> float:
    """The product's policy: every host gets its source's rate limit."""
    return rate


class TokenBucket:
    """Token bucket with reservations: callers that find no token sleep until theirs is due."""

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._stamp = time.monotonic()

    def set_rate(self, rate: float) -> None:
        self._refill()
        self.rate = rate

    def _refill(self) -> None:
        now = time.monotonic()
        if self.rate != float("inf"):
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        else:
            self._tokens = self.burst
        self._stamp = now

    def reserve(self) -> float:
        """Take a token; returns how long to wait before using it."""
        self._refill()
        self._tokens -= 1.0
        if self._tokens >= 0 or self.rate == float("inf"):
            return 0.0
        return -self._tokens / self.rate

    async def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)


@dataclass
class HostState:
    """Everything the fetcher tracks about one ``host:port`` during a run."""

    key: str
    semaphore: asyncio.Semaphore
    bucket: TokenBucket
    robots: RobotsPolicy | None = None
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    paused_until: float = 0.0
    consecutive_failures: int = 0
    failing: bool = False
    lanes: dict[bool, list[Any]] = field(
        default_factory=dict
    )  # idle one-connection clients, by allow_private

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def pause_left(self) -> float:
        return max(0.0, self.paused_until - time.monotonic())

    def record(self, success: bool, limit: int) -> None:
        if success:
            self.consecutive_failures = 0
            return
        self.consecutive_failures += 1
        if self.consecutive_failures >= limit:
            self.failing = True
