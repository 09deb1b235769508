"""The sample site over real HTTP: discovery channels, conditional GET, gzip, robots, misbehaviour."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import time
import urllib.robotparser
import uuid
from datetime import timedelta
from email.utils import format_datetime

import feedparser
import httpx
import pytest
from lxml import etree
from newsingest.sample_site.catalog import catalog, window_articles
from newsingest.sample_site.misbehave import CHARSET_MODES
from newsingest.sample_site.server import start_site

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def client(sample_site):
    with httpx.Client(base_url=sample_site.url, timeout=10) as c:
        yield c


def _sitemap_urls(client: httpx.Client, url: str) -> set[str]:
    resp = client.get(url)
    assert resp.status_code == 200, url
    tree = etree.fromstring(resp.content)
    if tree.tag == f"{SM}sitemapindex":
        found: set[str] = set()
        for loc in tree.iter(f"{SM}loc"):
            found |= _sitemap_urls(client, loc.text)
        return found
    return {loc.text for loc in tree.iter(f"{SM}loc")}


def test_every_window_article_is_reachable_from_a_feed_or_sitemap(sample_site, client):
    reachable: set[str] = set()
    for pub in catalog().publishers:
        feed = feedparser.parse(client.get(pub.feed_path).content)
        assert not feed.bozo and feed.entries, pub.id
        reachable |= {e.link for e in feed.entries}
        reachable |= _sitemap_urls(client, pub.sitemap_path)
    assert all(u.startswith(sample_site.url + "/") for u in reachable)
    for art in window_articles():
        assert sample_site.url + art.path in reachable, art.id
        assert client.get(art.path).status_code == 200


def test_feed_urls_follow_the_host_the_client_used(sample_site, client):
    body = client.get("/buzz/atom.xml").text
    assert f"{sample_site.url}/buzz/" in body
    other = client.get("/buzz/atom.xml", headers={"Host": f"localhost:{sample_site.port}"}).text
    assert f"http://localhost:{sample_site.port}/buzz/" in other and sample_site.url not in other


@pytest.mark.parametrize(
    "path", ["/ledger/feed.xml", "/wire/story/20261103-oil-slips-opec-signals-steady-output", "/robots.txt"]
)
def test_conditional_get_answers_304(client, path):
    first = client.get(path, headers={"Accept-Encoding": "identity"})
    assert first.status_code == 200 and "content-encoding" not in first.headers
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"]
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    from email.utils import parsedate_to_datetime

    older = format_datetime(parsedate_to_datetime(modified) - timedelta(days=1), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": older}).status_code == 200


def test_gzip_when_accepted_and_its_etag_validates_too(sample_site):
    with httpx.Client(base_url=sample_site.url) as c:
        with c.stream("GET", "/ledger/", headers={"Accept-Encoding": "gzip"}) as resp:
            raw = b"".join(resp.iter_raw())
            assert resp.headers["content-encoding"] == "gzip"
            assert resp.headers["vary"] == "Accept-Encoding"
            etag = resp.headers["etag"]
        assert gzip.decompress(raw).startswith(b"<!DOCTYPE html>")
        assert c.get("/ledger/", headers={"If-None-Match": etag}).status_code == 304
        plain = c.get("/ledger/", headers={"Accept-Encoding": "gzip;q=0, identity"})
        assert "content-encoding" not in plain.headers and plain.content.startswith(b"<!DOCTYPE html>")


def test_head_sends_headers_only(client):
    resp = client.head("/wire/rss.xml")
    assert resp.status_code == 200 and resp.content == b"" and int(resp.headers["content-length"]) > 0


def test_robots_disallows_private_and_announces_the_crawl_delay():
    with start_site(crawl_delay=2) as site, httpx.Client(base_url=site.url) as c:
        text = c.get("/robots.txt").text
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(text.splitlines())
        assert not parser.can_fetch("newsingest", f"{site.url}/private/drafts/")
        assert parser.can_fetch("newsingest", f"{site.url}/ledger/")
        assert not parser.can_fetch("BadBot", f"{site.url}/ledger/")
        assert parser.crawl_delay("newsingest") == 2 and "Crawl-delay: 2\n" in text
        assert f"Sitemap: {site.url}/ledger/sitemap.xml" in text
        assert c.get("/private/drafts/").status_code == 200  # the server serves it; robots is advice


def test_robots_without_crawl_delay(client):
    assert "Crawl-delay" not in client.get("/robots.txt").text


def test_missing_pages_404_and_directories_redirect(client):
    assert client.get("/ledger/2026/11/02/no-such-story/").status_code == 404
    resp = client.get("/ledger/world")
    assert resp.status_code == 301 and resp.headers["location"] == "/ledger/world/"


# -- misbehaviour ---------------------------------------------------------------------------------------


def test_slow_delays_the_response(client):
    started = time.monotonic()
    assert client.get("/misbehave/slow?delay=0.6").status_code == 200
    assert time.monotonic() - started >= 0.6
    with pytest.raises(httpx.ReadTimeout):
        client.get("/misbehave/slow?delay=2", timeout=0.3)
    with pytest.raises(httpx.ReadTimeout):
        client.get("/misbehave/slow?delay=2&where=body", timeout=0.3)


def test_status_codes_and_retry_after(client):
    assert client.get("/misbehave/status/404").status_code == 404
    resp = client.get("/misbehave/status/429?retry_after=7")
    assert resp.status_code == 429 and resp.headers["retry-after"] == "7"
    assert client.get("/misbehave/status/abc").status_code == 400


def test_flaky_fails_n_times_per_key_then_serves_an_article(client):
    key = uuid.uuid4().hex
    codes = [client.get(f"/misbehave/flaky/{key}?fail=2&code=502").status_code for _ in range(4)]
    assert codes == [502, 502, 200, 200]
    other = uuid.uuid4().hex
    assert client.get(f"/misbehave/flaky/{other}?fail=1").status_code == 503
    assert "<article>" in client.get(f"/misbehave/flaky/{other}?fail=1").text


def test_reset_closes_the_connection_abruptly(sample_site):
    with (
        httpx.Client(base_url=sample_site.url) as c,
        pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)),
    ):
        c.get("/misbehave/reset")


def test_truncated_body_is_shorter_than_content_length(sample_site):
    with httpx.Client(base_url=sample_site.url) as c, pytest.raises(httpx.RemoteProtocolError):
        c.get("/misbehave/truncated")


def test_redirects(client):
    with pytest.raises(httpx.TooManyRedirects):
        client.get("/misbehave/redirect-loop", follow_redirects=True)
    target = "http://169.254.169.254/latest/meta-data/"
    resp = client.get("/misbehave/redirect", params={"to": target, "code": "301"})
    assert resp.status_code == 301 and resp.headers["location"] == target
    chained = client.get("/misbehave/redirect-chain?n=4", follow_redirects=True)
    assert chained.status_code == 200 and len(chained.history) == 4


@pytest.mark.parametrize("chunked", [False, True])
def test_huge_streams_the_requested_size(sample_site, chunked):
    url = f"/misbehave/huge?mb=2&chunked={int(chunked)}"
    with httpx.Client(base_url=sample_site.url) as c, c.stream("GET", url) as resp:
        assert ("content-length" in resp.headers) is not chunked
        size = sum(len(b) for b in resp.iter_bytes())
    assert size == 2 * 1024 * 1024


def test_gzip_bomb_is_small_on_the_wire_and_large_inflated(sample_site):
    with httpx.Client(base_url=sample_site.url) as c, c.stream("GET", "/misbehave/gzip-bomb?mb=20") as resp:
        assert resp.headers["content-encoding"] == "gzip"
        wire = int(resp.headers["content-length"])
        inflated = sum(len(b) for b in resp.iter_bytes())
    assert wire < 100_000 and inflated > 20 * 1024 * 1024


@pytest.mark.parametrize("mode", sorted(CHARSET_MODES))
def test_charset_traps(client, mode):
    text, encoding, ctype, meta = CHARSET_MODES[mode]
    resp = client.get(f"/misbehave/charset/{mode}")
    assert resp.headers["content-type"] == ctype
    assert text in resp.content.decode(encoding)
    assert (f'charset="{meta}"'.encode() in resp.content) is (meta is not None)
    if encoding == "cp1252":
        with pytest.raises(UnicodeDecodeError):
            resp.content.decode("utf-8")


def test_binary_and_not_html(client):
    resp = client.get("/misbehave/binary")
    assert resp.headers["content-type"].startswith("text/html") and resp.content.startswith(b"\x89PNG")
    resp = client.get("/misbehave/not-html")
    assert resp.headers["content-type"] == "application/pdf" and resp.content.startswith(b"%PDF")
    assert client.get("/misbehave/empty").content == b""


def test_unknown_misbehaviour_and_bad_params_are_rejected(client):
    assert client.get("/misbehave/nope").status_code == 404
    resp = client.get("/misbehave/huge?mb=999999")
    assert resp.status_code == 400 and "mb" in resp.text


# -- bulk ------------------------------------------------------------------------------------------------


def test_bulk_sitemap_and_pages(sample_site, client):
    tree = etree.fromstring(client.get("/bulk/sitemap.xml?n=30&seed=5").content)
    locs = [e.text for e in tree.iter(f"{SM}loc")]
    assert len(locs) == 30 and all(u.startswith(sample_site.url + "/bulk/s5/article/") for u in locs)
    first = client.get(locs[0].removeprefix(sample_site.url))
    assert first.status_code == 200 and "NewsArticle" in first.text
    assert client.get(locs[0].removeprefix(sample_site.url)).content == first.content
    assert client.get("/bulk/article/0.html").content != first.content
    assert client.get("/bulk/article/x.html").status_code == 404


# -- CLI -------------------------------------------------------------------------------------------------


def test_site_serve_command_serves_in_the_foreground():
    code = "from newsingest.cli.site import site; site(['serve', '--port', '0', '--crawl-delay', '3'])"
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert match, line
        robots = httpx.get(match.group(1) + "/robots.txt", timeout=10)
        assert robots.status_code == 200 and "Crawl-delay: 3" in robots.text
        assert httpx.get(match.group(1) + "/wire/", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_site_serve_reports_a_busy_port(sample_site):
    code = f"from newsingest.cli.site import site; site(['serve', '--port', '{sample_site.port}'])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and f"cannot listen on 127.0.0.1:{sample_site.port}" in proc.stderr
