"""`newsingest bench load`: our loader against raw `_bulk` on the same node, in the same run.

Both sides get the same N synthetic enriched documents and an index made from the same template with
the same settings (refresh off during the load, one refresh at the end, counted). The anchor sends the
documents as pre-serialised NDJSON ``index`` requests of the same size over one keep-alive HTTP
connection: the node's raw ingest rate. Ours is the whole load stage: ``to_document``, serialisation,
``streaming_bulk``, reconciliation. Runs alternate (anchor, ours, ours, anchor, ...) after a warm-up.
"""

from __future__ import annotations

import base64
import json
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import click


def _raw_bodies(docs: list[dict[str, Any]], index: str, chunk_docs: int, chunk_bytes: int) -> list[bytes]:
    """NDJSON ``_bulk`` bodies (``index`` ops), cut like the loader cuts its chunks."""
    bodies: list[bytes] = []
    lines: list[bytes] = []
    size = count = 0
    for doc in docs:
        meta = json.dumps({"index": {"_index": index, "_id": doc["doc_id"]}}, separators=(",", ":"))
        source = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        item = (meta + "\n" + source + "\n").encode("utf-8")
        if lines and (size + len(item) > chunk_bytes or count == chunk_docs):
            bodies.append(b"".join(lines))
            lines, size, count = [], 0, 0
        lines.append(item)
        size += len(item)
        count += 1
    if lines:
        bodies.append(b"".join(lines))
    return bodies


