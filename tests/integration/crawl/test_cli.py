"""The `newsingest crawl` commands against the sample site (real HTTP)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from newsingest.config import INCLUDE_DIR
from newsingest.crawl.cli import crawl

SAMPLE = str(INCLUDE_DIR / "sources" / "sample.yaml")


def _env(sample_site, crawl_settings) -> dict[str, str]:
    return {
        "NEWSINGEST_SAMPLE_SITE_URL": sample_site.url,
        "NEWSINGEST_STORAGE_ROOT": crawl_settings.storage_root,
    }


def test_check_sources(tmp_path) -> None:
    runner = CliRunner()
    ok = runner.invoke(crawl, ["check-sources", SAMPLE])
    assert ok.exit_code == 0 and "daily-ledger" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - name: x\n    homepage: nope\n    feeds: [http://x/f]\n")
    failed = runner.invoke(crawl, ["check-sources", str(bad)])
    assert failed.exit_code == 1 and "source 'x', field homepage" in failed.output


def test_discover_fetch_and_warc(sample_site, crawl_settings, tmp_path) -> None:
    runner = CliRunner()
    env = _env(sample_site, crawl_settings)
    out = tmp_path / "urls.jsonl"
    found = runner.invoke(
        crawl,
        [
            "discover",
            "daily-ledger",
            "--sources",
            SAMPLE,
            "--start",
            "2000-01-01",
            "--end",
            "2100-01-01",
            "--no-undated",
            "--out",
            str(out),
        ],
        env=env,
    )
    assert found.exit_code == 0, found.output
    urls = [json.loads(line)["url"] for line in out.read_text().splitlines()]
    assert urls and all(u.startswith(sample_site.url) for u in urls)
    fetched = runner.invoke(
        crawl, ["fetch", "daily-ledger", urls[0], "--sources", SAMPLE, "--run-id", "cli"], env=env
    )
    assert fetched.exit_code == 0, fetched.output
    assert " 200 " in fetched.output and "archive:" in fetched.output
    archive = fetched.output.split("archive: ", 1)[1].split()[0]
    listed = runner.invoke(crawl, ["warc", archive])
    assert listed.exit_code == 0 and "response" in listed.output and "0 skipped" in listed.output


def test_discover_rejects_bad_window(sample_site, crawl_settings) -> None:
    result = CliRunner().invoke(
        crawl,
        ["discover", "daily-ledger", "--sources", SAMPLE, "--start", "2026-11-05", "--end", "2026-11-04"],
        env=_env(sample_site, crawl_settings),
    )
    assert result.exit_code == 2 and "must be after --start" in result.output
