"""The search request body: filters, ranking parts, collapse and facets."""

from __future__ import annotations

import pytest
from newsingest.load.search import (
    FACETS,
    MAX_QUERY_CLAUSES,
    build_filters,
    build_query,
    build_request,
    query_languages,
    query_terms,
    text_query,
)


def test_filters_or_within_and_across() -> None:
    clauses = build_filters(persons=["Ann Lee", "Bo Chen"], countries="gb", sources=[], since="2026-01-01")
    names = ["Ann Lee", "Bo Chen"]  # a canonical name or any alias matches
    assert {"terms": {"persons.norm": names}} in clauses[0]["bool"]["should"]
    assert {"terms": {"person_aliases.norm": names}} in clauses[0]["bool"]["should"]
    assert {"terms": {"countries.norm": ["gb"]}} in clauses
    assert {"range": {"published": {"gte": "2026-01-01"}}} in clauses
    assert len(clauses) == 3  # empty filter dropped


def test_topic_filter_matches_code_or_label() -> None:
    (clause,) = build_filters(topics=["medtop:04000000"])
    fields = {next(iter(s["terms"])) for s in clause["bool"]["should"]}
    assert fields == {"topics.code", "topics.label.norm"}


def test_bad_filter_and_date_are_named() -> None:
    with pytest.raises(ValueError, match="unknown search filter 'people'"):
        build_filters(people=["x"])
    with pytest.raises(ValueError, match="until='yesterday' is not an ISO date"):
        build_filters(until="yesterday")


def test_query_is_plain_bm25_over_main_fields_without_minimum_match() -> None:
    match = build_query("interest rates")["bool"]["must"][0]["multi_match"]
    assert "title^2" in match["fields"] and "body" in match["fields"] and "lead" in match["fields"]
    assert "minimum_should_match" not in match and match["type"] == "best_fields"
    assert not any(f.startswith(("title_", "body_")) for f in match["fields"])  # English: no copies


def test_language_fields_come_from_the_filter_or_the_query() -> None:
    fields = build_query("greve", languages=["fr"])["bool"]["must"][0]["multi_match"]["fields"]
    assert {"title_fr^2", "body_fr"} <= set(fields)
    assert query_languages("Die Bundesregierung beschließt den neuen Haushalt für Schulen") == ["de"]
    assert query_languages("x", ["de", "de-AT", "fr", "es"]) == ["de", "fr"]  # at most two languages
    assert query_languages("anything", ["xx"]) == []


@pytest.mark.parametrize("words", [14, 50, 170, 400], ids=lambda n: f"{n}-words")
def test_clause_count_is_bounded_whatever_the_query_length(words: int) -> None:
    vocabulary = [f"word{n}" for n in range(words)]
    for languages in ([], ["de"], ["de", "fr"]):
        match = text_query(" ".join(vocabulary), languages)["multi_match"]
        clauses = len(match["query"].split()) * len(match["fields"])
        assert clauses <= MAX_QUERY_CLAUSES
        assert match["query"].split() == vocabulary[: len(match["query"].split())]  # leading words kept
    short = "what did the prime minister say about the budget"
    assert text_query(short)["multi_match"]["query"] == short  # short queries go through untouched


def test_long_query_keeps_distinct_words_and_bounds_cjk() -> None:
    assert query_terms("tax tax TAX rise " * 200, 10).split() == ["tax", "rise"]
    cjk = query_terms("国" * 2000, 10)
    assert len(cjk) <= MAX_QUERY_CLAUSES // 10 + 1


def test_recency_wraps_in_decay() -> None:
    query = build_query("x", recency=True, recency_scale="3d")
    assert query["function_score"]["functions"][0]["gauss"]["published"]["scale"] == "3d"


def test_request_collapses_and_counts_facets() -> None:
    body = build_request("rates", facet_size=5)
    assert body["collapse"]["field"] == "cluster_id"
    assert body["aggs"]["stories"] == {"cardinality": {"field": "cluster_id"}}
    for name in FACETS:
        assert body["aggs"][name]["terms"]["size"] == 5
    assert "sort" not in body  # relevance


def test_empty_query_sorts_by_date_without_highlight() -> None:
    body = build_request("", persons=["x"])
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"][0]["published"]["order"] == "desc"
    assert "highlight" not in body


def test_bad_sizes_rejected() -> None:
    with pytest.raises(ValueError, match="sort must be"):
        build_request("x", sort="popular")
    with pytest.raises(ValueError, match=">= 0"):
        build_request("x", size=-1)