def _raw_load(
    url: str, auth: tuple[str, str] | None, ca_certs: str | None, bodies: list[bytes], index: str
) -> float:
    import urllib3

    headers = {"Content-Type": "application/x-ndjson", "Connection": "keep-alive"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    kwargs: dict[str, Any] = {"maxsize": 1, "block": True, "timeout": 120.0}
    if url.startswith("https") and ca_certs:
        kwargs["ca_certs"] = ca_certs
    pool = urllib3.connection_from_url(url, **kwargs)
    started = time.perf_counter()
    for body in bodies:
        response = pool.request("POST", "/_bulk", body=body, headers=headers)
        if response.status != 200:
            raise click.ClickException(f"raw _bulk answered HTTP {response.status}: {response.data[:300]!r}")
        answer = json.loads(response.data)
        if answer.get("errors"):
            bad = next(i for i in answer["items"] if i["index"].get("error"))
            raise click.ClickException(f"raw _bulk item failed: {bad}")
    response = pool.request("POST", f"/{index}/_refresh", headers=headers)
    elapsed = time.perf_counter() - started
    pool.close()
    return elapsed


@click.command("load")
@click.option("--n", "n", type=click.IntRange(min=100), default=20000, show_default=True, help="Documents.")
@click.option("--repeat", type=click.IntRange(min=1), default=1, show_default=True, help="Runs per side.")
@click.option("--chunk-mb", type=click.FloatRange(min=0.1), default=10.0, show_default=True)
@click.option("--chunk-docs", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--url", default=None, help="OpenSearch URL (default: NEWSINGEST_OPENSEARCH_URL).")
@click.option("--username", default=None, help="Basic-auth user (default: NEWSINGEST_OPENSEARCH_USERNAME).")
@click.option("--ca-certs", default=None, help="CA bundle (default: NEWSINGEST_OPENSEARCH_CA_CERTS).")
@click.option("--pause", type=click.FloatRange(min=0), default=3.0, show_default=True,
              help="Seconds to let the node settle between runs.")  # fmt: skip
@click.option("--rerun", is_flag=True, help="Also time loading the same documents a second time.")
@click.option("--keep", is_flag=True, help="Keep the benchmark indices.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def load(
    n: int,
    repeat: int,
    chunk_mb: float,
    chunk_docs: int,
    url: str | None,
    username: str | None,
    ca_certs: str | None,
    pause: float,
    rerun: bool,
    keep: bool,
    as_json: bool,
) -> None:
    """Loader throughput vs raw `_bulk` on the same node (docs/s and ratio; target >= 0.9x)."""
    from opensearchpy.exceptions import ConnectionError as OSConnectionError

    from newsingest.bench.synthetic import synthetic_articles
    from newsingest.config import load_settings
    from newsingest.load.bulk import LoadReport, load_articles
    from newsingest.load.client import make_client
    from newsingest.load.document import to_document
    from newsingest.load.index import drop_alias_and_indices, ensure_index

    # Settings and credentials are read once, here, through the product's configuration; options win.
    settings = load_settings()
    url = url or settings.opensearch_url
    configured = settings.index.client_options()
    username = username or configured.get("username")
    ca_certs = ca_certs or configured.get("ca_certs")
    password = configured.get("password")
    auth = (username, password) if username and password else None
    client = make_client(
        url,
        username=auth[0] if auth else None,
        password=auth[1] if auth else None,
        ca_certs=ca_certs,
        timeout=120,
    )
    try:
        version = client.info()["version"]["number"]
    except OSConnectionError as exc:
        raise click.ClickException(f"cannot reach OpenSearch at {url}: {exc}") from exc

    chunk_bytes = int(chunk_mb * 1024 * 1024)
    crawled_at = datetime(2026, 11, 27, tzinfo=UTC)
    click.echo(f"generating {n} synthetic enriched articles ...", err=True)
    articles = list(synthetic_articles(n))
    docs = [to_document(a, crawled_at=crawled_at) for a in articles]
    avg_kb = sum(len(json.dumps(d, ensure_ascii=False)) for d in docs) / len(docs) / 1024
    tag = uuid.uuid4().hex[:8]
    made: list[str] = []

    def fresh(name: str) -> str:
        alias = f"bench_load_{tag}_{name}"
        made.append(alias)
        info = ensure_index(client, alias, replicas=0, refresh_interval="-1")
        return info.index

    def settle(alias: str) -> None:
        """Drop a measured index at once (its background merges would slow the next run), then pause."""
        if not keep:
            drop_alias_and_indices(client, alias)
        time.sleep(pause)

    def run_raw(k: int) -> float:
        index = fresh(f"raw{k}")
        bodies = _raw_bodies(docs, index, chunk_docs, chunk_bytes)
        elapsed = _raw_load(url, auth, ca_certs, bodies, index)
        if client.count(index=index)["count"] != n:
            raise click.ClickException(f"raw run {k}: {index} does not hold {n} documents")
        if rerun:
            raw_rerun_rates.append(n / _raw_load(url, auth, ca_certs, bodies, index))
        settle(f"bench_load_{tag}_raw{k}")
        return n / elapsed

    def run_ours(k: int) -> float:
        alias = f"bench_load_{tag}_ours{k}"
        fresh(f"ours{k}")

        def load_all() -> LoadReport:
            return load_articles(
                client,
                alias,
                articles,
                dead_letter_path=None,
                crawled_at=crawled_at,
                chunk_docs=chunk_docs,
                chunk_bytes=chunk_bytes,
                refresh=True,
            )

        report = load_all()
        if report.created != n or client.count(index=alias)["count"] != n:
            raise click.ClickException(f"our run {k}: {report.summary()}")
        if rerun:
            again = load_all()
            if again.unchanged != n:
                raise click.ClickException(f"our rerun {k}: {again.summary()}")
            our_rerun_rates.append(n / again.elapsed_s)
        settle(alias)
        return n / report.elapsed_s

    raw_rates: list[float] = []
    our_rates: list[float] = []
    raw_rerun_rates: list[float] = []
    our_rerun_rates: list[float] = []
    try:
        click.echo("warm-up ...", err=True)
        warm = docs[: min(2000, n)]
        index = fresh("warmup")
        _raw_load(url, auth, ca_certs, _raw_bodies(warm, index, chunk_docs, chunk_bytes), index)
        settle(f"bench_load_{tag}_warmup")
        for k in range(repeat):
            order = ("raw", "ours") if k % 2 == 0 else ("ours", "raw")
            for side in order:
                click.echo(f"run {k + 1}/{repeat}: {side} ...", err=True)
                if side == "raw":
                    raw_rates.append(run_raw(k))
                else:
                    our_rates.append(run_ours(k))
    finally:
        if not keep:
            for alias in made:
                drop_alias_and_indices(client, alias)

    raw, ours = statistics.median(raw_rates), statistics.median(our_rates)
    figures = {
        "documents": n,
        "avg_doc_kb": round(avg_kb, 2),
        "chunk_mb": chunk_mb,
        "chunk_docs": chunk_docs,
        "opensearch": version,
        "raw_bulk_docs_per_s": round(raw, 1),
        "loader_docs_per_s": round(ours, 1),
        "ratio": round(ours / raw, 3),
        "raw_runs": [round(r, 1) for r in raw_rates],
        "loader_runs": [round(r, 1) for r in our_rates],
    }
    if rerun:
        raw_again, ours_again = statistics.median(raw_rerun_rates), statistics.median(our_rerun_rates)
        figures.update(
            rerun_raw_bulk_docs_per_s=round(raw_again, 1),
            rerun_loader_docs_per_s=round(ours_again, 1),
            rerun_ratio=round(ours_again / raw_again, 3),
        )
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    click.echo(
        f"bench load: {n} docs (avg {avg_kb:.1f} KB), chunks <= {chunk_mb:g} MB / {chunk_docs} docs, "
        f"OpenSearch {version}, median of {repeat} run(s) each"
    )
    click.echo(f"  raw _bulk (pre-serialised NDJSON, 1 keep-alive connection): {raw:9.1f} docs/s")
    click.echo(f"  newsingest loader (to_document + streaming_bulk + upsert):  {ours:9.1f} docs/s")
    click.echo(f"  ratio: {ours / raw:.2f}x (target >= 0.90x)")
    click.echo(f"  runs (docs/s): raw {figures['raw_runs']}, loader {figures['loader_runs']}")
    if rerun:
        click.echo("  rerun of the same documents (all already indexed):")
        click.echo(f"    raw _bulk index (overwrites every document):  {raw_again:9.1f} docs/s")
        click.echo(f"    newsingest loader (409 -> upsert script, no-op): {ours_again:9.1f} docs/s")
        click.echo(f"    ratio: {ours_again / raw_again:.2f}x")


commands: list[click.Command] = [load]  # attached under `newsingest bench` by cli/bench.py
