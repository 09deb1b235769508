"""newsingest.quality.figures: run figures per source from real stage files; batches of one source add up."""

from __future__ import annotations

from newsingest.models import FetchResult, FetchSummary
from newsingest.quality.figures import fetch_figures, run_figures

from .stage_rows import END, START, article, stage_rows


def test_figures_from_stage_files(tmp_path):
    articles = [
        article(1),
        article(2, authors=[], published="2026-11-02T23:00:00+00:00"),  # outside the day
        article(3, title="", published=None),
        article(4, content_hash="h1"),  # same content as article 1
    ]
    stages = stage_rows(tmp_path, "s1", articles, attempted=10, errors={"robots": 1, "timeout": 1})
    fig = run_figures(START, END, **stages)["s1"]
    assert fig["blocked_by_robots"] == 1 and fig["fetch_errors_total"] == 2
    assert fig["fetch_error_ratio"] == 0.2
    assert fig["dropped_page_type"] == 1 and fig["dropped_too_short"] == 2
    assert fig["title_fill"] == 0.75 and fig["authors_fill"] == 0.75 and fig["date_fill"] == 0.75
    assert fig["dates_in_interval"] == round(2 / 3, 4)
    assert fig["duplicate_ratio"] == 0.25
    assert fig["body_fill"] == 1.0 and fig["language_fill"] == 1.0


def test_batches_of_one_source_add_up(tmp_path):
    one = stage_rows(tmp_path / "b1", "s1", [article(1), article(2)], attempted=3, errors={"timeout": 1})
    two = stage_rows(tmp_path / "b2", "s1", [article(3)], attempted=2, errors={"timeout": 1, "robots": 1})
    fig = run_figures(START, END, **{k: one[k] + two[k] for k in one})["s1"]
    assert (fig["attempted"], fig["fetched"], fig["cleaned"], fig["indexed"]) == (5, 2, 3, 3)
    assert fig["fetch_errors"] == {"timeout": 2, "robots": 1}
    assert fig["articles"] == 3 and fig["dropped_too_short"] == 4


def test_health_summary() -> None:
    rows = [
        FetchResult(url="a", source="s", ok=True, status=200, attempts=1, bytes=10),
        FetchResult(url="b", source="s", ok=True, not_modified=True, status=304, attempts=1),
        FetchResult(url="c", source="s", error_class="robots"),
        FetchResult(url="d", source="s", ok=True, status=200, attempts=3, throttled=True),
        FetchResult(url="e", source="s", error_class="http_4xx", status=404, attempts=1),
        FetchResult(url="x", source="t", error_class="timeout", attempts=4),
        FetchResult(url="y", source="t", error_class="timeout", attempts=4),
        FetchResult(url="z", source="t", error_class="connect", attempts=4),
    ]
    s, t = (
        fetch_figures(FetchSummary.of_results(name, [r for r in rows if r.source == name]).to_dict())
        for name in ("s", "t")
    )
    counts = ("fetched", "not_modified", "blocked_by_robots", "throttled", "retried")
    assert [s[k] for k in counts] == [2, 1, 1, 1, 1]
    assert s["fetch_errors"] == {"http_4xx": 1, "robots": 1} and s["fetch_problem"] is None
    assert s["fetch_failure_ratio"] == 0.0  # a 404 is a gone page, not a failing site
    assert "3 of 3" in (t["fetch_problem"] or "") and "timeout" in (t["fetch_problem"] or "")
    assert t["fetch_failure_ratio"] == 1.0
