"""`newsingest crawl fetch` against the sample site over real HTTP: exit codes, --json, -q."""

from __future__ import annotations

import json

import pytest
from newsingest.cli.errors import FAILURE
from newsingest.config import INCLUDE_DIR

SAMPLE = str(INCLUDE_DIR / "sources" / "sample.yaml")


@pytest.fixture
def env(sample_site, tmp_path) -> dict[str, str]:
    return {
        "NEWSINGEST_SAMPLE_SITE_URL": sample_site.url,
        "NEWSINGEST_STORAGE_ROOT": str(tmp_path / "storage"),
        "NEWSINGEST_CRAWL_MAX_ATTEMPTS": "1",
    }


def test_fetch_fails_when_no_url_could_be_fetched(cli, sample_site, env):
    missing = [f"{sample_site.url}/ledger/no-such-page-{i}.html" for i in (1, 2)]
    result = cli("crawl", "fetch", "daily-ledger", *missing, "--sources", SAMPLE, env=env)
    result.fails(FAILURE, "none of the 2 URLs could be fetched")
    assert result.stdout.count("http_4xx") == 2


def test_fetch_partly_failed_exits_0_and_says_so(cli, sample_site, env):
    urls = [f"{sample_site.url}/ledger/", f"{sample_site.url}/ledger/no-such-page.html"]
    result = cli("crawl", "fetch", "daily-ledger", *urls, "--sources", SAMPLE, env=env)
    assert result.code == 0, result.output
    assert "1 of 2 URLs failed" in result.stderr and '"fetch_errors_total": 1' in result.stderr


def test_fetch_json_and_quiet(cli, sample_site, env):
    url = f"{sample_site.url}/ledger/"
    result = cli("-q", "crawl", "fetch", "daily-ledger", url, "--sources", SAMPLE, "--json", env=env)
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert data["results"][0]["url"] == url and data["results"][0]["ok"]
    assert data["health"][0]["source"] == "daily-ledger" and data["archive"]
    assert result.stderr == ""  # -q: no health lines, no archive line
