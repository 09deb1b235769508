"""The run report (quality.report, render_html, runs_index): the gate's decision, written and indexed."""

from __future__ import annotations

import json
from pathlib import Path

from newsingest import storage
from newsingest.config import Settings
from newsingest.quality.render_html import render_html
from newsingest.quality.report import assess_run, publish_report
from newsingest.quality.runs_index import runs_documents

from .stage_rows import END, START, article, stage_rows


def test_assess_and_publish_write_the_report(tmp_path):
    settings = Settings(
        home=tmp_path, storage_root=str(tmp_path / "storage"), sources_file=tmp_path / "s.yaml",
        opensearch_url="http://127.0.0.1:9200", index_alias="news",
    )  # fmt: skip
    stages = stage_rows(tmp_path, "s1", [article(i, title="") for i in range(3)], attempted=3, errors={})
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
    stages = stage_rows(tmp_path, "s1", [article(i) for i in range(3)], attempted=3, errors={})
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
    stages = stage_rows(tmp_path, "s1", [article(i) for i in range(3)], attempted=3, errors={})
    assess_run(settings, "r2", START, END, **stages, attempt="earlier")
    stale = publish_report(settings, "r2", verdict={"attempt": "this-one"})
    assert stale["status"] == "undecided" and stale["outcome"] == "failed"
    assert "belongs to another attempt" in Path(stale["report"]).read_text()
    missing = publish_report(settings, "r2", verdict=None, start=START, end=END)
    assert "did not finish" in Path(missing["report"]).read_text()


def test_the_report_shows_dropped_pages_with_the_cleaners_evidence(tmp_path):
    settings = _settings(tmp_path)
    stages = stage_rows(tmp_path, "s1", [article(i) for i in range(3)], attempted=4, errors={})
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
