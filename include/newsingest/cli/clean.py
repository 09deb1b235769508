"""`newsingest` sub-commands (clean)."""

import click

commands: list[click.Command] = []
