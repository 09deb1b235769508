"""The recall-aware nDCG: ideal DCG from every judged document, not just the returned ones."""

from __future__ import annotations

import math

import pytest
from newsingest.load.rank_eval import dcg, ndcg


def test_dcg_uses_exponential_gain_and_log_discount() -> None:
    assert dcg([2, 0, 1]) == pytest.approx(3 / math.log2(2) + 0 + 1 / math.log2(4))
    assert dcg([]) == 0.0


def test_ndcg_counts_relevant_documents_never_returned() -> None:
    assert ndcg([2, 0, 0], [2], k=10) == 1.0
    missed = ndcg([2, 0, 0], [2, 2], k=10)  # the second relevant page was never returned
    assert missed == pytest.approx(3 / (3 + 3 / math.log2(3)))
    assert ndcg([0, 2], [2], k=1) == 0.0  # cut-off applies to the ranking
    assert ndcg([], [1, 2], k=10) == 0.0 and ndcg([0], [], k=10) == 0.0
