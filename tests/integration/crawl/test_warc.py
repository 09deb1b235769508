"""Every fetch lands in the WARC archive, on local disk and on an fsspec (non-local) root."""

from __future__ import annotations

import re
from dataclasses import replace

from newsingest.crawl.archive import iter_archive, read_response
from newsingest.crawl.fetch import fetch_urls
from newsingest.storage import list_files


def test_every_exchange_is_archived(sample_site, crawl_settings, fast_config, make_source, make_urls) -> None:
    sample_site.reset_counters()
    src = make_source(sample_site.url, name="ledger")
    items = make_urls(
        sample_site.url,
        "/ledger/",
        "/misbehave/flaky/w?fail=1",
        "/misbehave/redirect-chain?n=1",
        "/misbehave/status/404",
        "/misbehave/slow?delay=1",
        source="ledger",
    )
    config = replace(fast_config, read_timeout=0.3, max_attempts=1)
    results = fetch_urls(
        items, [src], run_id="2026-11-05", settings=crawl_settings, config=config, batch="b1"
    )
    page, _flaky, chain, missing, slow = results
    expected = f"{crawl_settings.storage_root}/warc/2026-11-05/ledger/b1.warc.gz"
    assert {r.warc_path for r in results} == {expected}
    records = list(iter_archive(expected))
    responses = [(r.url.split("/", 3)[3], r.status) for r in records if r.rec_type == "response"]
    assert ("robots.txt", 200) in responses and ("ledger/", 200) in responses
    assert ("misbehave/flaky/w?fail=1", 503) in responses
    assert ("misbehave/redirect-chain?n=1", 302) in responses and (
        "misbehave/redirect-chain?n=0",
        200,
    ) in responses
    assert ("misbehave/status/404", 404) in responses
    assert sum(r.rec_type == "request" for r in records) == len(responses)
    errors = [r for r in records if r.rec_type == "metadata"]
    assert [e.url.split("/", 3)[3] for e in errors] == ["misbehave/slow?delay=1"]
    assert slow.error_class == "timeout" and slow.warc_offset == errors[0].offset
    # The result points at its final response record; the body reads back byte for byte.
    archived = read_response(chain)
    assert archived.status == 200 and archived.url.endswith("redirect-chain?n=0")
    assert "End of the redirect chain" in archived.text
    assert read_response(page).body.startswith(b"<!DOCTYPE html>")
    assert missing.status == 404 and read_response(missing).status == 404


def test_fsspec_storage_root(sample_site, crawl_settings, fast_config, make_source, make_urls) -> None:
    settings = replace(crawl_settings, storage_root="memory://crawl-test/root")
    src = make_source(sample_site.url)
    results = fetch_urls(
        make_urls(sample_site.url, "/ledger/", "/buzz/"),
        [src],
        run_id="r",
        settings=settings,
        config=fast_config,
    )
    assert all(r.ok for r in results)
    files = list_files("memory://crawl-test/root/warc", "**/*.warc.gz")
    assert len(files) == 1 and re.search(r"/warc/r/site/[^/]+\.warc\.gz$", files[0])
    assert "<html" in read_response(results[1]).text.lower()
    # A second run uses the validators stored on the same root.
    again = fetch_urls(
        make_urls(sample_site.url, "/ledger/"), [src], run_id="r2", settings=settings, config=fast_config
    )
    assert again[0].not_modified
    # The 304 is cleaned from the archived 200 with the charset resolved when that 200 was fetched.
    assert again[0].encoding == results[0].encoding == "utf-8"


def test_streaming_results(sample_site, crawl_settings, fast_config, make_source, make_urls) -> None:
    got = []
    src = make_source(sample_site.url)
    returned = fetch_urls(
        make_urls(sample_site.url, "/ledger/", "/buzz/", "/nope.html"),
        [src],
        run_id="s",
        settings=crawl_settings,
        config=fast_config,
        on_result=got.append,
    )
    assert returned == []
    base = sample_site.url
    assert sorted((r.url, r.status) for r in got) == [
        (f"{base}/buzz/", 200),
        (f"{base}/ledger/", 200),
        (f"{base}/nope.html", 404),
    ]
