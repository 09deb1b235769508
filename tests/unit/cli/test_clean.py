"""`newsingest clean` (newsingest.cli.clean) through click, on fixture pages."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from newsingest.cli.clean import clean as clean_cmd

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"


def test_clean_human_output_lists_fields_with_provenance():
    result = CliRunner().invoke(
        clean_cmd,
        [str(PAGES / "broadsheet_article.html"), "--url", "https://www.northernledger.example/news/a"],
    )
    assert result.exit_code == 0, result.output
    assert (
        "title:         Harbour council approves flood barrier after decade of delays  [opengraph]"
        in result.output
    )
    assert "published:     2024-03-12 10:30:00+01:00  [json-ld]" in result.output
    assert "Councillors in Harbourside voted on Tuesday" in result.output


def test_clean_json_is_one_object():
    result = CliRunner().invoke(
        clean_cmd,
        [str(PAGES / "wire_story.html"), "--json", "--url", "https://wire.example/2024/05/15/quake"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "article"
    assert data["agency"] == ["Associated Press"]
    assert data["provenance"]["published"] == "url"


def test_clean_json_for_dropped_page():
    result = CliRunner().invoke(clean_cmd, [str(PAGES / "consent_wall.html"), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data == {**data, "kind": "dropped", "reason": "page_type:consent", "stage": "clean"}


def test_clean_jsonl_reads_stdin_and_reports_bad_lines():
    lines = [
        json.dumps(
            {"url": "https://wire.example/2024/05/15/q", "html": (PAGES / "wire_story.html").read_text()}
        ),
        "not json",
        json.dumps({"url": "https://e.example/404", "html": (PAGES / "error_404.html").read_text()}),
    ]
    result = CliRunner().invoke(clean_cmd, ["--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1, result.output
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["kind"] for o in out] == ["article", "dropped"]
    assert out[1]["reason"] == "page_type:error"
    assert "stdin line 2: not JSON" in result.stderr and "1 of 3 lines of stdin skipped" in result.stderr


def test_clean_usage_errors(tmp_path):
    runner = CliRunner()
    assert runner.invoke(clean_cmd, []).exit_code == 2
    missing = runner.invoke(clean_cmd, [str(tmp_path / "nope.html")])
    assert missing.exit_code == 2 and "nope.html" in missing.output
