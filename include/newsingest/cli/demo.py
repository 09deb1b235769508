"""`newsingest demo`: the embedded default end to end (README command 1 after setup)."""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

import click

from newsingest.cli import settings as cli_settings


def _sample_days() -> list[date]:
    from newsingest.sample_site.catalog import catalog

    sample = catalog()
    span = (sample.window_end - sample.window_start).days
    return [sample.window_start + timedelta(days=i) for i in range(span + 1)]


def _step(message: str) -> float:
    click.secho(f"==> {message}", bold=True)
    return time.monotonic()


def _done(started: float) -> None:
    click.echo(f"    done in {time.monotonic() - started:.1f}s")


def retire_sqlite_db(settings) -> str | None:
    """Move aside the SQLite metadata database of earlier versions (its runs used the old convention)."""
    from newsingest.services.airflow import airflow_home, embedded_postgres

    old = airflow_home(settings) / "airflow.db"
    if embedded_postgres(settings) is None or not old.exists():
        return None
    target = old.with_name("airflow.db.replaced-by-postgres")
    old.replace(target)
    return str(target)


def start_airflow(settings):
    """Start PostgreSQL and ``airflow standalone``; clear runs of the old convention. Returns the service."""
    from newsingest.services.airflow import AirflowStandalone
    from newsingest.services.day_runs import DAG_ID, remove_old_convention_runs

    moved = retire_sqlite_db(settings)
    if moved:
        click.echo(f"    the old SQLite metadata database is now {moved} (Airflow uses PostgreSQL)")
    airflow = AirflowStandalone(settings)
    airflow.start()
    with airflow.api() as api:
        api.wait_for_dag(DAG_ID)
        removed = remove_old_convention_runs(api)
    if removed:
        click.echo(
            f"    removed {len(removed)} run(s) of the old logical-date convention: {', '.join(removed)}"
        )
    return airflow


@click.command()
@click.option("--query", default="", help="Search to run at the end (default: everything, newest first).")
@click.option(
    "--day",
    "days",
    multiple=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only run these days (default: every day of the sample site).",
)
def demo(query: str, days: tuple) -> None:
    """Start OpenSearch, the sample site and Airflow, backfill news_ingest over the sample days, search."""
    from newsingest.services.day_runs import run_days
    from newsingest.services.opensearch import OpenSearchNode
    from newsingest.services.site import SampleSiteService

    settings = cli_settings()
    t = _step(f"starting the embedded OpenSearch node on {settings.opensearch_url}")
    OpenSearchNode(settings).start()
    _done(t)
    t = _step(f"starting the sample news site on {settings.sample_site_url}")
    SampleSiteService(settings).start()
    _done(t)
    t = _step("starting Airflow (PostgreSQL metadata database, scheduler, API server)")
    airflow = start_airflow(settings)
    _done(t)

    wanted = [d.date() for d in days] or _sample_days()
    t = _step(
        f"backfilling the news_ingest DAG through the scheduler, one run per day, {wanted[0]} to {wanted[-1]}"
    )
    click.echo(f"    follow it in the UI: {airflow.url}/dags/news_ingest/runs")
    with airflow.api() as api:
        results = run_days(api, wanted, progress=click.echo)
    failed = [r for r in results if r.state != "success"]
    if failed:
        bad = failed[0]
        raise click.ClickException(
            f"the news_ingest run for {bad.day} ({bad.run_id}) ended {bad.state}; task logs in the UI "
            f"({airflow.url}/dags/news_ingest/runs/{bad.run_id})"
        )
    _done(t)

    t = _step(f"searching the '{settings.index_alias}' alias" + (f" for {query!r}" if query else ""))
    logging.getLogger("opensearch").setLevel(logging.WARNING)
    from newsingest.cli.search import print_result
    from newsingest.load.client import make_client
    from newsingest.load.search import search

    client = make_client(settings.opensearch_url)
    result = search(client, settings.index_alias, query, size=5, facet_size=5)
    print_result(result)
    _done(t)

    from newsingest.config import DATA_DIR
    from newsingest.load.rank_eval import run_rank_eval

    judged = run_rank_eval(client, settings.index_alias, DATA_DIR / "sample_judgements.json")
    click.echo(
        f"\nRelevance check (recall-aware, {len(judged.per_query)} judged queries): "
        f"{judged.metric} = {judged.score:.3f}"
    )

    click.echo(
        "\nNext:\n"
        '  search yourself:     .venv/bin/newsingest search "your words" --person ... --topic ...\n'
        f"  the Airflow UI:      {airflow.url} (running; user admin, password in {airflow.password_file})\n"
        "  ingest one day:      .venv/bin/newsingest run --day 2026-11-05\n"
        "  stop everything:     .venv/bin/newsingest services stop"
    )


commands: list[click.Command] = [demo]
