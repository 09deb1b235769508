"""Benchmark workers, run as ``python -m newsingest.bench.crawl.workers <ours|scrapy> <urls-file> ...``.

Each prints one JSON line: pages requested, pages fetched OK, seconds, peak RSS (KiB), CPU seconds.
Timing starts after imports, so interpreter start-up is not counted for either crawler.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

LOOPBACK_HOSTS = ("127.", "localhost", "[::1]", "::1")


def unthrottled_loopback(key: str, rate: float) -> float:
    """The benchmark's throttle policy: no rate limit on loopback hosts, the source's rate elsewhere."""
    return float("inf") if key.startswith(LOOPBACK_HOSTS) else rate


def _usage() -> tuple[int, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def run_ours(urls: list[str], concurrency: int, storage_root: str) -> dict[str, float]:
    """Our fetch stage as the pipeline runs it (robots.txt, WARC, validators); loopback politeness relaxed."""
    from dataclasses import replace

    from newsingest.config import load_settings
    from newsingest.crawl.config import CrawlConfig
    from newsingest.crawl.fetch import fetch_urls
    from newsingest.models import DiscoveredURL, FetchResult
    from newsingest.sources import Source

    base = urls[0].split("/bulk/", 1)[0]
    settings = replace(load_settings(), storage_root=storage_root)
    source = Source(
        name="bulk",
        homepage=base + "/",
        sitemaps=[base + "/bulk/sitemap.xml"],
        allow_private=True,
        rate_limit=1000.0,
    )
    config = CrawlConfig(
        host_concurrency=concurrency,
        global_concurrency=concurrency,
        http2=False,
    )
    items = [DiscoveredURL(url=u, source="bulk", channels=["sitemap"]) for u in urls]
    counts = {"ok": 0}

    def count(result: FetchResult) -> None:  # like Scrapy's parse callback: count and drop
        counts["ok"] += result.ok

    _, cpu0 = _usage()
    started = time.perf_counter()
    fetch_urls(
        items,
        [source],
        run_id="bench",
        settings=settings,
        config=config,
        force=True,
        on_result=count,
        host_rate=unthrottled_loopback,
    )
    seconds = time.perf_counter() - started
    rss, cpu1 = _usage()
    return {
        "pages": len(urls),
        "ok": counts["ok"],
        "seconds": seconds,
        "rss_kib": rss,
        "cpu_seconds": cpu1 - cpu0,
    }


def run_scrapy(urls: list[str], concurrency: int) -> dict[str, float]:
    """Scrapy with the same concurrency, robots.txt obeyed, no delay, responses counted and dropped."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    counts = {"ok": 0}

    class BulkSpider(scrapy.Spider):
        name = "bulk"

        async def start(self):  # Scrapy >= 2.13
            for url in urls:
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

        def parse(self, response: scrapy.http.Response) -> None:
            if response.status == 200:
                counts["ok"] += 1

    process = CrawlerProcess(
        settings={
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": True,
            "LOG_LEVEL": "ERROR",
            "TELNETCONSOLE_ENABLED": False,
            "COOKIES_ENABLED": False,
            "USER_AGENT": "newsingest-bench-scrapy/0.1",
        }
    )
    marks: dict[str, float] = {}

    def opened(spider: scrapy.Spider) -> None:
        marks["start"], marks["cpu0"] = time.perf_counter(), _usage()[1]

    def closed(spider: scrapy.Spider) -> None:
        marks["end"], marks["cpu1"] = time.perf_counter(), _usage()[1]

    crawler = process.create_crawler(BulkSpider)
    crawler.signals.connect(opened, signal=scrapy.signals.spider_opened)
    crawler.signals.connect(closed, signal=scrapy.signals.spider_closed)
    process.crawl(crawler)
    process.start()
    rss, _ = _usage()
    # Timed from spider_opened to spider_closed: Scrapy's component loading is not counted.
    return {
        "pages": len(urls),
        "ok": counts["ok"],
        "seconds": marks["end"] - marks["start"],
        "rss_kib": rss,
        "cpu_seconds": marks["cpu1"] - marks["cpu0"],
    }


def serve(port_file: str) -> None:
    """Run the sample site on an ephemeral loopback port, writing its URL to ``port_file``."""
    from newsingest.sample_site.server import start_site

    site = start_site("127.0.0.1", 0)
    Path(port_file).write_text(site.url)
    try:
        while True:
            time.sleep(3600)
    finally:
        site.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="newsingest.bench.crawl.workers")
    parser.add_argument("crawler", choices=["ours", "scrapy", "serve"])
    parser.add_argument("path", help="URL list file (one per line), or the port file for 'serve'")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--storage-root", default="")
    args = parser.parse_args(argv)
    if args.crawler == "serve":
        serve(args.path)
        return
    urls = [line.strip() for line in Path(args.path).read_text().splitlines() if line.strip()]
    if args.crawler == "ours":
        out = run_ours(urls, args.concurrency, args.storage_root)
    else:
        out = run_scrapy(urls, args.concurrency)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
