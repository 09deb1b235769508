"""Per-source crawl locks shared by every worker of every machine: a lease in OpenSearch.

The crawler's own limits (rate, concurrency, Crawl-delay) hold inside one fetch task. Backfills run
several days at once, and Celery workers run on several machines, so without a lock two fetch tasks
could crawl the same publisher at twice its rate. ``source_lock`` serialises the fetch tasks of one
source across runs and machines with a lease in the OpenSearch cluster every worker already talks to
(``opensearch_default``; see :mod:`newsingest.lease`): no shared disk needed, and a worker that dies
holding it frees it after ``NEWSINGEST_LOCK_TTL`` seconds (default 60). Tasks of different sources
still run side by side, up to the ``crawl`` pool's slots. Every holding is recorded with its start and
end, so ``newsingest.lease.lock_violations`` can check afterwards that no two fetches of one source
overlapped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


def lease_name(source: str) -> str:
    """The lease of one source's crawl."""
    from newsingest.storage import safe_part

    return f"crawl-{safe_part(source)}"


@contextmanager
def source_lock(source: str, client=None) -> Iterator[float]:
    """Hold the crawl lease of ``source``; yields the seconds spent waiting for it.

    ``client`` defaults to the client of the ``opensearch_default`` connection.
    """
    from newsingest.config import load_settings
    from newsingest.lease import LeaseStore

    if client is None:
        from newsingest_airflow.hooks import NewsOpenSearchHook

        client = NewsOpenSearchHook().get_client()
    store = LeaseStore.from_settings(client, load_settings())
    started = time.monotonic()
    with store.hold(lease_name(source)) as lease:
        waited = time.monotonic() - started
        if waited > 1:
            log.info("waited %.1f s for the crawl lease of %s", waited, source)
        log.info("holding crawl lease %s as %s", lease.name, lease.holder)
        yield waited
