"""Fetch behaviour against the sample site's misbehaving routes (real HTTP on loopback)."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from newsingest.crawl.archive import iter_archive, read_response
from newsingest.crawl.fetch import fetch_urls
from newsingest.models import FetchResult, FetchSummary
from newsingest.quality.figures import fetch_figures
from newsingest.sample_site.misbehave import CHARSET_MODES
from newsingest.sample_site.server import start_site


@pytest.fixture()
def fetch(sample_site, crawl_settings, fast_config, make_source, make_urls):
    """``fetch(*paths, config=..., source=...)`` -> list[FetchResult] for sample-site paths."""

    def run(*paths: str, config=None, source=None, run_id: str = "run-1", force: bool = False):
        src = source or make_source(sample_site.url)
        items = make_urls(sample_site.url, *paths, source=src.name)
        return fetch_urls(
            items, [src], run_id=run_id, settings=crawl_settings, config=config or fast_config, force=force
        )

    return run



def _figures(results: list[FetchResult]) -> dict:
    """The gate's fetch figures of one source's results (what crawl/health.py summarised before)."""
    return fetch_figures(FetchSummary.of_results(results[0].source, results).to_dict())

def test_retries_5xx_with_backoff_then_succeeds(fetch, sample_site) -> None:
    sample_site.reset_counters()
    [res] = fetch("/misbehave/flaky/retry-ok?fail=2&code=503")
    assert res.ok and res.status == 200 and res.attempts == 3 and res.error_class is None
    statuses = [
        r.status for r in iter_archive(res.warc_path) if r.rec_type == "response" and "flaky" in r.url
    ]
    assert statuses == [503, 503, 200]


def test_retries_are_bounded(fetch) -> None:
    [res] = fetch("/misbehave/status/500")
    assert not res.ok and res.error_class == "http_5xx" and res.status == 500 and res.attempts == 3


def test_retry_after_is_honoured(fetch, sample_site) -> None:
    sample_site.reset_counters()
    started = time.monotonic()
    [res] = fetch("/misbehave/flaky/ra?fail=1&code=429&retry_after=1")
    assert time.monotonic() - started >= 1.0  # backoff alone would be < 0.1 s
    assert res.ok and res.attempts == 2 and res.throttled
    health = _figures([res])
    assert health["throttled"] == 1 and health["retried"] == 1


def test_retry_after_beyond_cap_gives_up(fetch) -> None:
    started = time.monotonic()
    [res] = fetch("/misbehave/status/503?retry_after=3600")
    assert time.monotonic() - started < 2.0
    assert res.error_class == "http_5xx" and res.attempts == 1 and "Retry-After" in (res.error or "")


@pytest.mark.parametrize("path", ["/misbehave/status/404", "/misbehave/status/403", "/no/such/page.html"])
def test_no_retry_on_4xx(fetch, path: str) -> None:
    [res] = fetch(path)
    assert res.error_class == "http_4xx" and res.attempts == 1 and not res.ok


def test_timeouts_are_retried_then_reported(fetch, fast_config) -> None:
    config = replace(fast_config, read_timeout=0.3, max_attempts=2)
    started = time.monotonic()
    [res] = fetch("/misbehave/slow?delay=1.5", config=config)
    assert res.error_class == "timeout" and res.attempts == 2 and res.status is None
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    ("path", "error_class"), [("/misbehave/reset", "reset"), ("/misbehave/truncated", "reset")]
)
def test_connection_trouble_is_classified(fetch, fast_config, path: str, error_class: str) -> None:
    [res] = fetch(path, config=replace(fast_config, max_attempts=2))
    assert res.error_class == error_class and res.attempts == 2


def test_conditional_get_yields_not_modified(fetch, sample_site) -> None:
    first = fetch("/ledger/")[0]
    assert first.ok and first.status == 200
    second = fetch("/ledger/", run_id="run-2")[0]
    # A 304 is a successful fetch with nothing new: ok, not_modified, no body on the wire; the archived
    # 200 it confirms is carried into this run's archive, so the page can be processed again from it.
    assert second.not_modified and second.status == 304 and second.ok and second.bytes == 0
    assert second.archived_path and "/run-2/" in second.archived_path
    carried = second.model_copy(
        update={"warc_path": second.archived_path, "warc_offset": second.archived_offset}
    )
    assert read_response(carried).body == read_response(first).body
    assert second.archived_at == first.fetched_at
    forced = fetch("/ledger/", run_id="run-3", force=True)[0]
    assert forced.ok and forced.status == 200


def test_validators_follow_the_url_that_sent_them(
    static_server, crawl_settings, fast_config, make_source, make_urls
) -> None:
    static_server.add("/old", b"", "text/html", status=301, headers={"Location": "/new"})
    static_server.add("/new", "<html>new</html>", "text/html", headers={"ETag": '"n1"'})
    src = make_source(static_server.url)
    first = fetch_urls(
        make_urls(static_server.url, "/old"), [src], run_id="a", settings=crawl_settings, config=fast_config
    )[0]
    assert first.ok and first.redirects == [static_server.url + "/old"]
    second = fetch_urls(
        make_urls(static_server.url, "/old"), [src], run_id="b", settings=crawl_settings, config=fast_config
    )[0]
    assert second.not_modified and second.final_url == static_server.url + "/new"


def test_304s_and_redirects_keep_the_connection(
    static_server, crawl_settings, fast_config, make_source, make_urls
) -> None:
    """A rerun's 304s (and redirects with a short body) leave the connection open for the next URL: a
    bodiless response closed unread used to cost a new connection (a TLS handshake on real sites) per page."""
    paths = [f"/a{i}" for i in range(8)]
    for path in paths:
        static_server.add(path, f"<html>{path}</html>", "text/html", headers={"ETag": f'"{path}"'})
    static_server.add("/moved", b"<p>moved</p>", "text/html", status=301, headers={"Location": "/target"})
    static_server.add("/target", "<html>target</html>", "text/html", headers={"ETag": '"t"'})
    config = replace(fast_config, host_concurrency=1)
    src = make_source(static_server.url)

    def run(run_id: str) -> int:
        static_server.peers.clear()
        results = fetch_urls(
            make_urls(static_server.url, *paths, "/moved"),
            [src],
            run_id=run_id,
            settings=crawl_settings,
            config=config,
        )
        assert len(results) == 9 and all(r.ok for r in results)
        if run_id == "b":
            assert sum(r.not_modified for r in results) == 9
        return len(static_server.peers)

    assert run("a") == 1
    assert run("b") == 1  # eight 304s and a redirect to a 304, all on one connection


def test_robots_disallow_is_obeyed(fetch) -> None:
    [res] = fetch("/private/drafts.html")
    assert res.error_class == "robots" and res.status is None and res.attempts == 0
    assert _figures([res])["blocked_by_robots"] == 1


def test_crawl_delay_spaces_requests(crawl_settings, fast_config, make_source, make_urls) -> None:
    with start_site("127.0.0.1", 0, crawl_delay=0.4) as site:
        src = make_source(site.url, rate=100.0)
        items = make_urls(site.url, "/ledger/", "/buzz/", "/wire/", "/pulse/", source=src.name)
        fetch_urls(items[:1], [src], run_id="warm", settings=crawl_settings, config=fast_config)
        started = time.monotonic()
        results = fetch_urls(
            items, [src], run_id="r", settings=crawl_settings, config=fast_config, force=True
        )
        elapsed = time.monotonic() - started
    assert all(r.ok for r in results)
    # 4 pages 0.4 s apart (the first is free): at least 1.2 s although the source allows 100/s.
    assert elapsed >= 1.2


def test_robots_5xx_defers_the_host(
    static_server, crawl_settings, fast_config, make_source, make_urls
) -> None:
    static_server.add("/robots.txt", "down", "text/plain", status=503)
    static_server.add("/a.html", "<html>a</html>", "text/html")
    src = make_source(static_server.url)
    results = fetch_urls(
        make_urls(static_server.url, "/a.html", "/b.html"),
        [src],
        run_id="r",
        settings=crawl_settings,
        config=fast_config,
    )
    assert [r.error_class for r in results] == ["robots_unavailable", "robots_unavailable"]
    assert "/a.html" not in static_server.hits
    assert static_server.hits["/robots.txt"] == fast_config.max_attempts  # fetched once per run, retried
    health = _figures(results)
    assert health["fetch_problem"] and health["robots_unavailable"] == 2


def test_oversized_robots_txt_is_read_up_to_the_cap(
    static_server, crawl_settings, fast_config, make_source, make_urls
) -> None:
    padding = "# " + "x" * 97 + "\n"
    static_server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n" + padding * 6000, "text/plain")
    static_server.add("/a.html", "<html>a</html>", "text/html")
    src = make_source(static_server.url)
    page, private = fetch_urls(
        make_urls(static_server.url, "/a.html", "/private/x"),
        [src],
        run_id="r",
        settings=crawl_settings,
        config=fast_config,
    )
    assert page.ok and private.error_class == "robots"


@pytest.mark.parametrize("path", ["/misbehave/huge?mb=3", "/misbehave/huge?mb=3&chunked=1"])
def test_body_cap(fetch, path: str) -> None:
    [res] = fetch(path)
    assert res.error_class == "too_large" and not res.ok and res.attempts == 1


def test_gzip_bomb_is_refused_cheaply(fetch, sample_site) -> None:
    import tracemalloc

    fetch("/misbehave/gzip-bomb?mb=16", run_id="warm")  # the server builds (and caches) its bomb once
    tracemalloc.start()
    try:
        [res] = fetch("/misbehave/gzip-bomb?mb=16")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert res.error_class == "too_large" and "decompression" in (res.error or "")
    assert peak < 6 * 1024 * 1024, peak  # a 1 MiB cap: 16 MiB were never inflated


def test_redirects(fetch, fast_config) -> None:
    loop, chain, too_long = fetch(
        "/misbehave/redirect-loop", "/misbehave/redirect-chain?n=3", "/misbehave/redirect-chain?n=8"
    )
    assert loop.error_class == "redirect_loop"
    assert chain.ok and len(chain.redirects) == 3 and chain.final_url.endswith("redirect-chain?n=0")
    assert too_long.error_class == "too_many_redirects"
    assert len(too_long.redirects) == fast_config.max_redirects + 1  # the last redirect is not followed


def test_a_redirect_to_an_unparseable_url_is_a_bad_redirect(fetch) -> None:
    [res] = fetch("/misbehave/redirect?to=http%3A%2F%2F%5Bbad%2Fx")  # Location: http://[bad/x
    assert res.error_class == "bad_redirect" and "http://[bad/x" in (res.error or ""), res.error


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/x",
        "http://[::ffff:127.0.0.1]:9/x",
        "http://[::ffff:a9fe:a9fe]/latest/",
        "http://[fd00::1]/x",
        "http://[fe80::1]/x",
        "http://10.0.0.1/x",
        "http://2130706433:9/x",
    ],
)
def test_ssrf_refused_on_redirect_hops(
    sample_site, crawl_settings, fast_config, make_source, make_urls, target: str
) -> None:
    # The sample site itself is exempted (it lives on loopback); the hop it redirects to is not.
    host = f"127.0.0.1:{sample_site.port}"
    config = replace(fast_config, ssrf_exempt=(host,))
    src = make_source(sample_site.url, allow_private=False)
    from urllib.parse import quote

    items = make_urls(sample_site.url, f"/misbehave/redirect?to={quote(target, safe='')}", source=src.name)
    [res] = fetch_urls(items, [src], run_id="r", settings=crawl_settings, config=config)
    assert res.error_class == "ssrf", res.error
    assert res.redirects and res.final_url == target


def test_private_addresses_need_opt_in(
    sample_site, crawl_settings, fast_config, make_source, make_urls
) -> None:
    refused = make_source(sample_site.url, name="guarded", allow_private=False)
    allowed = make_source(sample_site.url, name="opted-in", allow_private=True)
    items = make_urls(sample_site.url, "/ledger/", source="guarded") + make_urls(
        sample_site.url, "/ledger/", "/misbehave/redirect?to=http%3A%2F%2F127.0.0.1%3A9%2F", source="opted-in"
    )
    guarded, ok, hop = fetch_urls(
        items,
        [refused, allowed],
        run_id="r",
        settings=crawl_settings,
        config=replace(fast_config, max_attempts=1),
    )
    assert guarded.error_class == "ssrf" and "loopback" in (guarded.error or "")
    assert ok.ok
    # The opt-in lets the hop through: its robots.txt is tried and nothing listens on port 9.
    assert hop.error_class == "robots_unavailable" and "connect" in (hop.error or "")


@pytest.mark.parametrize("mode", sorted(CHARSET_MODES))
def test_charset_handling(fetch, mode: str) -> None:
    [res] = fetch(f"/misbehave/charset/{mode}")
    assert res.ok
    text = read_response(res).text
    assert CHARSET_MODES[mode][0] in text, (res.encoding, text[:400])


@pytest.mark.parametrize(
    ("path", "detail"), [("/misbehave/not-html", "application/pdf"), ("/misbehave/binary", "PNG")]
)
def test_content_type_checks(fetch, path: str, detail: str) -> None:
    [res] = fetch(path)
    assert res.error_class == "content_type" and detail in (res.error or "")


def test_failing_host_is_given_up(fetch, fast_config) -> None:
    config = replace(fast_config, max_attempts=1, host_failure_limit=3, host_concurrency=1)
    results = fetch(*(f"/misbehave/status/502?i={i}" for i in range(6)), config=config)
    classes = [r.error_class for r in results]
    assert classes[:3] == ["http_5xx"] * 3 and classes[3:] == ["host_failing"] * 3
    health = _figures(results)
    assert "given up" in (health["fetch_problem"] or "") and health["given_up"] == 3


def test_idle_connections_are_bounded_across_hosts(sample_site, static_server, fast_config) -> None:
    import asyncio

    from newsingest.crawl.client import Fetcher

    config = replace(fast_config, max_idle_connections=2)
    urls = [
        f"{sample_site.url}/ledger/",
        f"{static_server.url}/robots.txt",
        f"http://localhost:{sample_site.port}/buzz/",
    ]

    async def run() -> tuple[list[int | None], int, int]:
        async with Fetcher(config, "newsingest-test/0 (+https://example.org/)") as fetcher:
            statuses = []
            for url in urls:
                resp = await fetcher.get(url, rate=100.0, allow_private=True, source="t")
                statuses.append(resp.status)
            idle = sum(len(lanes) for s in fetcher.host_states().values() for lanes in s.lanes.values())
            return statuses, idle, len(fetcher.host_states())

    statuses, idle, hosts = asyncio.run(run())
    assert statuses == [200, 200, 200] and hosts == 3
    assert idle == 2  # three hosts used, the oldest idle connection was closed


def test_a_host_httpx_refuses_is_one_bad_url_result(
    sample_site, crawl_settings, fast_config, make_source, make_urls
) -> None:
    """A host canonicalize lets through but httpx cannot encode (IDNA label too long) fails that URL only."""
    from newsingest.models import DiscoveredURL

    src = make_source(sample_site.url, allow_private=True)
    bad_url = "https://" + "ü" * 70 + ".example/x"
    items = [*make_urls(sample_site.url, "/bulk/article/1.html", source=src.name),
             DiscoveredURL(url=bad_url, source=src.name)]  # fmt: skip
    good, bad = fetch_urls(items, [src], run_id="r", settings=crawl_settings, config=fast_config)
    assert good.ok, good.error
    assert bad.error_class == "bad_url" and not bad.ok and "IDNA" in (bad.error or ""), bad.error


def test_an_unexpected_error_is_that_urls_result(
    sample_site, crawl_settings, fast_config, make_source, make_urls, monkeypatch
) -> None:
    """A bug hit by one URL becomes its result (error_class "error"); the batch and its archive go on."""
    from newsingest.crawl.client import Fetcher

    real_get = Fetcher.get

    async def get(self, url: str, **kwargs):
        if url.endswith("/2.html"):
            raise RuntimeError("a fetcher bug")
        return await real_get(self, url, **kwargs)

    monkeypatch.setattr(Fetcher, "get", get)
    src = make_source(sample_site.url)
    items = make_urls(sample_site.url, "/bulk/article/1.html", "/bulk/article/2.html", source=src.name)
    good, bad = fetch_urls(items, [src], run_id="r", settings=crawl_settings, config=fast_config)
    assert good.ok and read_response(good).status == 200
    assert bad.error_class == "error" and "RuntimeError: a fetcher bug" in (bad.error or "") and not bad.ok
