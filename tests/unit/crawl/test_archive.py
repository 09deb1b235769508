"""WARC writing and reading back, including damaged archives."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newsingest.crawl.archive import (
    ArchiveError,
    ArchiveProblem,
    WarcFile,
    WarcSink,
    iter_archive,
    read_response,
)
from newsingest.layout import warc_path
from newsingest.models import FetchResult
from newsingest.storage import StorageError

WHEN = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def _write(path: str, n: int = 3) -> list[int]:
    warc = WarcFile(path)
    offsets = []
    for i in range(n):
        body = gzip.compress(f"<html><p>page {i} café</p></html>".encode())
        offsets.append(
            warc.write_exchange(
                url=f"https://ex.com/{i}",
                method="GET",
                request_headers=[("User-Agent", "newsingest/0.1")],
                status=200,
                reason="OK",
                http_version="HTTP/1.1",
                response_headers=[
                    ("Content-Type", "text/html"),
                    ("Content-Encoding", "gzip"),
                    ("Transfer-Encoding", "chunked"),
                ],
                body=body,
                when=WHEN,
            )
        )
    warc.write_error(url="https://ex.com/err", when=WHEN, info={"error_class": "timeout"})
    warc.close()
    return offsets


def test_round_trip(tmp_path: Path) -> None:
    path = warc_path(str(tmp_path), "run 1", "src", "b1")
    assert path.endswith("/warc/run_1/src/b1.warc.gz")
    offsets = _write(path)
    assert not list(tmp_path.rglob("*.tmp-*"))  # published by rename
    result = FetchResult(
        url="https://ex.com/1", source="src", warc_path=path, warc_offset=offsets[1], encoding="utf-8"
    )
    resp = read_response(result)
    assert resp.status == 200 and resp.text == "<html><p>page 1 café</p></html>"
    assert resp.header("content-type") == "text/html"
    assert (
        resp.header("transfer-encoding") is None and resp.header("x-crawler-transfer-encoding") == "chunked"
    )
    records = list(iter_archive(path))
    assert [r.rec_type for r in records] == ["warcinfo"] + ["response", "request"] * 3 + ["metadata"]
    assert json.loads(records[-1].payload) == {"error_class": "timeout"}


def test_read_response_errors_are_clear(tmp_path: Path) -> None:
    path = warc_path(str(tmp_path), "r", "s", "b")
    [offset] = _write(path, 1)
    with pytest.raises(ArchiveError, match="no archived response"):
        read_response(FetchResult(url="u", source="s"))
    with pytest.raises(ArchiveError, match="expected a response record"):
        read_response(FetchResult(url="u", source="s", warc_path=path, warc_offset=0))
    # A wrong offset never yields some other page: it fails, however warcio resynchronises.
    with pytest.raises(ArchiveError, match=r"corrupt or truncated record"):
        read_response(FetchResult(url="u", source="s", warc_path=path, warc_offset=7))
    with pytest.raises(
        ArchiveError,
        match=r"corrupt or truncated record \(it is for https://ex\.com/0, not https://ex\.com/other\)",
    ):
        read_response(FetchResult(url="https://ex.com/other", source="s", warc_path=path, warc_offset=offset))
    with pytest.raises(ArchiveError, match="not found"):
        read_response(FetchResult(url="u", source="s", warc_path=path + ".nope", warc_offset=0))


def test_copy_response_carries_the_record_byte_for_byte_and_refuses_damaged_ones(tmp_path: Path) -> None:
    source = str(tmp_path / "old.warc.gz")
    offsets = _write(source)
    copy = WarcFile(str(tmp_path / "new.warc.gz"))
    moved = [copy.copy_response(source, offsets[i], f"https://ex.com/{i}") for i in (2, 0)]
    with pytest.raises(ArchiveError, match=r"it is for https://ex\.com/1"):
        copy.copy_response(source, offsets[1], "https://ex.com/other")
    raw = Path(source).read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(raw[: offsets[1] + 60])  # the record of page 1 is cut short
    with pytest.raises(ArchiveError, match="corrupt or truncated"):
        copy.copy_response(str(damaged), offsets[1], "https://ex.com/1")
    copy.close()
    new = Path(copy.path).read_bytes()
    first = new[moved[0] : moved[1]]  # the copy of page 2's response record: its very bytes
    assert raw[offsets[2] : offsets[2] + len(first)] == first
    for i, at in zip((2, 0), moved, strict=True):
        ref = FetchResult(url=f"https://ex.com/{i}", source="s", warc_path=copy.path, warc_offset=at)
        resp = read_response(ref.model_copy(update={"encoding": "utf-8"}))
        assert resp.text == f"<html><p>page {i} café</p></html>"
    records = list(iter_archive(copy.path))
    assert [r.rec_type for r in records] == ["warcinfo", "response", "response"]


def test_iter_archive_skips_corrupt_and_truncated_records(tmp_path: Path) -> None:
    path = str(tmp_path / "a.warc.gz")
    offsets = _write(path, 4)
    data = bytearray(Path(path).read_bytes())
    # Damage the deflate stream of the second response record, and cut the file inside the last record.
    middle = offsets[1] + 40
    data[middle : middle + 30] = b"\xff" * 30
    cut = len(data) - 20
    Path(path).write_bytes(bytes(data[:cut]))
    problems: list[ArchiveProblem] = []
    records = list(iter_archive(path, on_problem=problems.append))
    responses = [r.url for r in records if r.rec_type == "response"]
    assert responses == ["https://ex.com/0", "https://ex.com/2", "https://ex.com/3"]
    assert problems[0].offset == offsets[1]
    assert any("truncated" in p.reason for p in problems)
    assert all(r.rec_type != "metadata" for r in records)  # the cut-off last record


def test_iter_archive_resyncs_after_garbage(tmp_path: Path) -> None:
    path = str(tmp_path / "g.warc.gz")
    _write(path, 2)
    Path(path).write_bytes(b"garbage at the start" + Path(path).read_bytes())
    problems: list[ArchiveProblem] = []
    records = list(iter_archive(path, on_problem=problems.append))
    assert len(records) == 6 and problems and problems[0].offset == 0


def test_sink_rolls_over_and_publishes(tmp_path: Path) -> None:
    sink = WarcSink(str(tmp_path), "r", "batch", max_bytes=1)
    first = sink.file_for("s")
    first.write_error(url="https://ex.com/", when=WHEN, info={})
    second = sink.file_for("s")
    assert second is not first and second.path.endswith("batch-0001.warc.gz")
    sink.close()
    assert sorted(Path(p).name for p in sink.closed_paths) == ["batch-0001.warc.gz", "batch.warc.gz"]
    assert all(Path(p).exists() for p in sink.closed_paths)


_FULL_DISK = """
import os, resource, signal, sys
from datetime import UTC, datetime
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like a full disk
from newsingest.crawl.archive import WarcFile
from newsingest.storage import StorageError
resource.setrlimit(resource.RLIMIT_FSIZE, (32768, 32768))
warc = WarcFile(sys.argv[1])
try:
    for i in range(100):
        warc.write_error(url="https://ex.com/", when=datetime.now(UTC), info={"pad": os.urandom(4000).hex()})
    warc.close()
