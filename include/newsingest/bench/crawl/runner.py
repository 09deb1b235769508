"""Run the crawl benchmark: sample site in one process, each crawler in its own, figures side by side."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from newsingest.crawl.sitemaps import parse_sitemap

SCRAPY_HINT = (
    "install the bench extras: VIRTUAL_ENV=.venv uv pip install --require-hashes -r requirements-bench.lock"
)


class BenchError(RuntimeError):
    """The benchmark could not run (site did not start, a worker failed)."""


@dataclass
class Run:
    crawler: str
    pages: int
    ok: int
    seconds: float
    rss_kib: int
    cpu_seconds: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_seconds / self.pages if self.pages else 0.0


@dataclass
class Report:
    n: int
    concurrency: int
    runs: list[Run] = field(default_factory=list)  # main comparison, all repeats
    scaling: list[Run] = field(default_factory=list)  # memory at several N

    def median(self, crawler: str, attr: str) -> float:
        values = [getattr(r, attr) for r in self.runs if r.crawler == crawler]
        return statistics.median(values) if values else float("nan")


class _Site:
    """The sample site in a subprocess on an ephemeral loopback port."""

    def __init__(self, workdir: Path) -> None:
        port_file = workdir / "site-url"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsingest.bench.crawl.workers", "serve", str(port_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                self.stop()
                raise BenchError(f"sample site did not start: {err[-500:]}")
            time.sleep(0.1)
        self.url = port_file.read_text().strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _bulk_urls(site_url: str, n: int) -> list[str]:
    resp = httpx.get(f"{site_url}/bulk/sitemap.xml", params={"n": n}, timeout=60)
    resp.raise_for_status()
    urls = [u.url for u in parse_sitemap(resp.content, source="bulk", sitemap_url=str(resp.url)).urls]
    if len(urls) != n:
        raise BenchError(f"bulk sitemap listed {len(urls)} URLs, expected {n}")
    return urls


def _worker(crawler: str, urls_file: Path, concurrency: int, storage_root: Path) -> Run:
    cmd = [
        sys.executable,
        "-m",
        "newsingest.bench.crawl.workers",
        crawler,
        str(urls_file),
        "--concurrency",
        str(concurrency),
        "--storage-root",
        str(storage_root),
    ]
    # The worker inherits this environment and reads its settings with load_settings() (its entry point).
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-5:]
        if crawler == "scrapy" and "No module named 'scrapy'" in proc.stderr:
            raise BenchError(f"Scrapy is not installed; {SCRAPY_HINT}")
        raise BenchError(f"{crawler} worker failed (exit {proc.returncode}): " + " | ".join(tail))
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(
        crawler,
        int(data["pages"]),
        int(data["ok"]),
        float(data["seconds"]),
        int(data["rss_kib"]),
        float(data["cpu_seconds"]),
    )


def run_benchmark(
    n: int = 2000,
    *,
    concurrency: int = 16,
    repeats: int = 2,
    scaling: tuple[int, ...] = (),
    anchor: bool = True,
    echo: Callable[[str], None] = print,
) -> Report:
    """Fetch ``n`` bulk pages with our crawler and with Scrapy, alternating, ``repeats`` times each."""
    report = Report(n=n, concurrency=concurrency)
    with tempfile.TemporaryDirectory(prefix="newsingest-bench-crawl-") as tmp:
        work = Path(tmp)
        site = _Site(work)
        try:
            echo(f"sample site at {site.url}; {n} bulk pages, concurrency {concurrency}")
            urls_file = work / f"urls-{n}.txt"
            urls_file.write_text("\n".join(_bulk_urls(site.url, n)) + "\n")
            echo("warm-up pass (renders every page once on the server; not measured)")
            _worker("ours", urls_file, concurrency, work / "warmup")
            for i in range(repeats):
                order = ("scrapy", "ours") if i % 2 == 0 else ("ours", "scrapy")
                for crawler in order:
                    if crawler == "scrapy" and not anchor:
                        continue
                    run = _worker(crawler, urls_file, concurrency, work / f"store-{i}")
                    report.runs.append(run)
                    echo(
                        f"  {crawler:6s} run {i + 1}: {run.pages_per_s:7.1f} pages/s, "
                        f"{run.ok}/{run.pages} ok, "
                        f"peak RSS {run.rss_kib / 1024:.0f} MiB, {run.cpu_ms_per_page:.2f} CPU ms/page"
                    )
            for size in scaling:
                size_file = work / f"urls-{size}.txt"
                size_file.write_text("\n".join(_bulk_urls(site.url, size)) + "\n")
                for crawler in ("ours", "scrapy") if anchor else ("ours",):
                    run = _worker(crawler, size_file, concurrency, work / f"scale-{size}")
                    report.scaling.append(run)
                    echo(
                        f"  scaling {crawler:6s} N={size:6d}: peak RSS {run.rss_kib / 1024:.0f} MiB, "
                        f"{run.pages_per_s:.1f} pages/s"
                    )
        finally:
            site.stop()
    return report


def format_report(report: Report) -> str:
    """The side-by-side table."""
    lines = [
        f"crawl benchmark: N={report.n}, concurrency={report.concurrency}, medians of "
        f"{sum(r.crawler == 'ours' for r in report.runs)} runs each"
    ]
    lines.append(f"{'':24s}{'newsingest':>14s}{'scrapy':>14s}{'ratio':>10s}")
    for label, attr, fmt in (
        ("pages/s", "pages_per_s", "{:.1f}"),
        ("peak RSS (MiB)", "rss_kib", "{:.0f}"),
        ("CPU ms/page (client)", "cpu_ms_per_page", "{:.2f}"),
        ("pages OK", "ok", "{:.0f}"),
    ):
        ours = report.median("ours", attr)
        theirs = report.median("scrapy", attr)
        if attr == "rss_kib":
            ours, theirs = ours / 1024, theirs / 1024
        ratio = ours / theirs if theirs and theirs == theirs else float("nan")
        lines.append(f"{label:24s}{fmt.format(ours):>14s}{fmt.format(theirs):>14s}{ratio:>10.2f}")
    if report.scaling:
        sizes = sorted({r.pages for r in report.scaling} | {report.n})
        lines.append("peak RSS (MiB) by N:      " + "  ".join(f"N={s}" for s in sizes))
        for crawler in ("ours", "scrapy"):
            cells = []
            for size in sizes:
                rows = [
                    r for r in [*report.scaling, *report.runs] if r.crawler == crawler and r.pages == size
                ]
                cells.append(f"{statistics.median(r.rss_kib for r in rows) / 1024:.0f}" if rows else "-")
            if any(c != "-" for c in cells):
                lines.append(
                    f"  {crawler:22s}  "
                    + "  ".join(f"{c:>{len(f'N={s}')}s}" for c, s in zip(cells, sizes, strict=True))
                )
    return "\n".join(lines)
