"""Discovery windows, channels, sitemap indexes, undated items and conditional GETs over real HTTP."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from newsingest.config import INCLUDE_DIR
from newsingest.crawl.discover import discover, discover_report, item_date
from newsingest.sources import Source, load_sources

DAY = datetime(2026, 11, 3, tzinfo=UTC)


def _rss(*items: tuple[str, str | None]) -> str:
    body = "".join(
        f"<item><title>{link}</title><link>{link}</link>{f'<pubDate>{date}</pubDate>' if date else ''}</item>"
        for link, date in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


def _urlset(*entries: str, news: bool = False) -> str:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{"".join(entries)}</urlset>'


@pytest.fixture()
def publisher(static_server):
    """A small publisher on the static server: feed, sitemap index (two months + news), a section page."""
    base = static_server.url
    static_server.add(
        "/feed.xml",
        _rss(
            (f"{base}/a/in-window", "Tue, 03 Nov 2026 09:00:00 GMT"),
            (f"{base}/a/day-before", "Mon, 02 Nov 2026 23:59:59 GMT"),
            (f"{base}/a/at-end", "Wed, 04 Nov 2026 00:00:00 GMT"),
            (f"{base}/a/undated-in-feed", None),
        ),
        "application/rss+xml",
        headers={"ETag": '"feed-v1"'},
    )
    static_server.add(
        "/sitemap.xml",
        f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>{base}/sitemaps/2026-01.xml</loc><lastmod>2026-01-31T23:00:00Z</lastmod></sitemap>
      <sitemap><loc>{base}/sitemaps/2026-11.xml</loc><lastmod>2026-11-04T00:00:00Z</lastmod></sitemap>
      <sitemap><loc>{base}/sitemaps/news.xml</loc></sitemap></sitemapindex>""",
    )
    static_server.add(
        "/sitemaps/2026-01.xml",
        _urlset(f"<url><loc>{base}/a/old-story</loc><lastmod>2026-01-15</lastmod></url>"),
    )
    static_server.add(
        "/sitemaps/2026-11.xml",
        _urlset(
            f"<url><loc>{base}/a/in-window?utm_source=sitemap</loc><lastmod>2026-11-03T12:00:00Z</lastmod></url>",
            f"<url><loc>{base}/a/sitemap-only</loc><lastmod>2026-11-03T18:00:00Z</lastmod></url>",
        ),
    )
    static_server.add(
        "/sitemaps/news.xml",
        _urlset(
            f"""<url><loc>{base}/a/news-only</loc><news:news><news:publication><news:name>P</news:name>
        <news:language>en</news:language></news:publication>
        <news:publication_date>2026-11-03T07:00:00Z</news:publication_date><news:title>News only</news:title>
        <news:keywords>a, b</news:keywords></news:news></url>""",
            news=True,
        ),
    )
    static_server.add(
        "/world/",
        """<html><body><a href="/a/in-window">x</a> <a href="/a/section-undated">y</a>
        <a href="/2026/11/03/dated-by-url">z</a> <a href="/about">no</a></body></html>""",
        "text/html",
    )
    return Source(
        name="pub",
        homepage=base + "/",
        feeds=[base + "/feed.xml"],
        sitemaps=[base + "/sitemap.xml"],
        sections=[{"url": base + "/world/", "pattern": r"/(a|2026)/"}],
        allow_private=True,
        rate_limit=200.0,
    )


def _paths(items) -> set[str]:
    return {i.url.split("/", 3)[3].split("?")[0] for i in items}


def test_window_channels_and_undated(publisher, static_server, crawl_settings, fast_config) -> None:
    report = discover_report(
        publisher, DAY, DAY + timedelta(days=1), settings=crawl_settings, config=fast_config
    )
    found = {
        p: i
        for i, p in zip(report.urls, [i.url.split("/", 3)[3].split("?")[0] for i in report.urls], strict=True)
    }
    assert set(found) == {
        "a/in-window",
        "a/sitemap-only",
        "a/news-only",
        "2026/11/03/dated-by-url",
        "a/undated-in-feed",
        "a/section-undated",
    }
    # One URL found by three channels, merged (the sitemap's tracking parameter canonicalised away).
    assert found["a/in-window"].channels == ["feed", "section", "sitemap"]
    assert found["a/in-window"].published == datetime(2026, 11, 3, 9, tzinfo=UTC)
    news = found["a/news-only"]
    assert news.channels == ["news-sitemap"] and news.title == "News only" and news.keywords == ["a", "b"]
    assert found["a/sitemap-only"].published is None and item_date(found["a/sitemap-only"]) is not None
    assert report.dropped_out_of_window == 2  # day-before and at-end ([start, end) excludes end)
    # The January sitemap's lastmod is before the window: not fetched at all.
    assert report.skipped_sitemaps == 1 and "/sitemaps/2026-01.xml" not in static_server.hits
    # Undated items are handed out once, then remembered.
    again = discover(publisher, DAY, DAY + timedelta(days=1), settings=crawl_settings, config=fast_config)
    assert _paths(again) == set(found) - {"a/undated-in-feed", "a/section-undated"}


