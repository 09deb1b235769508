"""`newsingest bench ner` and `bench enrich` (newsingest.bench.cli_enrich) run end to end on small inputs."""

from __future__ import annotations

from click.testing import CliRunner

from .conll_sample import CONLL


def test_bench_ner_and_enrich_commands_run(tmp_path):
    from newsingest.bench.cli_enrich import enrich, ner

    path = tmp_path / "tiny.txt"
    path.write_text(CONLL, encoding="utf-8")
    result = CliRunner().invoke(ner, [str(path)])
    assert result.exit_code == 0, result.output
    assert "overall" in result.output and "raw model" in result.output
    result = CliRunner().invoke(enrich, [str(path), "--docs", "4", "--processes", "1", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "ratio (ours / raw)" in result.output and "memory" in result.output


def test_bench_ner_half_keeps_even_or_odd_documents(tmp_path):
    from newsingest.bench.cli_enrich import ner

    path = tmp_path / "tiny.txt"
    path.write_text(CONLL, encoding="utf-8")
    for half in ("even", "odd"):
        result = CliRunner().invoke(ner, [str(path), "--half", half])
        assert result.exit_code == 0, result.output
        assert ": 1 documents" in result.output
    assert CliRunner().invoke(ner, [str(path), "--half", "third"]).exit_code != 0
