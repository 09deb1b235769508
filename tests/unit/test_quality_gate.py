"""Run figures, thresholds and the quality gate over real stage files; the report renderers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newsingest import storage
from newsingest.config import Settings
from newsingest.quality.figures import run_figures
from newsingest.quality.render_html import render_html
from newsingest.quality.report import assess_run, publish_report
from newsingest.quality.runs_index import runs_documents
from newsingest.quality.thresholds import Thresholds, ThresholdsError, evaluate, gate_message

START = datetime(2026, 11, 3, tzinfo=UTC)
END = datetime(2026, 11, 4, tzinfo=UTC)
BODY = "A paragraph of real article text. " * 10  # 340 characters


def _article(i: int, **over) -> dict:
    row = {
        "url": f"https://example.org/a{i}",
        "canonical_url": f"https://example.org/a{i}",
        "title": f"Title {i}",
        "body": BODY + str(i),
        "authors": ["Ann Writer"],
        "published": "2026-11-03T10:00:00+00:00",
        "detected_language": "en",
        "content_hash": f"h{i}",
    }
    row.update(over)
    return row


def _stage_rows(tmp_path: Path, source: str, articles: list[dict], *, attempted: int, errors: dict) -> dict:
    tmp_path.mkdir(parents=True, exist_ok=True)
    enrich_path = str(tmp_path / f"{source}-enrich.jsonl.gz")
    storage.write_jsonl_gz(enrich_path, articles)
    fetched = attempted - sum(errors.values())
    return {
        "discovered": [{"source": source, "discovered": attempted}],
        "fetched": [
            {
                "source": source,
                "attempted": attempted,
                "fetched": fetched,
                "not_modified": 0,
                "errors": errors,
            }
        ],
        "cleaned": [
            {"source": source, "cleaned": len(articles), "dropped": {"page_type:consent": 1, "too_short": 2}}
        ],
        "enriched": [{"source": source, "path": enrich_path, "enriched": len(articles)}],
        "loaded": [{"source": source, "indexed": len(articles), "failed": 0}],
    }


def test_figures_from_stage_files(tmp_path):
    articles = [
        _article(1),
        _article(2, authors=[], published="2026-11-02T23:00:00+00:00"),  # outside the day
        _article(3, title="", published=None),
        _article(4, content_hash="h1"),  # same content as article 1
    ]
    stages = _stage_rows(tmp_path, "s1", articles, attempted=10, errors={"robots": 1, "timeout": 1})
    fig = run_figures(START, END, **stages)["s1"]
    assert fig["blocked_by_robots"] == 1 and fig["fetch_errors_total"] == 2
    assert fig["fetch_error_ratio"] == 0.2
    assert fig["dropped_page_type"] == 1 and fig["dropped_too_short"] == 2
    assert fig["title_fill"] == 0.75 and fig["authors_fill"] == 0.75 and fig["date_fill"] == 0.75
    assert fig["dates_in_interval"] == round(2 / 3, 4)
    assert fig["duplicate_ratio"] == 0.25
    assert fig["body_fill"] == 1.0 and fig["language_fill"] == 1.0


def test_gate_fails_naming_source_and_figure(tmp_path):
    good = _stage_rows(tmp_path, "good", [_article(i) for i in range(5)], attempted=5, errors={})
    bad = _stage_rows(tmp_path, "bad", [_article(i, title="") for i in range(5)], attempted=5, errors={})
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


def test_assess_and_publish_write_the_report(tmp_path):
    settings = Settings(
        home=tmp_path, storage_root=str(tmp_path / "storage"), sources_file=tmp_path / "s.yaml",
        opensearch_url="http://127.0.0.1:9200", index_alias="news",
    )  # fmt: skip
    stages = _stage_rows(tmp_path, "s1", [_article(i, title="") for i in range(3)], attempted=3, errors={})
    summary = assess_run(settings, "backfill__2026-11-04T02:00:00+00:00", START, END, **stages)
    assert summary["status"] == "failed" and "source s1: title_fill" in summary["message"]
    out = publish_report(settings, "backfill__2026-11-04T02:00:00+00:00")
    markdown = Path(out["report"]).read_text()
    assert "Quality gate: **failed**" in markdown and "| s1 | 3 |" in markdown
    html = Path(out["html"]).read_text()
    assert "<svg" in html and "title_fill" in html
    record = json.loads(Path(summary["quality"]).read_text())
    docs = runs_documents(record)
    assert [d["source"] for _, d in docs] == ["s1"] and docs[0][1]["status"] == "failed"
    assert docs == runs_documents(record)  # stable ids: a rerun overwrites
    assert "&lt;script&gt;" in render_html({**record, "run_id": "<script>"})


def test_batches_of_one_source_add_up(tmp_path):
    one = _stage_rows(tmp_path / "b1", "s1", [_article(1), _article(2)], attempted=3, errors={"timeout": 1})
    two = _stage_rows(tmp_path / "b2", "s1", [_article(3)], attempted=2, errors={"timeout": 1, "robots": 1})
    fig = run_figures(START, END, **{k: one[k] + two[k] for k in one})["s1"]
    assert (fig["attempted"], fig["fetched"], fig["cleaned"], fig["indexed"]) == (5, 2, 3, 3)
    assert fig["fetch_errors"] == {"timeout": 2, "robots": 1}
    assert fig["articles"] == 3 and fig["dropped_too_short"] == 4


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        home=tmp_path, storage_root=str(tmp_path / "storage"), sources_file=tmp_path / "s.yaml",
        opensearch_url="http://127.0.0.1:9", index_alias="news",
    )  # fmt: skip


def test_the_report_tells_the_gates_decision_and_survives_a_dead_runs_index(tmp_path):
    """A problem (an unfinished stage) fails the run beside the figures; the report says the run failed,
    and is written although the runs index cannot be reached (it says so instead of failing)."""
    from newsingest.load.client import make_client

    settings = _settings(tmp_path)
    stages = _stage_rows(tmp_path, "s1", [_article(i) for i in range(3)], attempted=3, errors={})
    verdict = assess_run(
        settings,
        "r1",
        START,
        END,
        **stages,
        problems=["source s1: stage clean did not finish batch b0001"],
        attempt="a1",
    )
    assert verdict["status"] == "failed" and "stage clean did not finish" in verdict["message"]
    dead = make_client("http://127.0.0.1:9", timeout=1, max_retries=0)
    out = publish_report(settings, "r1", client=dead, verdict=verdict)
    markdown = Path(out["report"]).read_text()
    assert out["outcome"] == "failed" and "Run outcome: **failed**" in markdown
    assert "stage clean did not finish batch b0001" in markdown
    assert "indexing the figures into newsingest-runs failed" in markdown


def test_the_report_never_renders_another_attempts_record(tmp_path):
    """A quality.json left by an earlier attempt of the same run is not this run's decision."""
    settings = _settings(tmp_path)
    stages = _stage_rows(tmp_path, "s1", [_article(i) for i in range(3)], attempted=3, errors={})
    assess_run(settings, "r2", START, END, **stages, attempt="earlier")
    stale = publish_report(settings, "r2", verdict={"attempt": "this-one"})
    assert stale["status"] == "undecided" and stale["outcome"] == "failed"
    assert "belongs to another attempt" in Path(stale["report"]).read_text()
    missing = publish_report(settings, "r2", verdict=None, start=START, end=END)
    assert "did not finish" in Path(missing["report"]).read_text()


def test_the_report_shows_dropped_pages_with_the_cleaners_evidence(tmp_path):
    settings = _settings(tmp_path)
    stages = _stage_rows(tmp_path, "s1", [_article(i) for i in range(3)], attempted=4, errors={})
    dropped = str(tmp_path / "s1-dropped.jsonl.gz")
    storage.write_jsonl_gz(
        dropped,
        [
            {
                "url": "https://example.org/live",
                "source": "s1",
                "stage": "clean",
                "reason": "too_short",
                "detail": "body has 12 characters",
                "evidence": {"og_type_article": True, "body_chars": 12},
            }
        ],
    )
    stages["cleaned"][0]["dropped_path"] = dropped
    assess_run(settings, "r3", START, END, **stages, attempt="a")
    markdown = Path(publish_report(settings, "r3")["report"]).read_text()
    line = (
        "`too_short` https://example.org/live (body has 12 characters); "
        "evidence: body_chars=12, og_type_article=True"
    )
    assert line in markdown
