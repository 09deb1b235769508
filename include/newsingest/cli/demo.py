"""`newsingest demo`: the embedded default end to end (README command 1 after setup)."""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

import click

from newsingest.config import load_settings


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
    """Start OpenSearch and the sample site, run news_ingest for each sample day, then search."""
    from newsingest.services.airflow import AirflowStandalone, migrate
    from newsingest.services.opensearch import OpenSearchNode
    from newsingest.services.site import SampleSiteService

    settings = load_settings()
    t = _step(f"starting the embedded OpenSearch node on {settings.opensearch_url}")
    OpenSearchNode(settings).start()
    _done(t)
    t = _step(f"starting the sample news site on {settings.sample_site_url}")
    SampleSiteService(settings).start()
    _done(t)
    t = _step("preparing the Airflow metadata database")
    migrate(settings)
    _done(t)

    run_days = [d.date() for d in days] or _sample_days()
    log_file = settings.home / "logs" / "demo-news_ingest.log"
    t = _step(f"running the news_ingest DAG (dag.test) once per day, {run_days[0]} to {run_days[-1]}")
    click.echo(f"    Airflow's task logs: {log_file}")
    from newsingest.services.dagtest import run_days as dag_test_days

    results = dag_test_days(settings, run_days, log_file)
    failed = [r for r in results if r.state != "success"]
    if failed:
        bad = failed[0]
        raise click.ClickException(f"the news_ingest run for {bad.day} ended {bad.state}; see {log_file}")
    _done(t)

    t = _step(f"searching the '{settings.index_alias}' alias" + (f" for {query!r}" if query else ""))
    logging.getLogger("opensearch").setLevel(logging.WARNING)  # Airflow left request logging on
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

    airflow = AirflowStandalone(settings)
    click.echo(
        "\nNext:\n"
        '  search yourself:     .venv/bin/newsingest search "your words" --person ... --topic ...\n'
        f"  open the Airflow UI: .venv/bin/newsingest services start airflow   then {airflow.url}\n"
        f"                       user admin, password in {airflow.password_file}\n"
        "  stop everything:     .venv/bin/newsingest services stop"
    )


commands: list[click.Command] = [demo]
