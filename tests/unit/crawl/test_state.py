"""newsingest.crawl.state: validators, cached documents and undated URLs kept between runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsingest.crawl.state import ArchivedRef, DocumentCache, UndatedLedger, ValidatorStore


def test_validators_persist_between_runs(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(b"x")
    ref = ArchivedRef(str(warc), 0, datetime(2026, 11, 3, 10, tzinfo=UTC), "cp1251")
    store = ValidatorStore(str(tmp_path), "src")
    store.remember("https://ex.com/a", '"v1"', "Tue, 03 Nov 2026 10:00:00 GMT", ref)
    store.remember("https://ex.com/b", None, None, ref)
    store.save()
    again = ValidatorStore(str(tmp_path), "src")
    assert again.headers_for("https://ex.com/a") == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Tue, 03 Nov 2026 10:00:00 GMT",
    }
    assert again.archived("https://ex.com/a") == ref  # with the charset its body was read with
    assert again.headers_for("https://ex.com/b") == {}
    assert not list(tmp_path.rglob("*.tmp-*"))


def test_validators_without_an_archived_response_send_no_conditional_get(tmp_path: Path) -> None:
    """A 304 must be re-processable: no archived 200 (an old state file, a deleted archive) -> full GET."""
    warc = tmp_path / "gone.warc.gz"
    warc.write_bytes(b"x")
    store = ValidatorStore(str(tmp_path), "src")
    store.remember("https://ex.com/a", '"v1"', None)  # no archive reference: not remembered
    store.remember("https://ex.com/c", '"v3"', None, ArchivedRef(str(warc), 7, None))
    store.save()
    assert ValidatorStore(str(tmp_path), "src").headers_for("https://ex.com/a") == {}
    warc.unlink()
    again = ValidatorStore(str(tmp_path), "src")
    assert again.archived("https://ex.com/c") is None
    assert again.headers_for("https://ex.com/c") == {}
    discovery = ValidatorStore(str(tmp_path), "src.discovery", require_archive=False)
    discovery.remember("https://ex.com/feed", '"f1"', None)
    assert discovery.headers_for("https://ex.com/feed") == {"If-None-Match": '"f1"'}


def test_undated_ledger_remembers_and_expires(tmp_path: Path) -> None:
    now = datetime(2026, 11, 5, tzinfo=UTC)
    ledger = UndatedLedger(str(tmp_path), "src", now=now)
    ledger.add("https://ex.com/a")
    ledger.save()
    assert "https://ex.com/a" in UndatedLedger(str(tmp_path), "src", now=now + timedelta(days=30))
    assert "https://ex.com/a" not in UndatedLedger(str(tmp_path), "src", now=now + timedelta(days=400))


def test_document_cache(tmp_path: Path) -> None:
    cache = DocumentCache(str(tmp_path), "src")
    assert cache.load("https://ex.com/feed") is None
    cache.store("https://ex.com/feed", b"<rss/>")
    assert cache.load("https://ex.com/feed") == b"<rss/>"
