"""`newsingest` sub-commands (search)."""

import click

commands: list[click.Command] = []
