"""`newsingest bench clean` (newsingest.bench.cli_clean): our cleaner beside trafilatura on a corpus."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from newsingest.bench.cli_clean import clean as bench_clean

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"


def _tiny_corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    rows = []
    for name, title in (
        ("broadsheet_article", "Harbour council approves flood barrier after decade of delays"),
        ("tabloid_microdata", "Lottery winner gives away entire jackpot to neighbours"),
    ):
        html = (PAGES / f"{name}.html").read_text(encoding="utf-8")
        with gzip.open(root / f"{name}.html.gz", "wt", encoding="utf-8") as fh:
            fh.write(html)
        rows.append(
            {
                "id": name,
                "file": f"{name}.html.gz",
                "url": f"https://x.example/{name}",
                "title": title,
                "authors": None,
                "published": None,
                "body": "Councillors in Harbourside voted on Tuesday",
            }
        )
    (root / "ground-truth.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return root


def test_bench_clean_ours_only(tmp_path):
    corpus = _tiny_corpus(tmp_path)
    per_page = tmp_path / "pp.jsonl"
    result = CliRunner().invoke(bench_clean, [str(corpus), "--no-anchor", "--per-page", str(per_page)])
    assert result.exit_code == 0, result.output
    assert "body F1" in result.output and "title exact" in result.output and "pages/s" in result.output
    title_line = next(line for line in result.output.splitlines() if line.startswith("title exact"))
    assert title_line.split()[-1] == "1.000"
    assert len(per_page.read_text().splitlines()) == 2


def test_bench_clean_side_by_side_with_trafilatura(tmp_path):
    pytest.importorskip("trafilatura")
    result = CliRunner().invoke(bench_clean, [str(_tiny_corpus(tmp_path))])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "newsingest", "trafilatura", "ratio"]


def test_bench_clean_rejects_non_corpus(tmp_path):
    result = CliRunner().invoke(bench_clean, [str(tmp_path), "--no-anchor"])
    assert result.exit_code != 0
    assert "not a corpus directory" in result.output
