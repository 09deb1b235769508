"""`newsingest airflow ARGS...`: the ``airflow`` CLI with the project's settings (AIRFLOW_HOME, dags)."""

from __future__ import annotations

import sys

import click

from newsingest.cli import settings as cli_settings


@click.command(
    name="airflow",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def airflow_cli(args: tuple[str, ...]) -> None:
    """Run ``airflow ARGS`` with the project's environment.

    Examples: ``newsingest airflow backfill create --dag-id news_ingest --from-date 2026-11-03
    --to-date 2026-11-05T23:59 --reprocess-behavior completed``; ``newsingest airflow dags list``.
    """
    from newsingest.services.airflow import run_airflow

    proc = run_airflow(cli_settings(), *args, check=False)
    sys.exit(proc.returncode)


commands: list[click.Command] = [airflow_cli]
