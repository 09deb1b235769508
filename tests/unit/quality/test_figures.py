"""newsingest.quality.figures: run figures per source from real stage files; batches of one source add up."""

from __future__ import annotations

from newsingest.quality.figures import run_figures

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
