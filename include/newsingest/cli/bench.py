"""`newsingest bench …`: benchmarks that print our figure beside an anchor's, measured in the same run."""

from __future__ import annotations

import importlib

import click

# One module per benchmark, each exposing ``commands`` (click commands named after the stage).
_BENCH_MODULES = ("bench_crawl", "bench_clean", "bench_enrich", "bench_load", "bench_soak", "bench_realsites")


@click.group()
def bench() -> None:
    """Benchmarks: ours against an anchor (trafilatura, Scrapy, raw spaCy, raw _bulk), side by side."""


for _name in _BENCH_MODULES:
    for _command in importlib.import_module(f"{__package__}.{_name}").commands:
        bench.add_command(_command)

commands: list[click.Command] = [bench]
