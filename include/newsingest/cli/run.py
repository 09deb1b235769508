"""`newsingest run --day D`: ingest one calendar day through the real news_ingest DAG.

The run is a one-day backfill through Airflow's scheduler ("All Runs"), so it has the same logical date
(D at the schedule time) and data interval as the scheduled run or a UI backfill of D: if D already has a
run, that run is run again.
"""

from __future__ import annotations

import json

import click

from newsingest.cli import settings as cli_settings
from newsingest.config import INCLUDE_DIR


def _sources(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


@click.command()
@click.option(
    "--day", "day", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The day (UTC) to ingest."
)
@click.option("--sources", default="", help="Comma-separated source names (default: all enabled sources).")
@click.option("--dry-run", is_flag=True, help="Crawl, clean and enrich, but do not load into OpenSearch.")
@click.option("--force-refetch", is_flag=True, help="Ignore ETag/Last-Modified and fetch every page again.")
def run(day, sources: str, dry_run: bool, force_refetch: bool) -> None:
    """Ingest one calendar day (UTC) through the news_ingest DAG and print its figures and report."""
    from newsingest.cli.demo import start_airflow
    from newsingest.layout import report_paths
    from newsingest.pipeline import load_source_names
    from newsingest.quality.report import read_quality
    from newsingest.schedule import scheduled_logical_date
    from newsingest.services.day_runs import run_days
    from newsingest.services.opensearch import OpenSearchNode
    from newsingest.services.site import SampleSiteService

    settings = cli_settings()
    wanted = _sources(sources)
    try:  # a bad name fails here, before anything starts (the DAG's form checks it too)
        load_source_names(settings, wanted or None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--sources") from None
    day = day.date()
    click.echo(f"==> starting OpenSearch ({settings.opensearch_url})")
    OpenSearchNode(settings).start()
    if settings.sources_file.resolve() == (INCLUDE_DIR / "sources" / "sample.yaml").resolve():
        click.echo(f"==> starting the sample news site ({settings.sample_site_url})")
        SampleSiteService(settings).start()
    click.echo("==> starting Airflow (PostgreSQL metadata database, scheduler, API server)")
    airflow = start_airflow(settings)
    logical = scheduled_logical_date(day, settings.schedule.time)
    click.echo(
        f"==> news_ingest for {day} (logical date {logical.isoformat()}), "
        f"through the scheduler: {airflow.url}/dags/news_ingest/runs"
    )
    conf = {"sources": wanted, "dry_run": dry_run, "force_refetch": force_refetch}
    with airflow.api() as api:
        (result,) = run_days(api, [day], conf=conf, max_active_runs=1, progress=click.echo)
    took = f" in {result.seconds:.0f}s" if result.seconds is not None else ""
    click.echo(f"\nrun {result.run_id}: {result.state}{took}")
    try:
        record = read_quality(settings, result.run_id)
    except FileNotFoundError as exc:
        logs = f"{airflow.url}/dags/news_ingest/runs/{result.run_id}"
        raise click.ClickException(f"{exc}\nTask logs: {logs}") from None
    click.echo(f"day {record['interval_start'][:10]}; quality gate: {record['status']}")
    if record.get("message"):
        click.echo(f"  {record['message']}")
    click.echo("figures: " + json.dumps(record.get("totals", {}), sort_keys=True))
    markdown, _ = report_paths(settings.storage_root, result.run_id)
    click.echo(f"report: {markdown} (and report.html)")
    if result.state != "success":
        raise click.ClickException(
            f"the run ended {result.state}; task logs: {airflow.url}/dags/news_ingest/runs/{result.run_id}"
        )


commands: list[click.Command] = [run]
