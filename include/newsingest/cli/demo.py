"""`newsingest` sub-commands (demo)."""

import click

commands: list[click.Command] = []
