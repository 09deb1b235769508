"""`newsingest services`: start, stop and inspect the embedded services."""

from __future__ import annotations

import json

import click

from newsingest.cli import settings as cli_settings
from newsingest.cli.errors import FAILURE, CliError

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

    node = OpenSearchNode(cli_settings())
    if not node.is_built():
        click.echo(f"resolving OpenSearch {opensearch_version()} jars from Maven Central (about 70 MB) ...")
    node.build(quiet=not verbose)
    click.echo(f"OpenSearch node built in {node.target}")


@services.command()
@click.argument("names", nargs=-1, type=click.Choice(SERVICES))
def start(names: tuple[str, ...]) -> None:
    """Start services (default: opensearch and site; airflow, with its postgres, only when named).

    A service that already answers is left alone ("already running"); a remote OpenSearch
    (NEWSINGEST_OPENSEARCH_URL on another host) is checked, never started.
    """
    settings = cli_settings()
    chosen = list(names) if names else ["opensearch", "site"]
    for name in chosen:
        svc = _service(name, settings)
        if svc.is_up():
            where = (
                "remote, not started by newsingest" if getattr(svc, "remote", False) else "already running"
            )
            click.echo(f"{name}: {where} at {svc.url}")
            continue
        if hasattr(svc, "preflight"):
            svc.preflight()  # a missing JDK or a remote URL fails here, before "starting ..."
        click.echo(f"starting {name} ...", nl=False)
        try:
            url = svc.start()
        finally:
            click.echo()
        click.echo(f"{name}: up at {url}")
        if hasattr(svc, "describe"):
            click.echo("  " + svc.describe())


@services.command()
@click.argument("names", nargs=-1, type=click.Choice(SERVICES))
def stop(names: tuple[str, ...]) -> None:
    """Stop services started from this NEWSINGEST_HOME (default: all); waits until their processes exit.

    Exits 1 when a service still answers that was started from another NEWSINGEST_HOME.
    """
    settings = cli_settings()
    chosen = _selected(names)
    click.echo(f"stopping {', '.join(chosen)} started from NEWSINGEST_HOME={settings.home}")
    elsewhere = []
    for name in reversed(chosen):
        svc = _service(name, settings)
        if getattr(svc, "remote", False):
            click.echo(f"{name}: remote at {svc.url}, not stopped")
        elif svc.stop():
            click.echo(f"{name}: stopped")
        elif svc.is_up():
            elsewhere.append(name)
            click.echo(f"{name}: up at {svc.url} but not started from this NEWSINGEST_HOME (no pid file)")
        else:
            click.echo(f"{name}: not running")
    if elsewhere:
        raise CliError(
            f"{', '.join(elsewhere)} still running: stop with the NEWSINGEST_HOME that started "
            f"{'it' if len(elsewhere) == 1 else 'them'} (`newsingest services status` shows the pid)",
            FAILURE,
        )


@services.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per service, in a list.")
def status(as_json: bool) -> None:
    """Show which services answer, where, and whether this NEWSINGEST_HOME started them."""
    settings = cli_settings()
    rows = []
    for name in SERVICES:
        svc = _service(name, settings)
        up = svc.is_up()
        remote = bool(getattr(svc, "remote", False))
        pid = None if remote else svc.daemon.pid()
        rows.append({"name": name, "up": up, "url": svc.url, "pid": pid, "remote": remote})
    if as_json:
        click.echo(json.dumps({"home": str(settings.home), "services": rows}, indent=2))
        return
    for row in rows:
        if row["remote"]:
            owner = "remote"
        elif row["pid"]:
            owner = f"pid {row['pid']}"
        else:
            owner = "not started from this NEWSINGEST_HOME" if row["up"] else ""
        state_ = f"up    {row['url']}" if row["up"] else f"down  {row['url']}"
        click.echo(f"{row['name']:<11} {state_}" + (f"  ({owner})" if owner else ""))


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
