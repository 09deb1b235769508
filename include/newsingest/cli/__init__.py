"""The ``newsingest`` command line: what users do outside Airflow.

Each sub-module registers its commands in ``COMMANDS``; heavy imports stay inside the commands
so ``newsingest --help`` is instant.
"""

from __future__ import annotations

import importlib

import click

# Sub-modules of this package, each exposing ``commands: list[click.Command]``.
_MODULES = ("services", "cluster", "site", "demo", "crawl", "clean", "enrich", "search", "bench", "airflow")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsingest")
def main() -> None:
    """newsingest: crawl news sites into a faceted OpenSearch index."""


for _name in _MODULES:
    _module = importlib.import_module(f"{__name__}.{_name}")
    for _command in _module.commands:
        main.add_command(_command)
