"""Stage-runner faults: a worker SIGKILLed mid-fetch and mid-load, an unwritable or full storage root,
and corrupt or truncated WARC files.

Each test injects the fault into real stage runners (``newsingest.pipeline``), real HTTP (the sample
site) and, for loads, the real OpenSearch node, then checks that a rerun is idempotent and that nothing
half-written is ever read by a later stage.
"""

from __future__ import annotations

import glob
import gzip
import os
import signal
import subprocess
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest
from newsingest import layout, pipeline, storage
from newsingest.bench.synthetic import synthetic_articles
from newsingest.config import Settings
from newsingest.load.index import drop_alias_and_indices
from newsingest.models import DiscoveredURL, FetchResult
from opensearchpy.helpers import scan
from reliability_support import PYTHON, child_env

SOURCE = "bulk"


def _sources_file(tmp_path: Path, base: str, rate: float = 40.0) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            sources:
              - name: {SOURCE}
                homepage: {base}/bulk/
                sitemaps: ["{base}/bulk/sitemap.xml?n=10"]
                rate_limit: {rate}
                allow_private: true
            """
        )
    )
    return path


def _discovered(settings: Settings, base: str, n: int, run_id: str) -> str:
    path = layout.stage_path(settings.storage_root, run_id, "discover", SOURCE, "all")
    rows = (
        DiscoveredURL(url=f"{base}/bulk/article/{i}.html", source=SOURCE, channels=["sitemap"]).to_json()
        for i in range(n)
    )
    storage.write_jsonl_gz(path, rows)
    return path


def _spawn(code: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PYTHON, "-c", textwrap.dedent(code)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _kill_when(proc: subprocess.Popen[bytes], ready, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(
                f"the worker finished (rc={proc.returncode}) before it could be killed:\n{out[-3000:]}"
            )
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the worker never reached the point where it should be killed")
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _published_files(root: str) -> list[str]:
    """What a later stage could pick up: final-named stage files and WARC files (no temporaries)."""
    return storage.list_files(root, "**/*.jsonl.gz") + storage.list_files(root, "**/*.warc.gz")


# -- (3) worker killed mid-task ---------------------------------------------------------------------------


@pytest.mark.slow
def test_worker_killed_during_fetch_then_rerun(sample_site, iso_settings: Settings, tmp_path: Path) -> None:
    n, run_id = 240, "kill-fetch"
    sources = _sources_file(tmp_path, sample_site.url)
    settings = replace(iso_settings, sources_file=sources)
    discover_path = _discovered(settings, sample_site.url, n, run_id)
    env = child_env(NEWSINGEST_STORAGE_ROOT=settings.storage_root, NEWSINGEST_SOURCES=str(sources))
    proc = _spawn(
        f"""
        from newsingest.config import load_settings
        from newsingest.pipeline import fetch_stage
        fetch_stage(load_settings(), {run_id!r}, {SOURCE!r}, {discover_path!r})
        """,
        env,
    )
    warc_dir = Path(settings.storage_root) / "warc" / run_id / SOURCE

    def mid_fetch() -> bool:  # the archive is being written: about a quarter of the pages are in
        return (
            any(p.stat().st_size > 200_000 for p in warc_dir.glob("*.tmp-*")) if warc_dir.exists() else False
        )

    _kill_when(proc, mid_fetch)
    fetch_out = layout.stage_path(settings.storage_root, run_id, "fetch", SOURCE, "all")
    assert not storage.exists(fetch_out), "a killed fetch left its output behind"
    assert _published_files(settings.storage_root) == [discover_path], "a half-written file is visible"
    with pytest.raises(storage.StorageError, match="no such file"):
        pipeline.clean_stage(settings, run_id, SOURCE, fetch_out)  # what a premature downstream task sees

    # The Airflow retry: the same runner, same arguments, completes; every result points at a published WARC.
    summary = pipeline.fetch_stage(settings, run_id, SOURCE, discover_path)
    assert summary["attempted"] == n and summary["fetched"] == n, summary
    results = [FetchResult.from_json(r) for r in storage.read_jsonl_gz(summary["path"])]
    assert all(r.warc_path and ".tmp-" not in r.warc_path and os.path.exists(r.warc_path) for r in results)
    cleaned = pipeline.clean_stage(settings, run_id, SOURCE, summary["path"])
    assert cleaned["cleaned"] == n, cleaned
    # A second retry rewrites the same output (no duplicates in the stage file).
    again = pipeline.fetch_stage(settings, run_id, SOURCE, discover_path)
    assert len(list(storage.read_jsonl_gz(again["path"]))) == n


@pytest.mark.slow
@pytest.mark.opensearch
def test_worker_killed_during_load_then_rerun(
    opensearch_client, opensearch_url: str, iso_settings: Settings, unique_alias: str
) -> None:
    n, run_id = 3000, "kill-load"
    settings = replace(iso_settings, index_alias=unique_alias)
    enrich_path = layout.stage_path(settings.storage_root, run_id, "enrich", SOURCE, "all")
    articles = list(synthetic_articles(n, seed=23))
    storage.write_jsonl_gz(enrich_path, (a.to_json() for a in articles))
    env = child_env(
        NEWSINGEST_STORAGE_ROOT=settings.storage_root,
        NEWSINGEST_INDEX=unique_alias,
        NEWSINGEST_OPENSEARCH_URL=opensearch_url,
    )
    proc = _spawn(
        f"""
        import functools
        import newsingest.load.bulk as bulk
        # many small requests, so the kill lands mid-load
        bulk.load_articles = functools.partial(bulk.load_articles, chunk_docs=100)
        from newsingest.config import load_settings
        from newsingest.load.client import make_client
        from newsingest.pipeline import load_stage
        s = load_settings()
        load_stage(s, {run_id!r}, {SOURCE!r}, {enrich_path!r}, make_client(s.opensearch_url))
        """,
        env,
    )

    def count() -> int:
        try:
            return int(opensearch_client.count(index=unique_alias)["count"])
        except Exception:
            return 0

    try:
        _kill_when(proc, lambda: count() >= 300)
        dead_letters = storage.join(settings.storage_root, "runs", run_id, "dead-letter")
        assert storage.list_files(dead_letters, "**/*") == []  # written only at the end, atomically
        # Bulk requests the worker sent before it died still complete on the server: wait until settled.
        partial, settled_at = -1, time.monotonic() + 30
        while time.monotonic() < settled_at:
            opensearch_client.indices.refresh(index=unique_alias)
            now = count()
            if now == partial:
                break
            partial = now
            time.sleep(1.0)
        assert 0 < partial < n, partial

        summary = pipeline.load_stage(settings, run_id, SOURCE, enrich_path, opensearch_client)
        assert summary["received"] == n and summary["failed"] == 0, summary
        assert summary["created"] == n - partial, summary  # the rest are recognised, not re-created
        assert summary["indexed"] + summary["skipped"] == n
        opensearch_client.indices.refresh(index=unique_alias)
        ids = [h["_id"] for h in scan(opensearch_client, index=unique_alias, _source=False, size=1000)]
        assert len(ids) == len(set(ids)) == n and set(ids) == {a.doc_id for a in articles}
        assert list(storage.read_jsonl_gz(summary["dead_letter_path"])) == []
        # A second retry writes nothing.
        again = pipeline.load_stage(settings, run_id, SOURCE, enrich_path, opensearch_client)
        assert again["unchanged"] == n and again["created"] == again["updated"] == 0, again
    finally:
        drop_alias_and_indices(opensearch_client, unique_alias)


# -- (4) storage root unwritable or full ---------------------------------------------------------------------


def test_storage_root_under_a_file_names_the_path(
    sample_site, iso_settings: Settings, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a regular file where a folder should be")
    bad = replace(iso_settings, storage_root=str(blocker / "storage"))
    good_fetch = str(tmp_path / "in" / "fetch.jsonl.gz")
    storage.write_jsonl_gz(
        good_fetch, [FetchResult(url="http://x/a", source=SOURCE, error_class="http_4xx").to_json()]
    )
    with pytest.raises(storage.StorageError) as info:
        pipeline.clean_stage(bad, "r", SOURCE, good_fetch)
    assert str(blocker / "storage") in str(info.value) and "Not a directory" in str(info.value)

    sources = _sources_file(tmp_path, sample_site.url)
    bad = replace(bad, sources_file=sources)
    discover_path = _discovered(replace(iso_settings), sample_site.url, 3, "r")
    with pytest.raises(storage.StorageError) as failed:
        pipeline.fetch_stage(bad, "r", SOURCE, discover_path)
    assert str(blocker / "storage") in str(failed.value) and "Not a directory" in str(failed.value)
    assert blocker.read_text().startswith("a regular file")  # untouched


_FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk: writes fail with EFBIG instead of a signal
from newsingest.config import load_settings
from newsingest import pipeline
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
try:
    pipeline.{call}
except Exception as exc:
    print("ERROR", type(exc).__name__, exc)
    sys.exit(3)
print("OK")
"""


