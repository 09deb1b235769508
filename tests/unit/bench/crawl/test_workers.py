"""The crawl benchmark relaxes politeness by a throttle policy given to the fetcher, not by product config."""

from __future__ import annotations

from dataclasses import fields

from newsingest.bench.crawl.workers import unthrottled_loopback
from newsingest.crawl.client import Fetcher
from newsingest.crawl.config import CrawlConfig

UA = "newsingest-test/0 (+https://example.org/)"


def test_policy_lifts_the_limit_on_loopback_only():
    assert unthrottled_loopback("127.0.0.1:8802", 2.0) == float("inf")
    assert unthrottled_loopback("localhost:80", 2.0) == float("inf")
    assert unthrottled_loopback("news.example.org:443", 2.0) == 2.0


def test_fetcher_applies_the_policy_it_is_given():
    product = Fetcher(CrawlConfig(), UA)
    bench = Fetcher(CrawlConfig(), UA, host_rate=unthrottled_loopback)
    assert product.host("http://127.0.0.1:8802/a", 1.0).bucket.rate == 1.0
    assert bench.host("http://127.0.0.1:8802/a", 1.0).bucket.rate == float("inf")
    assert bench.host("https://news.example.org/a", 1.0).bucket.rate == 1.0


def test_product_config_has_no_benchmark_knob():
    assert not [f.name for f in fields(CrawlConfig) if "relax" in f.name or "loopback" in f.name]
