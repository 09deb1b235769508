"""`newsingest` sub-commands (services)."""

import click

commands: list[click.Command] = []
