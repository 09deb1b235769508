"""`newsingest cluster`: the production shape (Celery, PostgreSQL, Redis, 3 OpenSearch nodes, S3) locally."""

from __future__ import annotations

import json

import click

from newsingest.cli import settings as cli_settings


def _cluster():
    from newsingest.services.cluster import Cluster

    return Cluster(cli_settings())


@click.group()
def cluster() -> None:
    """Start, inspect and stop the one-machine production shape under <home>/cluster (see docs/deploy.md)."""


@cluster.command()
def up() -> None:
    """Start PostgreSQL, Redis, S3, three OpenSearch nodes and Airflow on Celery with two workers."""
    from newsingest.services.process import ServiceError

    try:
        result = _cluster().up()
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(result, indent=2))
    click.echo(f"cluster up in {result['up_seconds']} s; Airflow {result['airflow']['url']}")


@cluster.command()
def status() -> None:
    """Show what runs (JSON)."""
    click.echo(json.dumps(_cluster().status(), indent=2))


@cluster.command()
def down() -> None:
    """Stop everything the cluster started (its data stays under <home>/cluster)."""
    stopped = _cluster().down()
    click.echo("stopped: " + (", ".join(stopped) or "nothing was running"))


@cluster.command()
@click.option("--json", "as_json", is_flag=True, help="Print only the summary as JSON.")
@click.option("--day", default="2026-11-05", show_default=True, help="The nightly run's sample day.")
@click.option("--timeout", default=3600.0, show_default=True, help="Seconds to wait for the runs.")
def rehearse(as_json: bool, day: str, timeout: float) -> None:
    """Nightly run + three-day backfill on the cluster, a worker SIGKILLed and a node stopped; summary."""
    from datetime import date

    from newsingest.services.process import ServiceError
    from newsingest.services.rehearsal import rehearse as run

    try:
        summary = run(_cluster(), day=date.fromisoformat(day), timeout=timeout)
    except (ServiceError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(summary, indent=None if as_json else 2))
    ok = (
        summary["lost"] == summary["duplicates"] == summary["first_seen_changed"] == 0
        and summary["lock_violations"] == 0
        and all(state == "success" for state in summary["runs"].values())
    )
    if not ok:
        raise SystemExit(1)


commands = [cluster]
