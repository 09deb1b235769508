"""The compose storage-root settings against a local S3 server: run files and WARC archives on s3://.

Uses exactly the environment that docker-compose.yaml gives the Airflow containers
(NEWSINGEST_STORAGE_ROOT=s3://..., FSSPEC_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID/SECRET), pointed at moto's
S3 server on 127.0.0.1 instead of MinIO. s3fs and moto[server] are in the dev lock, so nothing here skips.
The pipeline's stages on an S3 root: tests/integration/storage/test_stages_on_s3.py.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import moto.server as moto_server
import pytest
from compose_support import filled_env, interpolate_tree, load_compose


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3_env(monkeypatch):
    import boto3
    import fsspec

    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    compose_env = interpolate_tree(load_compose(), filled_env())["services"]["airflow-worker"]["environment"]
    endpoint = f"http://127.0.0.1:{port}"
    for key in (
        "NEWSINGEST_STORAGE_ROOT",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.setenv(key, compose_env[key])
    assert compose_env["FSSPEC_S3_ENDPOINT_URL"] == "http://minio:9000"
    monkeypatch.setenv("FSSPEC_S3_ENDPOINT_URL", endpoint)  # moto here, MinIO in compose
    monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": endpoint})  # env is read at import
    bucket = compose_env["NEWSINGEST_STORAGE_ROOT"].removeprefix("s3://").split("/")[0]
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    fsspec.filesystem("s3").invalidate_cache()
    yield compose_env["NEWSINGEST_STORAGE_ROOT"]
    server.stop()


def test_run_files_round_trip_on_the_s3_storage_root(s3_env):
    from newsingest import layout, storage
    from newsingest.config import load_settings

    root = load_settings().storage_root
    assert root == s3_env and root.startswith("s3://")
    path = layout.stage_path(root, "manual__2026-11-27", "clean", "daily-ledger", "batch-1")
    assert storage.write_jsonl_gz(path, [{"doc_id": "a"}, {"doc_id": "b"}]) == 2
    assert list(storage.read_jsonl_gz(path)) == [{"doc_id": "a"}, {"doc_id": "b"}]
    assert storage.list_files(storage.join(root, "runs")) == [path]  # no temporary object left behind


def test_warc_archive_is_published_and_read_back_from_s3(s3_env):
    from newsingest import layout
    from newsingest.config import load_settings
    from newsingest.crawl import archive

    path = layout.warc_path(load_settings().storage_root, "manual__2026-11-27", "daily-ledger", "b1")
    warc = archive.WarcFile(path)
    warc.write_exchange(
        url="http://example.org/a",
        method="GET",
        request_headers=[("User-Agent", "t")],
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=b"<html><body>hello</body></html>",
        when=datetime.now(UTC),
    )
    warc.close()
    urls = [getattr(r, "url", None) for r in archive.iter_archive(path)]
    assert "http://example.org/a" in urls
