"""Placeholder until this room lands its commands."""

import click

commands: list[click.Command] = []