def _run_full_disk(call: str, env: dict[str, str], limit: int) -> str:
    code = _FULL_DISK.format(limit=limit, call=call)
    proc = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 3, (proc.returncode, proc.stdout[-2000:], proc.stderr[-3000:])
    return proc.stdout


def test_full_disk_during_clean_names_the_file_and_publishes_nothing(
    sample_site, iso_settings: Settings, tmp_path: Path
) -> None:
    sources = _sources_file(tmp_path, sample_site.url, rate=200.0)
    settings = replace(iso_settings, sources_file=sources)
    run_id = "full-clean"
    discover_path = _discovered(settings, sample_site.url, 40, run_id)
    fetched = pipeline.fetch_stage(settings, run_id, SOURCE, discover_path)
    env = child_env(NEWSINGEST_STORAGE_ROOT=settings.storage_root, NEWSINGEST_SOURCES=str(sources))
    out = _run_full_disk(
        f"clean_stage(load_settings(), {run_id!r}, {SOURCE!r}, {fetched['path']!r})", env, 16_384
    )
    clean_out = layout.stage_path(settings.storage_root, run_id, "clean", SOURCE, "all")
    assert f"StorageError cannot write {clean_out}: File too large" in out, out
    assert not storage.exists(clean_out)
    assert not glob.glob(clean_out + ".tmp-*"), "the temporary file was left behind"
    assert pipeline.clean_stage(settings, run_id, SOURCE, fetched["path"])["cleaned"] == 40  # space back


