"""The soak command itself: a tiny run through fetch and clean, its report and its exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from newsingest.bench.cli_soak import soak
from newsingest.bench.soak import format_report, run_soak


@pytest.mark.slow
def test_small_soak_run_reports_every_batch_and_stage(settings, tmp_path: Path) -> None:
    report = run_soak(settings, articles=60, batch_size=20, enrich=False)
    assert report.discovered == 60
    assert [(s.batch, s.stage) for s in report.samples] == [
        (b, stage) for b in (1, 2, 3) for stage in ("fetch", "clean")
    ]
    assert all(s.items_in == 20 and s.items_out == 20 for s in report.samples), report.samples
    assert all(s.rss_peak_mb >= s.rss_end_mb * 0.5 > 0 for s in report.samples)
    text = format_report(report)
    assert "ratio" in text and "peak resident memory by stage" in text and "flat" in text


@pytest.mark.slow
def test_soak_cli_writes_json_and_fails_when_memory_grows(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    args = ["--articles", "30", "--batch-size", "10", "--no-enrich", "--json-out", str(out)]
    result = CliRunner().invoke(soak, args)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["flat"] is True and len(data["batch_end_rss_mb"]) == 3
    # A negative tolerance cannot be met: the command must exit 1 (the check is real).
    failing = CliRunner().invoke(soak, ["--articles", "30", "--batch-size", "10", "--no-enrich",
                                        "--tolerance-mb", "-1000"])  # fmt: skip
    assert failing.exit_code == 1, failing.output
    assert "GROWING" in failing.output


@pytest.mark.slow
def test_soak_passes_its_crawl_settings_down_and_leaves_the_environment_alone(
    settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crawl knobs reach the fetch stage through the settings it is given, not through os.environ."""
    import os

    from newsingest import pipeline
    from newsingest.bench.soak import SOAK_HOST_CONCURRENCY

    seen = []
    real_fetch = pipeline.fetch_stage

    def fetch_stage(cfg, *args, **kwargs):  # the real stage runner, its settings recorded
        seen.append(cfg.crawl.host_concurrency)
        return real_fetch(cfg, *args, **kwargs)

    monkeypatch.setattr(pipeline, "fetch_stage", fetch_stage)
    environ = dict(os.environ)
    report = run_soak(settings, articles=20, batch_size=10, enrich=False)
    assert [s.items_out for s in report.samples if s.stage == "fetch"] == [10, 10]
    assert seen == [SOAK_HOST_CONCURRENCY] * 2 != [settings.crawl.host_concurrency] * 2
    assert dict(os.environ) == environ


def test_bad_arguments_are_named(settings) -> None:
    with pytest.raises(ValueError, match="articles and batch_size"):
        run_soak(settings, articles=0)
    with pytest.raises(ValueError, match="articles must be <= 50000"):
        run_soak(settings, articles=60_000)
