"""Per-source crawl locks shared by concurrent DAG runs on one machine.

The crawler's own limits (rate, concurrency, Crawl-delay) hold inside one fetch task. Backfills run
several days at once, so without a lock two runs could crawl the same publisher at twice its rate.
``source_lock`` serialises the fetch tasks of one source across runs: an exclusive ``flock`` on
``<NEWSINGEST_HOME>/locks/crawl-<source>.lock``. Tasks of different sources still run side by side,
up to the ``crawl`` pool's slots. (With a distributed executor, put the lock folder on shared storage
that supports ``flock``, or give the ``crawl`` pool one slot.)
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


@contextmanager
def source_lock(source: str, lock_dir: Path) -> Iterator[float]:
    """Hold the crawl lock of ``source``; yields the seconds spent waiting for it."""
    from newsingest.storage import safe_part

    lock_dir.mkdir(parents=True, exist_ok=True)
    path = lock_dir / f"crawl-{safe_part(source)}.lock"
    started = time.monotonic()
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another run is crawling %s; waiting for %s", source, path)
            fcntl.flock(fh, fcntl.LOCK_EX)
        waited = time.monotonic() - started
        try:
            yield waited
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
