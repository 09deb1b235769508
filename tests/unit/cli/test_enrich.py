"""`newsingest enrich` through click's runner."""

from __future__ import annotations

import json

from click.testing import CliRunner
from newsingest.cli.enrich import enrich


def test_text_prints_facets():
    result = CliRunner().invoke(
        enrich, ["--text", "Angela Merkel visited Paris on Monday to meet French officials about trade."]
    )
    assert result.exit_code == 0, result.output
    assert "Angela Merkel" in result.output and "person" in result.output
    assert "Paris" in result.output and "FR" in result.output
    assert "language:" in result.output and "en" in result.output


def test_jsonl_round_trip():
    lines = [
        {"url": "https://a.example/1", "canonical_url": "https://a.example/1", "title": "Storm hits coast",
         "body": "A powerful storm hit the coast of Florida on Tuesday, cutting power to many homes."},
        {"url": "https://a.example/2", "canonical_url": "https://a.example/2", "body": "",
         "kind": "article"},
    ]  # fmt: skip
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    result = CliRunner().invoke(enrich, ["--jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["url"] for o in out] == ["https://a.example/1", "https://a.example/2"]
    assert "US" in out[0]["countries"] and out[0]["enrichment_version"]
    assert out[1]["ner_skipped_reason"] == "empty_text"


def test_bad_input_names_the_line():
    result = CliRunner().invoke(enrich, ["--jsonl"], input='{"url": "x", "canonical_url": "x"}\nnot json\n')
    assert result.exit_code != 0 and "line 2" in result.output


def test_needs_one_mode():
    assert CliRunner().invoke(enrich, []).exit_code == 2
