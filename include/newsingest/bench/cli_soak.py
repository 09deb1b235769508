"""`newsingest bench soak`: sustained load through the stage runners; throughput over time, peak memory.

The anchor is the run's own first batch: the table shows each stage's throughput per batch and the
ratio last/first, so slow-downs and memory growth over a long run stand out.
"""

from __future__ import annotations

import json
import uuid

import click


@click.command("soak")
@click.option("--articles", default=2000, show_default=True, help="Bulk articles to push through (<= 50000).")
@click.option("--batch-size", default=500, show_default=True, help="Articles per batch (one run per batch).")
@click.option("--no-load", is_flag=True, help="Skip the load stage (no OpenSearch needed).")
@click.option("--no-enrich", is_flag=True, help="Skip enrich and load (crawl and clean only).")
@click.option("--site-url", default=None, help="A running sample site (default: start one on a free port).")
@click.option("--alias", default=None, help="Index alias (default: a throw-away t_soak_* alias).")
@click.option("--keep-index", is_flag=True, help="Keep the throw-away index afterwards.")
@click.option("--tolerance-mb", default=64.0, show_default=True, help="Allowed memory growth after batch 2.")
@click.option(
    "--json-out", type=click.Path(dir_okay=False), default=None, help="Write the report as JSON too."
)
def soak(
    articles: int,
    batch_size: int,
    no_load: bool,
    no_enrich: bool,
    site_url: str | None,
    alias: str | None,
    keep_index: bool,
    tolerance_mb: float,
    json_out: str | None,
) -> None:
    """Run fetch, clean, enrich and load over the sample site's bulk articles, batch after batch.

    Exits 1 when resident memory grows by more than --tolerance-mb from the second batch to the last.
    """
    from newsingest.bench.soak import format_report, run_soak
    from newsingest.config import load_settings

    settings = load_settings()
    client = None
    throwaway = alias is None
    alias = alias or f"t_soak_{uuid.uuid4().hex[:8]}"
    if not (no_load or no_enrich):
        from newsingest.load.client import make_client

        client = make_client(settings.opensearch_url)
        try:
            client.info()
        except Exception as exc:
            raise click.ClickException(
                f"OpenSearch at {settings.opensearch_url} is not reachable ({exc}); start it with "
                "`newsingest services start` or pass --no-load"
            ) from exc
    try:
        report = run_soak(
            settings,
            articles=articles,
            batch_size=batch_size,
            site_url=site_url,
            client=client,
            alias=alias,
            enrich=not no_enrich,
            flat_tolerance_mb=tolerance_mb,
            progress=click.echo,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if client is not None and throwaway and not keep_index:
            from newsingest.load.index import drop_alias_and_indices

            drop_alias_and_indices(client, alias)
    click.echo("")
    click.echo(format_report(report))
    if json_out:
        with open(json_out, "w", encoding="utf-8") as fh:
            json.dump(report.to_json(), fh, indent=2)
    if not report.flat:
        raise SystemExit(1)


commands: list[click.Command] = [soak]
