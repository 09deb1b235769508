"""`newsingest bench …`: benchmarks that print our figure beside an anchor's, measured in the same run."""

from __future__ import annotations

import importlib

import click

# One module per benchmark in :mod:`newsingest.bench`, each exposing ``commands`` (click commands named
# after the stage). Importing them is cheap: heavy imports stay inside the commands.
_BENCH_MODULES = (
    "newsingest.bench.cli_crawl",
    "newsingest.bench.cli_clean",
    "newsingest.bench.cli_enrich",
    "newsingest.bench.cli_load",
    "newsingest.bench.cli_soak",
    "newsingest.bench.cli_realsites",
    "newsingest.bench.cli_e2e",
)


@click.group()
def bench() -> None:
    """Benchmarks: ours against an anchor (trafilatura, Scrapy, raw spaCy, raw _bulk), side by side."""


for _name in _BENCH_MODULES:
    for _command in importlib.import_module(_name).commands:
        bench.add_command(_command)

commands: list[click.Command] = [bench]
