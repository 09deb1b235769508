"""`newsingest site` sub-commands: run the bundled sample news site."""

from __future__ import annotations

import logging

import click


@click.group()
def site() -> None:
    """The bundled sample news site (fictional publishers plus misbehaving routes for crawler tests)."""


@site.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    envvar="NEWSINGEST_SAMPLE_SITE_PORT",
    show_envvar=True,
    help="TCP port (0 picks a free one).",
)
@click.option(
    "--crawl-delay",
    type=click.FloatRange(min=0),
    default=None,
    help="Crawl-delay (seconds) to announce in robots.txt.",
)
@click.option("--access-log/--no-access-log", default=False, help="Print one line per request.")
def serve(host: str, port: int, crawl_delay: float | None, access_log: bool) -> None:
    """Serve the sample site in the foreground until Ctrl-C."""
    from newsingest.sample_site.server import serve_forever

    logging.basicConfig(level=logging.INFO if access_log else logging.WARNING, format="%(message)s")
    try:
        serve_forever(host, port, crawl_delay=crawl_delay)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


@site.command("urls")
@click.option("--base", default="http://127.0.0.1:8765", show_default=True, help="Base URL the site runs at.")
def urls(base: str) -> None:
    """Print the feeds, sitemaps and section pages of each sample publisher."""
    from newsingest.sample_site.catalog import catalog

    base = base.rstrip("/")
    for pub in catalog().publishers:
        click.echo(f"{pub.id}: {pub.name} ({pub.layout})")
        click.echo(f"  home     {base}{pub.base_path}")
        click.echo(f"  feed     {base}{pub.feed_path} ({pub.feed_format})")
        click.echo(f"  sitemap  {base}{pub.sitemap_path} ({pub.sitemap_format})")
        for section in pub.sections:
            click.echo(f"  section  {base}{pub.section_path(section)}")


commands: list[click.Command] = [site]
