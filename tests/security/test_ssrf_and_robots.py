"""SSRF and robots.txt, complementing tests/unit/crawl/test_ssrf.py and tests/integration/crawl.

The crawl room's tests cover redirect hops to IP literals. These add: direct fetches of names and
number spellings that resolve to loopback while a real service listens there (so a missing guard would
succeed, not just time out), discovery documents (feeds and sitemaps) behind such redirects, the
opt-in, and robots.txt rules aimed at our user agent for articles, feeds and sitemaps alike.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.discover import discover_report
from newsingest.crawl.fetch import fetch_urls
from newsingest.models import DiscoveredURL
from newsingest.sources import Source

START, END = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)
FAST = CrawlConfig(connect_timeout=2.0, read_timeout=3.0, max_attempts=1, backoff_base=0.01, backoff_max=0.05)

# Spellings of a loopback host: names from /etc/hosts and the resolver, and IPv4/IPv6 number forms.
LOOPBACK_FORMS = [
    "localhost",
    "LOCALHOST",
    socket.gethostname(),  # the machine's own name resolves to a local address here
    "127.1",
    "0x7f.0.0.1",
    "2130706433",
    "0.0.0.0",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:127.0.0.1]",
    "[::ffff:127.0.0.1]",
]


def _resolves_locally(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host.strip("[]"), 80)
    except OSError:
        return False
    return all(i[4][0].startswith(("127.", "0.0.0.0", "::ffff:127.", "::1")) for i in infos)


def _source(base: str, *, allow_private: bool, name: str = "guarded", **extra) -> Source:
    return Source(
        name=name,
        homepage=base + "/",
        feeds=[base + "/ledger/feed.xml"],
        allow_private=allow_private,
        rate_limit=200.0,
        **extra,
    )


@pytest.mark.parametrize("host", LOOPBACK_FORMS)
def test_direct_fetch_of_loopback_spellings_is_refused(sample_site, iso_settings, host: str) -> None:
    if not _resolves_locally(host):
        pytest.skip(f"{host} does not resolve to a local address on this machine")
    url = f"http://{host}:{sample_site.port}/bulk/article/1.html"
    src = _source(f"http://{host}:{sample_site.port}", allow_private=False)
    [res] = fetch_urls([DiscoveredURL(url=url, source=src.name)], [src], run_id="ssrf", settings=iso_settings,
                       config=FAST)  # fmt: skip
    # robots.txt is the first request to a host, so the guard stops the crawl there.
    assert res.error_class in ("ssrf", "robots_unavailable"), (res.error_class, res.error)
    assert "refused to connect" in (res.error or ""), res.error
    assert not res.ok and res.bytes == 0


def test_opt_in_reaches_the_same_service(sample_site, iso_settings) -> None:
    """The control for the test above: with ``allow_private`` the very same URL is fetched."""
    url = f"http://localhost:{sample_site.port}/bulk/article/1.html"
    src = _source(f"http://localhost:{sample_site.port}", allow_private=True)
    [res] = fetch_urls([DiscoveredURL(url=url, source=src.name)], [src], run_id="ssrf", settings=iso_settings,
                       config=FAST)  # fmt: skip
    assert res.ok and res.status == 200


@pytest.mark.parametrize(
    "target",
    ["http://localhost:{port}/bulk/sitemap.xml?n=3", "http://[::ffff:127.0.0.1]:{port}/bulk/sitemap.xml?n=3",
     "http://169.254.169.254/latest/meta-data/"],
)  # fmt: skip
def test_sitemap_and_feed_redirects_to_private_targets_are_refused(
    sample_site, iso_settings, target: str
) -> None:
    host = f"127.0.0.1:{sample_site.port}"
    config = replace(FAST, ssrf_exempt=(host,))  # the site itself is exempt, the redirect targets are not
    hop = sample_site.url + "/misbehave/redirect?to=" + quote(target.format(port=sample_site.port), safe="")
    src = Source(name="guarded", homepage=sample_site.url + "/", feeds=[hop + "&kind=feed"],
                 sitemaps=[hop + "&kind=sitemap"], allow_private=False, rate_limit=200.0)  # fmt: skip
    report = discover_report(src, START, END, settings=iso_settings, config=config)
    classes = {d.channel: d.error_class for d in report.documents}
    assert set(classes.values()) == {"ssrf"}, [(d.url, d.error_class, d.error) for d in report.documents]
    assert report.urls == []


def test_robots_rules_for_our_agent_cover_articles_feeds_and_sitemaps(sample_site, iso_settings) -> None:
    """The sample site's robots.txt bans ``BadBot`` from everything; run as BadBot, nothing is fetched."""
    banned = replace(iso_settings, user_agent="BadBot/2.0 (+https://example.invalid/bot)")
    base = sample_site.url
    src = Source(name="ledger", homepage=base + "/ledger/", feeds=[base + "/ledger/feed.xml"],
                 sitemaps=[base + "/ledger/sitemap.xml"], allow_private=True, rate_limit=200.0)  # fmt: skip
    report = discover_report(src, START, END, settings=banned, config=FAST)
    assert report.documents and {d.error_class for d in report.documents} == {"robots"}, report.documents
    assert report.urls == []
    page_url = DiscoveredURL(url=base + "/bulk/article/3.html", source="ledger")
    [page] = fetch_urls([page_url], [src], run_id="r", settings=banned, config=FAST)
    assert page.error_class == "robots" and page.attempts == 0

    # The control: our own agent is allowed the same documents.
    report = discover_report(src, START, END, settings=iso_settings, config=FAST)
    assert {d.error_class for d in report.documents} == {None} and report.urls


def test_disallowed_sitemap_path_is_not_fetched(sample_site, iso_settings) -> None:
    base = sample_site.url
    src = Source(name="ledger", homepage=base + "/ledger/", sitemaps=[base + "/private/sitemap.xml"],
                 allow_private=True, rate_limit=200.0)  # fmt: skip
    report = discover_report(src, START, END, settings=iso_settings, config=FAST)
    [doc] = report.documents
    assert doc.error_class == "robots" and doc.status is None


def test_one_unparseable_host_does_not_sink_the_batch(sample_site, iso_settings) -> None:
    src = _source(sample_site.url, allow_private=True)
    urls = [
        DiscoveredURL(url=f"{sample_site.url}/bulk/article/1.html", source=src.name),
        DiscoveredURL(url=f"http://0177.0.0.1:{sample_site.port}/bulk/article/2.html", source=src.name),
    ]
    good, bad = fetch_urls(urls, [src], run_id="r", settings=iso_settings, config=FAST)
    assert good.ok
    assert bad.error_class in ("bad_url", "ssrf") and not bad.ok


def test_one_hostile_feed_does_not_sink_discovery(iso_settings, tmp_path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hostile = b'<feed xmlns="http://wvw.w3.org/2005/Atom"><entry><linkS href="https://x/a"/></entry></feed>'

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body, ctype = (
                (hostile, "application/atom+xml") if self.path == "/feed.xml" else (b"", "text/plain")
            )
            self.send_response(200 if self.path == "/feed.xml" else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        src = Source(name="hostile", homepage=base + "/", feeds=[base + "/feed.xml"], allow_private=True,
                     rate_limit=200.0)  # fmt: skip
        report = discover_report(src, START, END, settings=iso_settings, config=FAST)
        [doc] = report.documents
        assert doc.error_class is not None  # reported as a bad document, the run goes on
    finally:
        server.shutdown()
        server.server_close()
