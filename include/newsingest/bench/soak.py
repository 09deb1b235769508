"""Soak run: the pipeline's stage runners over the sample site's bulk articles, batch after batch.

One discovery over ``/bulk/sitemap.xml?n=N``, then for each batch of URLs the same stage runners the DAG
calls (fetch, clean, enrich, load), each timed, with the process's resident memory sampled every 50 ms.
The report gives throughput per stage over time and peak memory per stage, and judges whether memory
stays flat: after the first batch (which loads the models), the resident size at the end of each batch
may not grow by more than ``flat_tolerance_mb`` from the second batch to the last.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil

from newsingest import layout, pipeline, storage
from newsingest.config import Settings

STAGES = ("fetch", "clean", "enrich", "load")
SOAK_HOST_CONCURRENCY = 8  # connections to the sample site's bulk host


@dataclass
class StageSample:
    """One stage of one batch."""

    batch: int
    stage: str
    items_in: int
    items_out: int
    seconds: float
    rss_peak_mb: float
    rss_end_mb: float

    @property
    def per_second(self) -> float:
        return self.items_in / self.seconds if self.seconds > 0 else 0.0


@dataclass
class SoakReport:
    articles: int
    batch_size: int
    discovered: int = 0
    discover_seconds: float = 0.0
    samples: list[StageSample] = field(default_factory=list)
    started_rss_mb: float = 0.0
    flat_tolerance_mb: float = 64.0
    wall_seconds: float = 0.0

    def batch_end_rss(self) -> list[float]:
        """Resident size after each batch (the end of its last stage)."""
        ends: dict[int, float] = {}
        for s in self.samples:
            ends[s.batch] = s.rss_end_mb
        return [ends[b] for b in sorted(ends)]

    @property
    def growth_mb(self) -> float:
        """Resident growth from the end of batch 2 to the end of the last batch (batch 1 loads models)."""
        ends = self.batch_end_rss()
        return ends[-1] - ends[1] if len(ends) >= 3 else 0.0

    @property
    def flat(self) -> bool:
        return self.growth_mb <= self.flat_tolerance_mb

    def peak_by_stage(self) -> dict[str, float]:
        peaks: dict[str, float] = {}
        for s in self.samples:
            peaks[s.stage] = max(peaks.get(s.stage, 0.0), s.rss_peak_mb)
        return peaks

    def throughput(self, stage: str, batch: int) -> float:
        return next((s.per_second for s in self.samples if s.stage == stage and s.batch == batch), 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "batch_size": self.batch_size,
            "discovered": self.discovered,
            "discover_seconds": round(self.discover_seconds, 2),
            "wall_seconds": round(self.wall_seconds, 1),
            "started_rss_mb": round(self.started_rss_mb, 1),
            "batch_end_rss_mb": [round(x, 1) for x in self.batch_end_rss()],
            "growth_mb": round(self.growth_mb, 1),
            "flat": self.flat,
            "peak_rss_mb_by_stage": {k: round(v, 1) for k, v in self.peak_by_stage().items()},
            "samples": [{**s.__dict__, "per_second": round(s.per_second, 1)} for s in self.samples],
        }


class _RSSSampler:
    """Samples this process's resident set size in a background thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self._proc = psutil.Process()
        self._interval = interval
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="soak-rss", daemon=True)

    def rss(self) -> int:
        return int(self._proc.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._peak = max(self._peak, self.rss())

    def __enter__(self) -> _RSSSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset_peak(self) -> None:
        self._peak = self.rss()

    def peak(self) -> int:
        return max(self._peak, self.rss())


def _sources_yaml(path: Path, site_url: str, n: int) -> Path:
    path.write_text(
        "sources:\n"
        "  - name: bulk\n"
        f"    homepage: {site_url}/bulk/\n"
        f'    sitemaps: ["{site_url}/bulk/sitemap.xml?n={n}"]\n'
        "    rate_limit: 1000\n"
        "    allow_private: true\n",
        encoding="utf-8",
    )
    return path


def run_soak(
    settings: Settings,
    *,
    articles: int = 2000,
    batch_size: int = 500,
    site_url: str | None = None,
    client: Any = None,
    alias: str | None = None,
    enrich: bool = True,
    flat_tolerance_mb: float = 64.0,
    progress: Callable[[str], None] | None = None,
) -> SoakReport:
    """Run the stages over ``articles`` bulk articles in batches; ``client=None`` skips the load stage.

    Without ``site_url`` the sample site is started in a child process on a free loopback port. Stage
    files go to a temporary storage root that is removed afterwards; the index behind ``alias`` is
    left for the caller to inspect or drop.
    """
    if articles < 1 or batch_size < 1:
        raise ValueError(f"articles and batch_size must be >= 1 (got {articles}, {batch_size})")
    say = progress or (lambda line: None)
    from newsingest.sample_site.bulk import MAX_N, WINDOW_START

    if articles > MAX_N:
        raise ValueError(f"articles must be <= {MAX_N} (the bulk sitemap's limit), got {articles}")
    site = None
    if site_url is None:
        site, site_url = _start_site_process()
    report = SoakReport(articles=articles, batch_size=batch_size, flat_tolerance_mb=flat_tolerance_mb)
    alias = alias or settings.index_alias
    started = time.perf_counter()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="newsingest-soak-") as tmp,
            _RSSSampler() as rss,
        ):
            # The stages get their configuration passed down: eight connections to the one bulk host
            # (its source allows 1000 requests/s, above what the fetch stage reaches here).
            cfg = replace(
                settings,
                storage_root=str(Path(tmp) / "storage"),
                sources_file=_sources_yaml(Path(tmp) / "sources.yaml", site_url, articles),
                index_alias=alias,
                crawl=replace(settings.crawl, host_concurrency=SOAK_HOST_CONCURRENCY),
            )
            report.started_rss_mb = rss.rss() / 2**20
            run = f"soak-{uuid.uuid4().hex[:8]}"
            t0 = time.perf_counter()
            found = pipeline.discover_stage(cfg, run, "bulk", WINDOW_START, WINDOW_START + timedelta(days=8))
            report.discover_seconds = time.perf_counter() - t0
            report.discovered = found["discovered"]
            say(f"discovered {found['discovered']} URLs in {report.discover_seconds:.1f}s")
            rows = list(storage.read_jsonl_gz(found["path"]))
            lookup = None
            if client is not None and enrich:
                from newsingest.load.index import ensure_index
                from newsingest.load.search import cluster_candidates

                ensure_index(client, alias=alias)

                def lookup(bands: list[str]) -> list[dict]:
                    return cluster_candidates(client, alias, bands)

            for number, first in enumerate(range(0, len(rows), batch_size), 1):
                batch_run = f"{run}-b{number:04d}"
                path = layout.stage_path(cfg.storage_root, batch_run, "discover", "bulk", "all")
                storage.write_jsonl_gz(path, rows[first : first + batch_size])
                _run_batch(cfg, report, rss, number, batch_run, path, client, lookup, enrich, say)
                # keep disk use flat too: a batch's files are not needed later
                _remove(Path(layout.run_dir(cfg.storage_root, batch_run)))
                _remove(Path(layout.warc_dir(cfg.storage_root, batch_run)))
    finally:
        if site is not None:
            site.terminate()
            site.wait(timeout=10)
    report.wall_seconds = time.perf_counter() - started
    return report


