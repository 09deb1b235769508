"""Stage summaries (the XCom contract): JSON round trip and the per-source merge of batches."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsingest.errors import DropReason, ErrorClass
from newsingest.models import CleanSummary, DiscoverSummary, FetchSummary, LoadSummary
from newsingest.quality.figures import run_figures


def test_summary_round_trips_through_json_and_ignores_unknown_keys() -> None:
    summary = FetchSummary(
        source="s", batch="b0000", path="/r/f.jsonl.gz", attempted=3, errors={ErrorClass.TIMEOUT: 1}
    )
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["errors"] == {"timeout": 1}  # str enums stay the same strings in XCom
    assert FetchSummary.from_dict({**data, "added_later": 1}) == FetchSummary.from_dict(data)
    assert "batch" not in DiscoverSummary(source="s", discovered=2).to_dict()


def test_load_batches_merge_by_field_not_by_value_type() -> None:
    batches = [
        {"source": "s", "batch": "b0", "received": 10, "failed": 1, "indexed": 9, "error_ratio": 0.1,
         "elapsed_s": 2.0, "dead_letter_path": "/dl/b0", "errors_by_type": {"mapper_parsing_exception": 1}},
        {"source": "s", "batch": "b1", "received": 30, "failed": 3, "indexed": 27, "error_ratio": 0.1,
         "elapsed_s": 1.5, "errors_by_type": {"mapper_parsing_exception": 2, "version_conflict": 1}},
        {"source": "t", "batch": "b0", "dry_run": True, "indexed": 0, "failed": 0},
        None,  # a load task that did not finish
    ]  # fmt: skip
    merged = LoadSummary.merge(batches)
    s = merged["s"]
    assert (s["received"], s["failed"], s["indexed"]) == (40, 4, 36)
    assert s["error_ratio"] == 0.1  # recomputed from the sums (summing the batches' ratios would give 0.2)
    assert s["elapsed_s"] == 3.5  # the batches' load times add up
    assert s["errors_by_type"] == {"mapper_parsing_exception": 3, "version_conflict": 1}
    assert s["dead_letter_paths"] == ["/dl/b0"] and "batch" not in s
    assert merged["t"]["dry_run"] is True and merged["t"]["error_ratio"] == 0.0


def test_counters_and_paths_of_batches_add_up() -> None:
    merged = CleanSummary.merge(
        [
            {"source": "s", "batch": "b0", "path": "c0", "dropped_path": "d0", "cleaned": 2,
             "dropped": {"too_short": 1, "fetch:timeout": 2}},
            {"source": "s", "batch": "b1", "path": "c1", "dropped_path": "d1", "cleaned": 3,
             "dropped": {"too_short": 4}},
        ]
    )["s"]  # fmt: skip
    assert merged["cleaned"] == 5 and merged["dropped"] == {"too_short": 5, "fetch:timeout": 2}
    assert merged["paths"] == ["c0", "c1"] and merged["dropped_paths"] == ["d0", "d1"]


def test_run_figures_group_the_drop_reasons_the_stages_write() -> None:
    start, end = datetime(2026, 11, 3, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)
    dropped = {
        "page_type:consent": 1,
        DropReason.TOO_SHORT.value: 2,
        "empty": 1,
        "fetch:http_5xx": 3,
        "binary": 1,
        "archive_unreadable": 1,
        "something_new": 1,
    }
    fig = run_figures(
        start,
        end,
        discovered=[],
        fetched=[{"source": "s", "batch": "b", "attempted": 5, "errors": {"robots": 2, "http_5xx": 3}}],
        cleaned=[{"source": "s", "batch": "b", "cleaned": 0, "dropped": dropped}],
        enriched=[],
        loaded=[],
    )["s"]
    assert (fig["dropped_page_type"], fig["dropped_too_short"], fig["dropped_other"]) == (1, 3, 3)
    assert fig["dropped_total"] == 7  # fetch failures are counted as fetch errors, not as drops
    assert fig["blocked_by_robots"] == 2 and fig["fetch_errors_total"] == 5
    assert "dropped_language" not in fig  # nothing drops a page for its language
