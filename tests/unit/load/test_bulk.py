"""newsingest.load.bulk without a node: prefetching, chunking, the report's arithmetic, dead letters."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from newsingest.load.bulk import LoadReport, _Op, _prefetch, _Run, write_dead_letters
from newsingest.storage import read_jsonl_gz


def test_prefetch_yields_everything_in_order() -> None:
    assert list(_prefetch(iter(range(1000)), 7)) == list(range(1000))


def test_prefetch_reraises_the_source_error_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise RuntimeError("storage went away")

    got: list[int] = []
    with pytest.raises(RuntimeError, match="storage went away"):
        for item in _prefetch(source(), 4):
            got.append(item)
    assert got == [1, 2]


def test_prefetch_stops_its_thread_when_the_consumer_stops() -> None:
    before = threading.active_count()
    stream = _prefetch(iter(range(10_000)), 2)
    assert next(stream) == 0
    stream.close()  # consumer gives up early (e.g. a bulk request raised)
    assert threading.active_count() == before


def _run(chunk_docs: int, chunk_bytes: int) -> _Run:
    return _Run(
        client=None,  # type: ignore[arg-type]  # chunking never talks to the node
        target="t",
        chunk_docs=chunk_docs,
        chunk_bytes=chunk_bytes,
        max_retries=0,
        initial_backoff=0,
        max_backoff=0,
        report=LoadReport(),
    )


def test_chunks_are_bounded_by_documents_and_bytes() -> None:
    ops = [_Op(doc_id=str(i), source="x" * 900, url=None) for i in range(10)]
    assert [len(c) for c in _run(4, 10_000)._chunks("create", ops)] == [4, 4, 2]
    assert [len(c) for c in _run(100, 2_500)._chunks("create", ops)] == [2] * 5  # 2 x (900 + 100) per request
    big = [_Op(doc_id="big", source="x" * 50_000, url=None), *ops[:2]]
    assert [len(c) for c in _run(100, 2_500)._chunks("create", big)] == [1, 2]  # an oversize doc goes alone
    # Updates carry the script, so fewer fit.
    assert len(next(_run(100, 10_000)._chunks("update", ops))) < len(
        next(_run(100, 10_000)._chunks("create", ops))
    )


def test_report_reconciles() -> None:
    report = LoadReport(received=10, created=5, updated=2, unchanged=1, duplicates=1, failed=1)
    assert report.indexed == 7 and report.skipped == 2 and report.reconciled()
    assert report.error_ratio == pytest.approx(0.1)
    report.created -= 1
    assert not report.reconciled()


def test_dead_letters_plain_and_gzip(tmp_path: Path) -> None:
    rows = [{"doc_id": "a", "reason": "strict mapping"}]
    write_dead_letters(str(tmp_path / "dl.jsonl"), rows)
    assert [json.loads(x) for x in (tmp_path / "dl.jsonl").read_text().splitlines()] == rows
    write_dead_letters(str(tmp_path / "dl.jsonl.gz"), rows)
    assert list(read_jsonl_gz(str(tmp_path / "dl.jsonl.gz"))) == rows
    write_dead_letters(str(tmp_path / "empty.jsonl"), [])
    assert (tmp_path / "empty.jsonl").read_text() == ""
