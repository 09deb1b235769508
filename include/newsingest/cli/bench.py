"""`newsingest` sub-commands (bench)."""

import click

commands: list[click.Command] = []
