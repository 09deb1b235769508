"""`newsingest services`: start, stop and inspect the embedded services."""

from __future__ import annotations

import click

from newsingest.config import load_settings

SERVICES = ("opensearch", "site", "postgres", "airflow")


def _selected(names: tuple[str, ...]) -> list[str]:
    return list(names) if names else list(SERVICES)


@click.group()
def services() -> None:
    """Start, stop and inspect the embedded OpenSearch node, sample site, PostgreSQL and Airflow."""


@services.command()
@click.option("-v", "--verbose", is_flag=True, help="Show Maven's output.")
def build(verbose: bool) -> None:
    """Fetch the OpenSearch jars from Maven Central and build the node launcher."""
    from newsingest.services.opensearch import OpenSearchNode, opensearch_version

    node = OpenSearchNode(load_settings())
    if not node.is_built():
        click.echo(f"resolving OpenSearch {opensearch_version()} jars from Maven Central (about 70 MB) ...")
    node.build(quiet=not verbose)
    click.echo(f"OpenSearch node built in {node.target}")


@services.command()
@click.argument("names", nargs=-1, type=click.Choice(SERVICES))
def start(names: tuple[str, ...]) -> None:
    """Start services (default: opensearch and site; airflow, with its postgres, only when named)."""
    settings = load_settings()
    chosen = list(names) if names else ["opensearch", "site"]
    for name in chosen:
        click.echo(f"starting {name} ...", nl=False)
        svc = _service(name, settings)
        click.echo(f" {svc.start()}")
        if hasattr(svc, "describe"):
            click.echo("  " + svc.describe())


@services.command()
@click.argument("names", nargs=-1, type=click.Choice(SERVICES))
def stop(names: tuple[str, ...]) -> None:
    """Stop services (default: all)."""
    settings = load_settings()
    for name in reversed(_selected(names)):
        stopped = _service(name, settings).stop()
        click.echo(f"{name}: {'stopped' if stopped else 'not running'}")


@services.command()
def status() -> None:
    """Show which services are running."""
    settings = load_settings()
    for name in SERVICES:
        svc = _service(name, settings)
        click.echo(f"{name:<11} {'up    ' + svc.url if svc.is_up() else 'down'}")


def _service(name: str, settings):
    if name == "opensearch":
        from newsingest.services.opensearch import OpenSearchNode

        return OpenSearchNode(settings)
    if name == "site":
        from newsingest.services.site import SampleSiteService

        return SampleSiteService(settings)
    if name == "postgres":
        from newsingest.services.postgres import PostgresServer

        return PostgresServer(settings.home)
    from newsingest.services.airflow import AirflowStandalone

    return AirflowStandalone(settings)


commands: list[click.Command] = [services]
