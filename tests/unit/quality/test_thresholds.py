"""newsingest.quality.thresholds: bounds from the file and the environment; a failing figure is named."""

from __future__ import annotations

import pytest
from newsingest.quality.figures import run_figures
from newsingest.quality.thresholds import Thresholds, ThresholdsError, evaluate, gate_message

from .stage_rows import END, START, article, stage_rows


def test_gate_fails_naming_source_and_figure(tmp_path):
    good = stage_rows(tmp_path, "good", [article(i) for i in range(5)], attempted=5, errors={})
    bad = stage_rows(tmp_path, "bad", [article(i, title="") for i in range(5)], attempted=5, errors={})
    stages = {k: good[k] + bad[k] for k in good}
    findings = evaluate(run_figures(START, END, **stages), Thresholds.load())
    message = gate_message(findings)
    assert message == "quality gate failed: source bad: title_fill 0 < 0.8 (fail_below)"
    assert not [f for f in findings if f.source == "good"]


def test_thresholds_file_overrides_and_errors(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "defaults:\n  title_fill: {warn_below: 0.9}\nsources:\n  s1:\n    indexed: {fail_below: 3}\n"
    )
    thresholds = Thresholds.load(path, overrides={"NEWSINGEST_GATE_DUPLICATE_RATIO_FAIL_ABOVE": "0.1"})
    assert thresholds.for_source("s1")["indexed"] == {"fail_below": 3.0}
    assert thresholds.for_source("s2").get("indexed") is None
    assert thresholds.defaults["duplicate_ratio"] == {"fail_above": 0.1}
    path.write_text("defaults:\n  title_fil: {warn_below: 0.9}\n")
    with pytest.raises(ThresholdsError, match="unknown figure 'title_fil'"):
        Thresholds.load(path, overrides={})
    with pytest.raises(ThresholdsError, match="NEWSINGEST_GATE_TITLE_FILL_MAX"):
        Thresholds.load(None, overrides={"NEWSINGEST_GATE_TITLE_FILL_MAX": "1"})
    path.write_text("defaults:\n  title_fill: {fail_below: lots}\n")
    with pytest.raises(ThresholdsError, match=r"title_fill\.fail_below: expected a number"):
        Thresholds.load(path, overrides={})
