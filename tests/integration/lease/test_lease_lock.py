"""The crawl lease on the real OpenSearch node: exclusion across homes, expiry of a killed holder.

Holders run as separate processes with separate NEWSINGEST_HOMEs (nothing on disk in common), so the
only thing they share is the node, as Celery workers on two machines share only the cluster.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from newsingest.lease import LeaseStore, count_overlaps, intervals, lock_violations

pytestmark = pytest.mark.opensearch

HOLDER = Path(__file__).with_name("lease_holder.py")


@pytest.fixture
def lease_index(opensearch_client):
    name = f"newsingest-t-leases-{uuid.uuid4().hex[:8]}"
    yield name
    opensearch_client.indices.delete(index=f"{name},{name}-intervals", ignore_unavailable=True)


def _holder(url: str, source: str, hold: float, home: Path, index: str, ttl: float) -> subprocess.Popen:
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "NEWSINGEST_HOME": str(home),
        "NEWSINGEST_LEASE_INDEX": index,
        "NEWSINGEST_LOCK_TTL": str(ttl),
    }
    return subprocess.Popen(
        [sys.executable, str(HOLDER), url, source, str(hold)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _events(proc: subprocess.Popen, timeout: float = 60) -> list[dict]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _wait_holding(proc: subprocess.Popen, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("{"):
            event = json.loads(line)
            if event["event"] == "holding":
                return event
        if proc.poll() is not None:
            break
    raise AssertionError(
        f"holder never took the lease: {proc.stderr.read() if proc.poll() is not None else ''}"
    )


def test_two_holders_on_two_homes_exclude_each_other(
    opensearch_client, opensearch_url, lease_index, tmp_path
):
    # A 2 s lease held for 5 s: the holders must renew it, or the other would get in.
    procs = [
        _holder(opensearch_url, "daily-ledger", 5, tmp_path / f"worker{i}", lease_index, ttl=2)
        for i in (1, 2)
    ]
    events = [_events(p) for p in procs]
    spans = []
    for evs in events:
        held = next(e for e in evs if e["event"] == "holding")
        released = next(e for e in evs if e["event"] == "done")
        spans.append((held["at"], released["at"]))
    spans.sort()
    assert spans[0][1] <= spans[1][0], f"both holders held the lease at once: {spans}"
    assert max(e["waited"] for evs in events for e in evs if e["event"] == "holding") >= 4
    rows = intervals(opensearch_client, f"{lease_index}-intervals")
    assert len(rows) == 2 and {r["holder"].rsplit(":", 1)[1] for r in rows} == {
        str(tmp_path / "worker1"),
        str(tmp_path / "worker2"),
    }
    assert all(r["end"] - r["start"] >= 5000 for r in rows)  # each holding renewed past its 2 s lease
    assert lock_violations(opensearch_client, f"{lease_index}-intervals") == 0


def test_a_killed_holders_lease_expires_and_is_taken_over(
    opensearch_client, opensearch_url, lease_index, tmp_path
):
    ttl = 3.0
    proc = _holder(opensearch_url, "daily-ledger", 600, tmp_path / "worker1", lease_index, ttl=ttl)
    try:
        _wait_holding(proc)
        store = LeaseStore(opensearch_client, index=lease_index, ttl=ttl)
        assert store.try_acquire("crawl-daily-ledger", "worker2") is None  # alive: it renews
        time.sleep(ttl)
        assert store.try_acquire("crawl-daily-ledger", "worker2") is None  # still renewed past one ttl
        proc.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        proc.wait(timeout=10)
        with store.hold("crawl-daily-ledger", holder="worker2", poll=0.2, timeout=4 * ttl) as lease:
            taken = time.monotonic() - killed
            assert lease.holder == "worker2"
    finally:
        if proc.poll() is None:
            proc.kill()
    assert 0 < taken <= 2 * ttl, f"lease taken over {taken:.1f} s after the kill (lease lasts {ttl} s)"
    rows = sorted(intervals(opensearch_client, f"{lease_index}-intervals"), key=lambda r: r["start"])
    assert [r["holder"] for r in rows][1] == "worker2"
    dead, alive = rows
    assert dead.get("end") == dead["expires"]  # never released: ends where its last renewal expired
    assert dead["end"] <= alive["start"]
    assert lock_violations(opensearch_client, f"{lease_index}-intervals") == 0


def test_violation_checker_counts_recorded_overlaps(opensearch_client, lease_index):
    store = LeaseStore(opensearch_client, index=lease_index, ttl=5)
    store.ensure_indices()
    for i, (start, end) in enumerate([(0, 100), (50, 150), (150, 200), (0, 10)]):
        name = "crawl-b" if i == 3 else "crawl-a"
        opensearch_client.index(
            index=store.interval_index,
            id=str(i),
            body={"name": name, "holder": f"h{i}", "host": "x", "start": start, "expires": end, "end": end},
        )
    assert lock_violations(opensearch_client, store.interval_index) == 1  # (0,100) with (50,150) only
    assert lock_violations(opensearch_client, store.interval_index, "crawl-b") == 0


def test_count_overlaps_touching_intervals_do_not_overlap():
    rows = [{"name": "a", "start": s, "end": e} for s, e in [(0, 10), (10, 20), (5, 12), (30, 40)]]
    assert count_overlaps(rows) == 2  # (0,10)-(5,12) and (5,12)-(10,20); (0,10) only touches (10,20)
