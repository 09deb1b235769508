"""The search request body: filters, ranking parts, collapse and facets."""

from __future__ import annotations

import pytest
from newsingest.load.search import FACETS, build_filters, build_query, build_request


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


def test_query_weights_title_and_boosts_phrases() -> None:
    query = build_query("interest rates")["bool"]
    fields = query["must"][0]["multi_match"]["fields"]
    assert "title^4" in fields and "body" in fields and "title_*^4" in fields
    phrase = query["should"][0]["multi_match"]
    assert phrase["type"] == "phrase" and phrase["boost"] > 1


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
