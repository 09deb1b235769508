"""Pieces of the loader that need no node: the prefetching thread and the synthetic documents."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from newsingest.bench.synthetic import synthetic_articles
from newsingest.load.bulk import LoadReport, _Op, _prefetch, _Run


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


def test_synthetic_articles_are_deterministic_and_distinct() -> None:
    first = list(synthetic_articles(200, seed=3))
    again = list(synthetic_articles(200, seed=3))
    assert [a.doc_id for a in first] == [a.doc_id for a in again]
    assert len({a.doc_id for a in first}) == 200
    assert {a.detected_language for a in first} == {"en", "de", "fr"}
    assert all(len(a.body.split()) >= 100 and a.persons and a.places for a in first)
    with pytest.raises(ValueError, match="n must be >= 0"):
        list(synthetic_articles(-1))


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
