"""`newsingest` sub-commands (enrich)."""

import click

commands: list[click.Command] = []
