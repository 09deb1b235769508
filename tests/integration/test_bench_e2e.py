"""`newsingest bench e2e` with a tiny day through the real scheduler: the JSON's figures hang together.

It starts its own `airflow standalone` (LocalExecutor, PostgreSQL) like the command always does, so it
takes a few minutes on a busy 2-core machine; the day has 30 articles to keep the run itself short.
"""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.airflow, pytest.mark.opensearch, pytest.mark.slow]

ARTICLES = 30


def test_bench_e2e_tiny_day_through_the_scheduler(opensearch_url, opensearch_client):
    from click.testing import CliRunner
    from newsingest.cli import main

    result = CliRunner().invoke(main, ["bench", "e2e", "--articles", str(ARTICLES), "--json"])
    assert result.exit_code == 0, result.output[-4000:]
    r = json.loads(result.stdout)

    assert r["state"] == "success" and r["quality_gate"] != "failed", r
    assert r["articles"] == ARTICLES
    assert r["indexed"] == ARTICLES  # every article (wire copies included) is one document
    assert 0 < r["unique_texts"] < ARTICLES  # the wire copies share their story's text
    assert r["enriched"] == ARTICLES and r["reused"] == 0  # a first run of a fresh alias reuses nothing
    # e2e_per_s is rounded to 2 decimals: under 1 article/s that is more than 1 %
    assert r["wall_s"] > 0 and r["e2e_per_s"] == pytest.approx(ARTICLES / r["wall_s"], rel=0.01, abs=0.005)
    assert r["limit_s"] > 0 and r["limit_per_s"] == pytest.approx(ARTICLES / r["limit_s"], rel=0.01)
    assert 0 < r["ratio"] == pytest.approx(r["limit_s"] / r["wall_s"], rel=0.01, abs=1e-4)
    assert r["ratio"] == pytest.approx(r["e2e_per_s"] / r["limit_per_s"], rel=0.05, abs=1e-3)
    assert r["limit"]["processes"] >= 1 and r["limit"]["model"]
    for name in ("fetch", "clean", "enrich", "load"):
        stage = r["stages"][name]
        assert stage["instances"] >= 1, (name, stage)
        assert 0 < stage["busy_s"] <= r["wall_s"] * stage["instances"], (name, stage)
        assert stage["per_s"] == pytest.approx(ARTICLES / stage["busy_s"], rel=0.02, abs=0.01), (name, stage)
    # The enrich task loads spaCy for seconds: the sampler (every 0.5 s) sees its process.
    assert r["stages"]["enrich"]["peak_rss_mb"] > 50
    assert r["overhead_s"] >= 0 and 0 <= r["idle_s"] < r["wall_s"]
    # CPU seconds beside the limit's: the enrich tasks' share is part of the Airflow processes' total.
    assert 0 < r["stages"]["enrich"]["cpu_s"] < r["cpu"]["airflow"] <= r["cpu_s"], r["cpu"]
    assert r["cpu_s"] == pytest.approx(r["cpu"]["airflow"] + (r["cpu"]["opensearch"] or 0), abs=0.2)
    # The publishers' pages come from a process of the bench's own, reported apart (not the product's;
    # a few dozen pages may cost less than the clock's tick).
    assert r["cpu"]["sample_site"] >= 0, r["cpu"]
    assert r["limit_cpu_s"] > 0 and r["cpu_ratio"] == pytest.approx(r["limit_cpu_s"] / r["cpu_s"], rel=0.01)
    # The bench's index is gone afterwards.
    assert not opensearch_client.indices.get_alias(index="bench-e2e-*", ignore_unavailable=True)


def test_a_killed_bench_stops_what_it_started(opensearch_url, opensearch_client):
    """SIGTERM (a kill, a CI timeout) once the private Airflow is up: its Airflow and PostgreSQL are
    stopped and its folder removed, not left running."""
    import signal
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    import psutil

    def bench_folders() -> set[Path]:
        return set(Path(tempfile.gettempdir()).glob("newsingest-e2e-*"))

    def bench_indices() -> set[str]:
        return set(opensearch_client.indices.get_alias(index="bench-e2e-*", ignore_unavailable=True))

    before, indices_before = bench_folders(), bench_indices()
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsingest.cli", "bench", "e2e", "--articles", "8", "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = ""
        assert proc.stderr is not None
        while "running news_ingest" not in seen:
            line = proc.stderr.readline()
            assert line, f"the bench ended before its Airflow was up: {seen[-3000:]}"
            seen += line
        (folder,) = bench_folders() - before
        # Airflow runs under the bench's process; PostgreSQL detaches, but its data lives in the folder.
        started = psutil.Process(proc.pid).children(recursive=True) + [
            p for p in psutil.process_iter(["cmdline"]) if str(folder) in " ".join(p.info["cmdline"] or [])
        ]
        names = [_cmdline(p) for p in started]
        assert any("airflow" in n for n in names) and any("postgres" in n for n in names), names
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=300) == 128 + signal.SIGTERM
    finally:
        if proc.poll() is None:  # a failed assertion above: still stop the bench cleanly
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
    _, alive = psutil.wait_procs(started, timeout=60)
    assert not alive, [p.pid for p in alive]
    assert not folder.exists()
    assert bench_indices() <= indices_before  # its index is deleted too


def _cmdline(proc) -> str:
    import psutil

    try:
        return " ".join(proc.cmdline())
    except psutil.Error:  # ended (or a zombie) meanwhile
        return ""