except StorageError as exc:
    print("ERROR", exc)
    warc.abort()
    sys.exit(3)
print("OK")
"""


def test_full_disk_names_the_archive_and_abort_removes_the_temp_file(tmp_path: Path) -> None:
    path = str(tmp_path / "warc" / "r" / "s" / "b.warc.gz")
    proc = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, path], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert f"cannot write WARC {path}: File too large" in proc.stdout, proc.stdout
    assert list((tmp_path / "warc" / "r" / "s").iterdir()) == []  # neither a final nor a temp file


def test_archive_under_a_file_raises_storage_error_naming_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    path = str(blocker / "warc" / "b.warc.gz")
    with pytest.raises(StorageError, match=r"cannot create WARC .*not-a-dir.*Not a directory"):
        WarcFile(path)
    assert blocker.read_text() == "x"


def test_abort_removes_the_temp_file_even_when_closing_fails(tmp_path: Path) -> None:
    warc = WarcFile(str(tmp_path / "b.warc.gz"))
    warc.write_error(url="https://ex.com/", when=WHEN, info={})
    warc._fh.write(b"pending")  # left in the buffer; the flush at close time fails below

    def failing_flush() -> None:
        raise OSError(28, "No space left on device")

    warc._fh.flush = failing_flush  # type: ignore[method-assign]
    warc.abort()
    assert list(tmp_path.iterdir()) == []