def _start_site_process() -> tuple[subprocess.Popen[bytes], str]:
    """The sample site in its own process, so its page cache does not count as pipeline memory."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    code = f"from newsingest.sample_site.server import serve_forever; serve_forever('127.0.0.1', {port})"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"the sample site process exited: {err[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/robots.txt", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the sample site did not answer on {url} within 60 s")


def _run_batch(
    cfg: Settings,
    report: SoakReport,
    rss: _RSSSampler,
    number: int,
    run_id: str,
    discover_path: str,
    client: Any,
    lookup: Callable[[list[str]], list[dict]] | None,
    enrich: bool,
    say: Callable[[str], None],
) -> None:
    def timed(stage: str, items_in: int, call: Callable[[], dict[str, Any]], out_key: str) -> dict[str, Any]:
        rss.reset_peak()
        t0 = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - t0
        sample = StageSample(
            batch=number,
            stage=stage,
            items_in=items_in,
            items_out=int(result.get(out_key, 0) or 0),
            seconds=seconds,
            rss_peak_mb=rss.peak() / 2**20,
            rss_end_mb=rss.rss() / 2**20,
        )
        report.samples.append(sample)
        say(
            f"batch {number:3d} {stage:6s} {sample.items_in:5d} -> {sample.items_out:5d} "
            f"in {seconds:6.1f}s ({sample.per_second:7.1f}/s)  "
            f"rss peak {sample.rss_peak_mb:7.1f} MB, end {sample.rss_end_mb:7.1f} MB"
        )
        return result

    n = sum(1 for _ in storage.read_jsonl_gz(discover_path))
    fetched = timed("fetch", n, lambda: pipeline.fetch_stage(cfg, run_id, "bulk", discover_path), "fetched")
    cleaned = timed(
        "clean",
        fetched["attempted"],
        lambda: pipeline.clean_stage(cfg, run_id, "bulk", fetched["path"]),
        "cleaned",
    )
    if not enrich:
        return
    enriched = timed(
        "enrich",
        cleaned["cleaned"],
        lambda: pipeline.enrich_stage(cfg, run_id, "bulk", cleaned["path"], cluster_lookup=lookup),
        "enriched",
    )
    if client is None:
        return
    timed(
        "load",
        enriched["enriched"],
        lambda: pipeline.load_stage(cfg, run_id, "bulk", enriched["path"], client),
        "received",
    )


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _ratio(ours: float, anchor: float) -> float:
    return ours / anchor if anchor else 0.0


def format_report(report: SoakReport) -> str:
    """A text table: throughput per stage per batch, peak memory per stage, and the flatness verdict."""
    stages = [s for s in STAGES if any(x.stage == s for x in report.samples)]
    batches = sorted({s.batch for s in report.samples})
    lines = [
        f"soak: {report.articles} articles in batches of {report.batch_size}; discovered {report.discovered} "
        f"in {report.discover_seconds:.1f}s; wall {report.wall_seconds:.0f}s",
        "",
        "throughput (items/s) per batch:",
        "batch " + "".join(f"{s:>10s}" for s in stages) + "   rss end (MB)",
    ]
    ends = report.batch_end_rss()
    for i, b in enumerate(batches):
        row = "".join(f"{report.throughput(s, b):10.1f}" for s in stages)
        lines.append(f"{b:5d} {row}   {ends[i]:10.1f}")
    if len(batches) >= 2:
        first, last = batches[0], batches[-1]
        ratios = "".join(
            f"{_ratio(report.throughput(s, last), report.throughput(s, first)):10.2f}" for s in stages
        )
        lines.append(f"ratio {ratios}   (last batch / first batch)")
    lines += ["", "peak resident memory by stage (MB): " + ", ".join(
        f"{k} {v:.0f}" for k, v in report.peak_by_stage().items())]  # fmt: skip
    verdict = "flat" if report.flat else "GROWING"
    lines.append(
        f"memory: started {report.started_rss_mb:.0f} MB; growth from batch 2 to the last "
        f"{report.growth_mb:+.1f} MB (tolerance {report.flat_tolerance_mb:.0f} MB): {verdict}"
    )
    return "\n".join(lines)
