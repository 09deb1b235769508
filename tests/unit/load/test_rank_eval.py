"""newsingest.load.rank_eval: the recall-aware nDCG, and judgement files read and refused with names."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from newsingest.load.rank_eval import JudgementsError, dcg, load_judgements, ndcg, parse_judgements


def test_dcg_uses_exponential_gain_and_log_discount() -> None:
    assert dcg([2, 0, 1]) == pytest.approx(3 / math.log2(2) + 0 + 1 / math.log2(4))
    assert dcg([]) == 0.0


def test_ndcg_counts_relevant_documents_never_returned() -> None:
    assert ndcg([2, 0, 0], [2], k=10) == 1.0
    missed = ndcg([2, 0, 0], [2, 2], k=10)  # the second relevant page was never returned
    assert missed == pytest.approx(3 / (3 + 3 / math.log2(3)))
    assert ndcg([0, 2], [2], k=1) == 0.0  # cut-off applies to the ranking
    assert ndcg([], [1, 2], k=10) == 0.0 and ndcg([0], [], k=10) == 0.0


FIXTURE_JUDGEMENTS = Path(__file__).parents[2] / "integration" / "load" / "fixtures" / "judgements.json"


def test_judgements_file_parses() -> None:
    judgements = load_judgements(FIXTURE_JUDGEMENTS)
    assert judgements.k == 10 and len(judgements.queries) >= 10


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "non-empty 'queries'"),
        ({"queries": [{"id": "a", "query": "x"}]}, r"queries\[0\] \(a\): needs a 'ratings' list"),
        ({"queries": [{"id": "a", "query": "x", "ratings": [{"rating": 1}]}]}, "needs 'doc_id', 'url' or"),
        ({"queries": [{"id": "a", "query": " ", "ratings": [{"url": "u", "rating": 1}]}]}, "'query' must be"),
        ({"k": 0, "queries": [{"id": "a"}]}, "'k' must be a positive integer"),
    ],
)
def test_bad_judgements_are_named(data: dict, message: str) -> None:
    with pytest.raises(JudgementsError, match=message):
        parse_judgements(data, "j.json")
