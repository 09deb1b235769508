"""newsingest.layout: every storage path, one place; names become safe path segments."""

from __future__ import annotations

from newsingest import layout


def test_run_files():
    root = "s3://bucket/prefix/"
    assert layout.run_dir(root, "manual__2026-11-27T02:00:00+00:00") == (
        "s3://bucket/prefix/runs/manual__2026-11-27T02_00_00+00_00"
    )
    assert layout.stage_path(root, "r1", "fetch", "daily ledger", "b0001") == (
        "s3://bucket/prefix/runs/r1/fetch/daily_ledger/b0001.jsonl.gz"
    )
    assert (
        layout.dropped_path(root, "r1", "src", "all")
        == "s3://bucket/prefix/runs/r1/clean/src/all.dropped.jsonl.gz"
    )
    assert (
        layout.dead_letter_path(root, "r1", "src", "b0")
        == "s3://bucket/prefix/runs/r1/dead-letter/src/b0.jsonl.gz"
    )
    assert layout.dead_letter_dir(root, "r1") == "s3://bucket/prefix/runs/r1/dead-letter"
    assert layout.quality_path(root, "r1") == "s3://bucket/prefix/runs/r1/quality.json"
    assert layout.report_paths(root, "r1") == (
        "s3://bucket/prefix/runs/r1/report.md",
        "s3://bucket/prefix/runs/r1/report.html",
    )


def test_archive_and_state():
    assert layout.warc_path("/data", "run 1", "src", "b1") == "/data/warc/run_1/src/b1.warc.gz"
    assert layout.warc_dir("/data", "run 1") == "/data/warc/run_1"
    assert layout.state_path("/data", "http", "src.jsonl.gz") == "/data/state/http/src.jsonl.gz"
    assert layout.state_path("/data", "docs", "a/b", "x.gz") == "/data/state/docs/a_b/x.gz"


def test_dropped_files_match_the_glob(tmp_path):
    from newsingest import storage

    path = layout.dropped_path(str(tmp_path), "r", "src", "b0000")
    storage.write_jsonl_gz(path, [{"url": "u"}])
    storage.write_jsonl_gz(layout.stage_path(str(tmp_path), "r", "clean", "src", "b0000"), [])
    found = storage.list_files(layout.stage_dir(str(tmp_path), "r", "clean"), layout.DROPPED_GLOB)
    assert found == [path]