def _full_disk_fetch(sample_site, iso_settings: Settings, tmp_path: Path) -> tuple[str, Settings, str]:
    sources = _sources_file(tmp_path, sample_site.url, rate=200.0)
    settings = replace(iso_settings, sources_file=sources)
    run_id = "full-fetch"
    discover_path = _discovered(settings, sample_site.url, 60, run_id)
    env = child_env(NEWSINGEST_STORAGE_ROOT=settings.storage_root, NEWSINGEST_SOURCES=str(sources))
    out = _run_full_disk(
        f"fetch_stage(load_settings(), {run_id!r}, {SOURCE!r}, {discover_path!r})", env, 65_536
    )
    return out, settings, run_id


def test_full_disk_during_fetch_publishes_nothing(
    sample_site, iso_settings: Settings, tmp_path: Path
) -> None:
    out, settings, run_id = _full_disk_fetch(sample_site, iso_settings, tmp_path)
    assert "File too large" in out, out
    assert not storage.exists(layout.stage_path(settings.storage_root, run_id, "fetch", SOURCE, "all"))
    assert (
        storage.list_files(settings.storage_root, "**/*.warc.gz") == []
    )  # no half archive under a final name


def test_full_disk_during_fetch_names_the_archive_and_cleans_up(
    sample_site, iso_settings: Settings, tmp_path: Path
) -> None:
    out, settings, run_id = _full_disk_fetch(sample_site, iso_settings, tmp_path)
    warc_dir = Path(settings.storage_root) / "warc" / run_id / SOURCE
    assert str(warc_dir) in out, out
    assert list(warc_dir.glob("*.tmp-*")) == []


