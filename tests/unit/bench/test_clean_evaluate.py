"""The benchmark metric and corpus loading, on tiny hand-made corpora (never the real corpora)."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest
from newsingest.bench.clean_evaluate import (
    authors_f1,
    body_scores,
    load_corpus,
    same_day,
    shingles,
    title_match,
)


def test_shingles_follow_the_benchmark_definition():
    assert shingles([]) == {}
    assert shingles(["a", "b"]) == {("a", "b"): 1}
    assert sum(shingles(list("abcdef")).values()) == 3


def test_body_scores_perfect_empty_and_partial():
    perfect = body_scores([("one two three four five", "one two three four five")])
    assert (perfect.precision, perfect.recall, perfect.f1, perfect.accuracy) == (1.0, 1.0, 1.0, 1.0)
    empty = body_scores([("", "one two three four five")])
    assert empty.recall == 0.0 and empty.precision == 0.0  # an empty prediction has no precision term
    half = body_scores([("a b c d e f g h", "a b c d e f g h i j k l m n o")])
    assert half.precision == 1.0
    assert half.recall == pytest.approx(5 / 12)
    assert half.accuracy == 0.0


def test_precision_is_averaged_only_over_non_empty_predictions():
    scores = body_scores([("", "x y z w"), ("x y z w", "x y z w")])
    assert scores.precision == 1.0
    assert scores.recall == 0.5


def test_authors_f1_rules():
    assert authors_f1(["Jane Doe"], [], ["jane  doe"]) == 1.0
    assert authors_f1(["Jane Doe"], ["Associated Press"], ["Jane Doe"]) == 1.0  # truth silent on agency
    assert authors_f1([], ["Associated Press"], ["AP"]) == 1.0
    assert authors_f1(["Jane Doe", "John Roe"], [], ["Jane Doe"]) == pytest.approx(2 / 3)
    assert authors_f1([], [], ["Jane Doe"]) == 0.0


def test_same_day_and_title_match():
    assert same_day(datetime(2024, 10, 16, 0, 0, tzinfo=UTC), "2024-10-16T00:00:00+08:00")
    assert same_day("2024-10-16", "2024-10-16T00:00:00+08:00")
    assert not same_day(None, "2024-10-16")
    assert title_match("A  title ", "A title")
    assert not title_match("A title | Site", "A title")
    # Invisible format characters (soft hyphen, zero-width space) are not part of what a reader sees.
    assert title_match("Helikopterlandeplatz geplant", "Helikopter\xadlandeplatz geplant\u200b")
    assert not title_match("Helikopter landeplatz", "Helikopterlandeplatz")


def test_load_both_layouts(tmp_path):
    aeb = tmp_path / "aeb"
    (aeb / "html").mkdir(parents=True)
    with gzip.open(aeb / "html" / "p1.html.gz", "wt", encoding="utf-8") as fh:
        fh.write("<p>hello</p>")
    (aeb / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": "hello", "url": "https://a/1"}}))
    kind, pages = load_corpus(aeb)
    assert kind == "aeb" and pages[0].html == "<p>hello</p>" and pages[0].body == "hello"

    fundus = tmp_path / "fundus"
    fundus.mkdir()
    with gzip.open(fundus / "X_2024.html.gz", "wt", encoding="utf-8") as fh:
        fh.write("<p>hi</p>")
    row = {
        "id": "X_2024",
        "file": "X_2024.html.gz",
        "url": "https://x/1",
        "title": "T",
        "authors": None,
        "published": "2024-01-01T00:00:00+00:00",
        "body": "hi",
    }
    (fundus / "ground-truth.jsonl").write_text(json.dumps(row) + "\n")
    kind, pages = load_corpus(fundus)
    assert kind == "fundus" and pages[0].authors is None and pages[0].title == "T"

    with pytest.raises(ValueError, match="not a corpus directory"):
        load_corpus(tmp_path)


def test_side_by_side_counts_dropped_empty_and_low_f1_pages():
    from newsingest.bench.clean_evaluate import Page, Prediction, evaluate_side_by_side, iter_metrics

    pages = [
        Page(id="kept", url="u1", html="", body="one two three four five six"),
        Page(id="dropped", url="u2", html="", body="one two three four five six"),
        Page(id="poor", url="u3", html="", body="one two three four five six seven eight nine"),
    ]
    answers = {
        "u1": Prediction(body="one two three four five six"),
        "u2": Prediction(dropped="page_type:index"),
        "u3": Prediction(body="one two three four"),
    }
    (result,) = evaluate_side_by_side("aeb", pages, {"x": lambda html, url: (answers[url], None)})
    assert result.dropped_or_empty == 1 and result.low_f1 == 2  # the dropped page scores 0 too
    assert result.per_page[1]["dropped"] == "page_type:index" and result.per_page[1]["empty"]
    metrics = dict(iter_metrics(result))
    assert metrics["dropped or empty"] == 1 and metrics["F1 < 0.5"] == 2


def test_a_fundus_subtitle_already_opening_the_body_is_not_prepended_again():
    from newsingest.bench.clean_evaluate import Page, Prediction, evaluate_side_by_side

    truth = "First bullet here.\n\nSecond bullet here.\n\nThe story goes on for a while."
    pages = [Page(id="bullets", url="u1", html="", body=truth), Page(id="dek", url="u2", html="", body=truth)]
    answers = {
        # the bullets open the body (paragraphs) and are the subtitle (lines): the same text
        "u1": (Prediction(body=truth), "First bullet here.\nSecond bullet here."),
        "u2": (Prediction(body="The story goes on for a while."), "First bullet here.\nSecond bullet here."),
    }
    (result,) = evaluate_side_by_side("fundus", pages, {"x": lambda html, url: answers[url]})
    assert result.per_page[0]["body"] == 1.0
    assert result.per_page[1]["body"] == 1.0  # a subtitle outside the body is prepended
