"""newsingest.crawl.throttle: the token bucket spaces calls."""

from __future__ import annotations

import asyncio
import time

from newsingest.crawl.throttle import TokenBucket


def test_token_bucket_spaces_calls() -> None:
    async def run() -> float:
        bucket = TokenBucket(rate=20.0)
        started = time.monotonic()
        for _ in range(5):
            await bucket.acquire()
        return time.monotonic() - started

    assert 0.18 <= asyncio.run(run()) < 0.5  # first token free, then 4 x 50 ms