# -- (5) corrupt or truncated WARC files ------------------------------------------------------------------


def _fetch_pages(sample_site, settings: Settings, tmp_path: Path, run_id: str, n: int) -> dict:
    sources = _sources_file(tmp_path, sample_site.url, rate=200.0)
    settings = replace(settings, sources_file=sources)
    discover_path = _discovered(settings, sample_site.url, n, run_id)
    return pipeline.fetch_stage(settings, run_id, SOURCE, discover_path), settings


def _results(path: str) -> list[FetchResult]:
    return [FetchResult.from_json(r) for r in storage.read_jsonl_gz(path)]


def test_corrupt_warc_records_are_skipped_with_a_reason(
    sample_site, iso_settings: Settings, tmp_path: Path
) -> None:
    n = 30
    fetched, settings = _fetch_pages(sample_site, iso_settings, tmp_path, "corrupt", n)
    results = _results(fetched["path"])
    [warc] = {r.warc_path for r in results}
    data = bytearray(Path(warc).read_bytes())
    damaged = results[3], results[17]
    for r in damaged:  # overwrite the middle of the record's compressed stream
        offset = r.warc_offset + 200
        data[offset : offset + 64] = os.urandom(64)
    Path(warc).write_bytes(bytes(data))

    cleaned = pipeline.clean_stage(settings, "corrupt", SOURCE, fetched["path"])
    dropped = list(storage.read_jsonl_gz(cleaned["dropped_path"]))
    assert {d["url"] for d in dropped} == {r.url for r in damaged}, dropped
    assert {d["reason"] for d in dropped} == {"archive_unreadable"}
    assert all(warc in d["detail"] and "corrupt or truncated" in d["detail"] for d in dropped), dropped
    assert cleaned["cleaned"] == n - len(damaged)


def test_truncated_warc_loses_only_the_tail(sample_site, iso_settings: Settings, tmp_path: Path) -> None:
    n = 30
    fetched, settings = _fetch_pages(sample_site, iso_settings, tmp_path, "truncated", n)
    results = _results(fetched["path"])
    [warc] = {r.warc_path for r in results}
    cut = results[25].warc_offset + 300  # mid-way through record 25; records 26.. are gone too
    with open(warc, "r+b") as fh:
        fh.truncate(cut)
    cleaned = pipeline.clean_stage(settings, "truncated", SOURCE, fetched["path"])
    dropped = {d["url"]: d for d in storage.read_jsonl_gz(cleaned["dropped_path"])}
    assert set(dropped) == {r.url for r in results[25:]}
    assert {d["reason"] for d in dropped.values()} == {"archive_unreadable"}
    assert cleaned["cleaned"] == 25

    # The archive reader used for audits also skips the damage and reports it.
    from newsingest.crawl.archive import iter_archive

    problems = []
    responses = [r for r in iter_archive(warc, on_problem=problems.append) if r.rec_type == "response"]
    assert len(responses) >= 25 and problems and problems[-1].reason == "truncated gzip member"


def test_archive_replaced_by_garbage(sample_site, iso_settings: Settings, tmp_path: Path) -> None:
    fetched, settings = _fetch_pages(sample_site, iso_settings, tmp_path, "garbage", 5)
    [warc] = {r.warc_path for r in _results(fetched["path"])}
    with gzip.open(warc, "wb") as fh:  # valid gzip, not WARC
        fh.write(b"this is not a web archive\n" * 1000)
    cleaned = pipeline.clean_stage(settings, "garbage", SOURCE, fetched["path"])
    assert cleaned["cleaned"] == 0 and cleaned["dropped"] == {"archive_unreadable": 5}