def test_discovery_fetches_are_archived_with_run_id(publisher, crawl_settings, fast_config) -> None:
    from newsingest.crawl.archive import iter_archive
    from newsingest.storage import list_files

    discover(
        publisher, DAY, DAY + timedelta(days=1), settings=crawl_settings, config=fast_config, run_id="r7"
    )
    [path] = list_files(f"{crawl_settings.storage_root}/warc/r7/pub", "*.warc.gz")
    fetched = {r.url.rsplit("/", 1)[1] for r in iter_archive(path) if r.rec_type == "response"}
    assert {"robots.txt", "feed.xml", "sitemap.xml", "news.xml", "2026-11.xml"} <= fetched


def test_backfill_reads_the_old_sitemap(publisher, static_server, crawl_settings, fast_config) -> None:
    start = datetime(2026, 1, 15, tzinfo=UTC)
    items = discover(
        publisher,
        start,
        start + timedelta(days=1),
        settings=crawl_settings,
        config=fast_config,
        keep_undated=False,
    )
    assert _paths(items) == {"a/old-story"}
    assert items[0].channels == ["sitemap"]


def test_feed_not_modified_is_reparsed_from_cache(
    publisher, static_server, crawl_settings, fast_config
) -> None:
    window = (DAY, DAY + timedelta(days=1))
    first = discover_report(
        publisher, *window, settings=crawl_settings, config=fast_config, keep_undated=False
    )
    second = discover_report(
        publisher, *window, settings=crawl_settings, config=fast_config, keep_undated=False
    )
    feed_outcome = next(d for d in second.documents if d.url.endswith("/feed.xml"))
    assert feed_outcome.status == 304 and feed_outcome.not_modified and feed_outcome.items == 4
    assert _paths(first.urls) == _paths(second.urls)


def test_unchanged_discovery_documents_are_not_parsed_again(
    publisher, static_server, crawl_settings, fast_config, monkeypatch
) -> None:
    """A rerun takes the parse of an unchanged feed or sitemap from the parse memo; changed bytes, other
    parser code or a damaged memo entry are parsed again, and the discovery is the same either way."""
    import newsingest.crawl.discover as discover_module
    import newsingest.crawl.parse_memo as parse_memo
    from newsingest.storage import list_files

    parsed: list[str] = []
    real_feed, real_sitemap = discover_module.parse_feed, discover_module.parse_sitemap

    def feed(data: bytes, *, source: str, feed_url: str):
        parsed.append(feed_url.rsplit("/", 1)[1])
        return real_feed(data, source=source, feed_url=feed_url)

    def sitemap(data: bytes, *, source: str, sitemap_url: str):
        parsed.append(sitemap_url.rsplit("/", 1)[1])
        return real_sitemap(data, source=source, sitemap_url=sitemap_url)

    monkeypatch.setattr(discover_module, "parse_feed", feed)
    monkeypatch.setattr(discover_module, "parse_sitemap", sitemap)

    def run() -> tuple[set[str], list[str]]:
        parsed.clear()
        report = discover_report(
            publisher, DAY, DAY + timedelta(days=1), settings=crawl_settings, config=fast_config,
            keep_undated=False,
        )  # fmt: skip
        assert all(d.error_class is None for d in report.documents)
        return _paths(report.urls), sorted(parsed)

    first, parsed_first = run()
    assert parsed_first == ["2026-11.xml", "feed.xml", "news.xml", "sitemap.xml"]
    again, parsed_again = run()
    assert again == first and parsed_again == []  # every document came back unchanged
    # The feed changes: only it is parsed again, and its new item is found.
    base = static_server.url
    static_server.add(
        "/feed.xml",
        _rss((f"{base}/a/in-window", "Tue, 03 Nov 2026 09:00:00 GMT"),
             (f"{base}/a/late-addition", "Tue, 03 Nov 2026 21:00:00 GMT")),
        "application/rss+xml",
        headers={"ETag": '"feed-v2"'},
    )  # fmt: skip
    changed, parsed_changed = run()
    assert parsed_changed == ["feed.xml"] and changed == first | {"a/late-addition"}
    # A damaged memo entry is a miss: parsed again, same discovery.
    for path in list_files(f"{crawl_settings.storage_root}/state/parsed/pub", "*.json.gz"):
        with open(path, "wb") as fh:
            fh.write(b"not gzip")
    damaged, parsed_damaged = run()
    assert damaged == changed and len(parsed_damaged) == 4
    # Other parser code (an upgrade) never reuses an old parse.
    monkeypatch.setattr(parse_memo, "parser_fingerprint", lambda: "another parser")
    upgraded, parsed_upgraded = run()
    assert upgraded == changed and len(parsed_upgraded) == 4


