"""Inputs the load stage validates before talking to OpenSearch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newsingest.load.bulk import LoadReport, write_dead_letters
from newsingest.load.client import make_client
from newsingest.load.index import check_alias, index_settings
from newsingest.load.rank_eval import JudgementsError, load_judgements, parse_judgements
from newsingest.storage import read_jsonl_gz

FIXTURE_JUDGEMENTS = Path(__file__).parents[2] / "integration" / "load" / "fixtures" / "judgements.json"


def test_client_rejects_bad_urls_and_half_credentials() -> None:
    with pytest.raises(ValueError, match="not valid"):
        make_client("localhost:9200")
    with pytest.raises(ValueError, match="must not carry credentials"):
        make_client("https://admin:secret@host:9200")
    with pytest.raises(ValueError, match="both username and password"):
        make_client("https://host:9200", username="admin")


def test_client_verifies_tls_by_default() -> None:
    client = make_client("https://search.example:9200", username="u", password="p")
    connection = client.transport.get_connection()
    assert connection.use_ssl
    assert connection.pool.cert_reqs == "CERT_REQUIRED"


def test_alias_and_settings_validation() -> None:
    assert check_alias("news") == "news"
    with pytest.raises(ValueError, match="'News Index' is not valid"):
        check_alias("News Index")
    assert index_settings(replicas=2) == {"number_of_replicas": 2, "auto_expand_replicas": "false"}
    with pytest.raises(ValueError, match="shards must be >= 1"):
        index_settings(shards=0)


def test_report_reconciles() -> None:
    report = LoadReport(received=10, created=5, updated=2, unchanged=1, duplicates=1, failed=1)
    assert report.indexed == 7 and report.skipped == 2 and report.reconciled()
    assert report.error_ratio == pytest.approx(0.1)
    report.created -= 1
    assert not report.reconciled()


def test_dead_letters_plain_and_gzip(tmp_path: Path) -> None:
    rows = [{"doc_id": "a", "reason": "strict mapping"}]
    write_dead_letters(str(tmp_path / "dl.jsonl"), rows)
    assert [json.loads(x) for x in (tmp_path / "dl.jsonl").read_text().splitlines()] == rows
    write_dead_letters(str(tmp_path / "dl.jsonl.gz"), rows)
    assert list(read_jsonl_gz(str(tmp_path / "dl.jsonl.gz"))) == rows
    write_dead_letters(str(tmp_path / "empty.jsonl"), [])
    assert (tmp_path / "empty.jsonl").read_text() == ""


def test_judgements_file_parses() -> None:
    judgements = load_judgements(FIXTURE_JUDGEMENTS)
    assert judgements.k == 10 and len(judgements.queries) >= 10


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "non-empty 'queries'"),
        ({"queries": [{"id": "a", "query": "x"}]}, r"queries\[0\] \(a\): needs a 'ratings' list"),
        ({"queries": [{"id": "a", "query": "x", "ratings": [{"rating": 1}]}]}, "needs 'doc_id', 'url' or"),
        ({"queries": [{"id": "a", "query": " ", "ratings": [{"url": "u", "rating": 1}]}]}, "'query' must be"),
        ({"k": 0, "queries": [{"id": "a"}]}, "'k' must be a positive integer"),
    ],
)
def test_bad_judgements_are_named(data: dict, message: str) -> None:
    with pytest.raises(JudgementsError, match=message):
        parse_judgements(data, "j.json")
