"""The pipeline's stages with the storage root on S3: moto's standalone server as the S3 endpoint.

fetch (WARC archive and fetch results), clean, enrich and load run against the real sample site and the
real OpenSearch node with ``NEWSINGEST_STORAGE_ROOT=s3://<bucket>/newsingest``; every stage file and WARC
object is listed back from the S3 server itself (boto3), so nothing quietly fell back to local disk.
"""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from newsingest import layout, pipeline, storage
from newsingest.load.index import drop_alias_and_indices
from newsingest.models import DiscoveredURL
from newsingest.services.s3 import REGION, S3Server

pytestmark = [pytest.mark.opensearch, pytest.mark.slow]
SOURCE = "bulk"
N = 4


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = S3Server(tmp_path_factory.mktemp("s3home"), _free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_root(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import fsspec

    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": s3_server.endpoint})  # env read at import
    bucket = f"t-news-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    fsspec.filesystem("s3").invalidate_cache()
    yield f"s3://{bucket}/newsingest"


def _objects(server: S3Server, root: str) -> list[str]:
    import boto3

    bucket, prefix = root.removeprefix("s3://").split("/", 1)
    env = server.env()
    client = boto3.client("s3", endpoint_url=server.endpoint, region_name=REGION,
                          aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])  # fmt: skip
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [f"s3://{bucket}/{o['Key']}" for page in pages for o in page.get("Contents", [])]


def test_fetch_clean_enrich_load_with_the_storage_root_on_s3(
    s3_server, s3_root, settings, sample_site, opensearch_client, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(textwrap.dedent(f"""\
        sources:
          - name: {SOURCE}
            homepage: {sample_site.url}/bulk/
            sitemaps: ["{sample_site.url}/bulk/sitemap.xml?n={N}"]
            rate_limit: 40
            allow_private: true
        """))  # fmt: skip
    alias = f"t_s3_{uuid.uuid4().hex[:8]}"
    cfg = replace(settings, storage_root=s3_root, sources_file=sources, index_alias=alias)
    run_id = "manual__2026-11-03T00:00:00+00:00"
    discovered = layout.stage_path(s3_root, run_id, "discover", SOURCE, "all")
    urls = [f"{sample_site.url}/bulk/article/{i}.html" for i in range(N)]
    rows = (DiscoveredURL(url=u, source=SOURCE, channels=["sitemap"]).to_json() for u in urls)
    storage.write_jsonl_gz(discovered, rows)
    try:
        fetched = pipeline.fetch_stage(cfg, run_id, SOURCE, discovered)
        assert fetched["fetched"] == N and not fetched["errors"]
        cleaned = pipeline.clean_stage(cfg, run_id, SOURCE, fetched["path"])  # reads the WARC back from S3
        assert cleaned["cleaned"] == N, cleaned
        enriched = pipeline.enrich_stage(cfg, run_id, SOURCE, cleaned["path"])
        assert enriched["enriched"] == N
        loaded = pipeline.load_stage(cfg, run_id, SOURCE, enriched["path"], opensearch_client)
        again = pipeline.load_stage(cfg, run_id, SOURCE, enriched["path"], opensearch_client)
        opensearch_client.indices.refresh(index=alias)
        assert opensearch_client.count(index=alias)["count"] == N
        assert loaded["failed"] == again["failed"] == 0
        assert loaded["created"] == N and again["created"] == 0  # the rerun adds nothing
    finally:
        drop_alias_and_indices(opensearch_client, alias)
    objects = _objects(s3_server, s3_root)
    for summary in (fetched, cleaned, enriched):
        assert summary["path"].startswith("s3://") and summary["path"] in objects
    assert any("/warc/" in key for key in objects), objects  # the archive is on S3 too
    assert not [key for key in objects if ".tmp-" in key]  # atomic writes left no temporary object
