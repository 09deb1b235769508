"""newsingest.bench.synthetic: deterministic synthetic articles for the load benchmark."""

from __future__ import annotations

import pytest
from newsingest.bench.synthetic import synthetic_articles


def test_synthetic_articles_are_deterministic_and_distinct() -> None:
    first = list(synthetic_articles(200, seed=3))
    again = list(synthetic_articles(200, seed=3))
    assert [a.doc_id for a in first] == [a.doc_id for a in again]
    assert len({a.doc_id for a in first}) == 200
    assert {a.detected_language for a in first} == {"en", "de", "fr"}
    assert all(len(a.body.split()) >= 100 and a.persons and a.places for a in first)
    with pytest.raises(ValueError, match="n must be >= 0"):
        list(synthetic_articles(-1))