def test_hostile_documents_are_reported_not_fatal(static_server, crawl_settings, fast_config) -> None:
    base = static_server.url
    static_server.add(
        "/bomb.xml",
        b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">
        <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
        <rss version="2.0"><channel><item><title>&c;</title><link>http://x/</link></item></channel></rss>""",
    )
    static_server.add(
        "/xxe.xml",
        b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url></urlset>""",
    )
    static_server.add("/garbage.xml", os.urandom(200_000), "application/xml")
    static_server.add("/private/feed.xml", "<rss/>")
    source = Source(
        name="hostile",
        homepage=base + "/",
        feeds=[base + "/bomb.xml", base + "/private/feed.xml"],
        sitemaps=[base + "/xxe.xml", base + "/garbage.xml", base + "/missing.xml"],
        allow_private=True,
        rate_limit=200.0,
    )
    started = time.monotonic()
    report = discover_report(
        source, DAY, DAY + timedelta(days=1), settings=crawl_settings, config=fast_config
    )
    assert time.monotonic() - started < 10
    outcomes = {d.url.rsplit("/", 1)[1] if "private" not in d.url else "private": d for d in report.documents}
    assert outcomes["bomb.xml"].error_class == "xml_refused"
    assert outcomes["xxe.xml"].error_class == "xml_refused"
    assert outcomes["garbage.xml"].error_class in ("parse", "content_type")
    assert outcomes["missing.xml"].error_class == "http_4xx"
    assert outcomes["private"].error_class == "robots"  # robots.txt applies to feeds too
    assert report.urls == []


def test_sample_site_sources(sample_site, crawl_settings, fast_config, monkeypatch) -> None:
    monkeypatch.setenv("NEWSINGEST_SAMPLE_SITE_URL", sample_site.url)
    sources = load_sources(INCLUDE_DIR / "sources" / "sample.yaml", enabled_only=True)
    wide = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    ledger = next(s for s in sources if s.name == "daily-ledger")
    everything = discover(ledger, *wide, settings=crawl_settings, config=fast_config, keep_undated=False)
    channels = {c for i in everything for c in i.channels}
    assert {"feed", "sitemap", "news-sitemap", "section"} <= channels
    dated = sorted(item_date(i) for i in everything if item_date(i))
    assert dated, "the sample site dates its articles"
    # A one-day window keeps exactly the items dated that day.
    day = dated[len(dated) // 2].replace(hour=0, minute=0, second=0, microsecond=0)
    window = discover(
        ledger, day, day + timedelta(days=1), settings=crawl_settings, config=fast_config, keep_undated=False
    )
    expected = {i.url for i in everything if item_date(i) and day <= item_date(i) < day + timedelta(days=1)}
    assert {i.url for i in window} == expected and 0 < len(expected) < len(everything)


def test_gzipped_sitemap_and_gzip_bomb_sitemap(static_server, crawl_settings, fast_config) -> None:
    import gzip
    from dataclasses import replace

    base = static_server.url
    doc = _urlset(f"<url><loc>{base}/a/gz-story</loc><lastmod>2026-11-03T10:00:00Z</lastmod></url>")
    static_server.add("/s.xml.gz", gzip.compress(doc.encode()), "application/x-gzip")
    static_server.add("/bomb.xml.gz", gzip.compress(b"<urlset>" + b" " * 30_000_000), "application/x-gzip")
    source = Source(
        name="gz",
        homepage=base + "/",
        sitemaps=[base + "/s.xml.gz", base + "/bomb.xml.gz"],
        allow_private=True,
        rate_limit=200.0,
    )
    config = replace(fast_config, max_document_bytes=1024 * 1024)
    report = discover_report(source, DAY, DAY + timedelta(days=1), settings=crawl_settings, config=config)
    assert _paths(report.urls) == {"a/gz-story"}
    bomb = next(d for d in report.documents if d.url.endswith("bomb.xml.gz"))
    assert bomb.error_class == "parse" and "exceeds" in (bomb.error or "")


def test_a_parser_crash_is_one_bad_document(static_server, crawl_settings, fast_config, monkeypatch) -> None:
    """An unexpected exception in a parser marks that document bad; the source's other documents count."""
    import newsingest.crawl.discover as discover_module

    base = static_server.url
    static_server.add("/feed.xml", _rss((f"{base}/a/from-feed", "Tue, 03 Nov 2026 09:00:00 GMT")))
    static_server.add("/crash.xml", _urlset(f"<url><loc>{base}/a/x</loc></url>"))
    real = discover_module.parse_sitemap

    def crashing(data: bytes, *, source: str, sitemap_url: str):
        if sitemap_url.endswith("/crash.xml"):
            raise KeyError("a parser bug")
        return real(data, source=source, sitemap_url=sitemap_url)

    monkeypatch.setattr(discover_module, "parse_sitemap", crashing)
    source = Source(name="crashy", homepage=base + "/", feeds=[base + "/feed.xml"],
                    sitemaps=[base + "/crash.xml"], allow_private=True, rate_limit=200.0)  # fmt: skip
    report = discover_report(
        source, DAY, DAY + timedelta(days=1), settings=crawl_settings, config=fast_config
    )
    by_name = {d.url.rsplit("/", 1)[1]: d for d in report.documents}
    assert by_name["crash.xml"].error_class == "parse_error"
    assert "KeyError" in (by_name["crash.xml"].error or "")
    assert by_name["feed.xml"].error_class is None and by_name["feed.xml"].items == 1
    assert [u.url for u in report.urls] == [f"{base}/a/from-feed"]
