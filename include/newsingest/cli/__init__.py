"""The ``newsingest`` command line: what users do outside Airflow.

Each sub-module registers its commands in ``COMMANDS``; heavy imports stay inside the commands
so ``newsingest --help`` is instant. Every command runs inside one error boundary
(:class:`NewsingestGroup`, messages and exit codes in :mod:`newsingest.cli.errors`), after every setting
has been validated once (:func:`newsingest.config.check_environment`).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from newsingest.cli import errors

if TYPE_CHECKING:
    from newsingest.config import Settings

# Sub-modules of this package, each exposing ``commands: list[click.Command]``.
_MODULES = (
    "services", "cluster", "site", "demo", "run", "crawl", "clean", "enrich", "search", "bench", "airflow"
)  # fmt: skip
_HELP = ("-h", "--help")
_CHATTY_LOGGERS = ("opensearch", "urllib3", "httpx", "httpcore")


@dataclass
class CliState:
    """Global options, on ``ctx.obj`` for every command."""

    debug: bool = False
    verbosity: int = 0  # -1 quiet, 0 normal, 1+ verbose


def state() -> CliState:
    """The global options of the running command (defaults outside ``newsingest``)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(CliState) if ctx else None
    return obj or CliState()


_SETTINGS_KEY = "newsingest.settings"


def settings() -> Settings:
    """The settings the running command validated on entry (read here when called outside ``newsingest``)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_root().meta.get(_SETTINGS_KEY) if ctx else None
    if found is None:
        from newsingest.config import load_settings

        found = load_settings()
    return found


def note(message: str) -> None:
    """An informational line on stderr (silenced by ``-q``)."""
    if state().verbosity >= 0:
        click.echo(message, err=True)


class NewsingestGroup(click.Group):
    """The top-level group: validates settings up front, turns expected failures into one line."""

    def invoke(self, ctx: click.Context) -> object:
        debug = bool(ctx.params.get("debug"))
        try:
            rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
            if not any(arg in _HELP for arg in rest):
                from newsingest.config import check_environment

                ctx.meta[_SETTINGS_KEY] = check_environment()
            return super().invoke(ctx)
        except KeyboardInterrupt:
            if debug:
                raise
            click.echo("\ninterrupted", err=True)
            raise click.exceptions.Exit(errors.INTERRUPTED) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            if debug or errors.is_broken_pipe(exc):
                raise
            raise errors.translate(exc, verbose=ctx.params.get("verbose", 0) > 0) from exc


@click.group(cls=NewsingestGroup, context_settings={"help_option_names": list(_HELP)})
@click.version_option(package_name="newsingest")
@click.option(
    "--debug",
    is_flag=True,
    envvar="NEWSINGEST_DEBUG",
    show_envvar=True,
    help="Show the full traceback of an error.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv: debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.pass_context
def main(ctx: click.Context, debug: bool, verbose: int, quiet: bool) -> None:
    """newsingest: crawl news sites into a faceted OpenSearch index.

    Exit codes: 0 success, 1 failure (bad input, refused request, records skipped), 2 usage,
    3 configuration, 4 service unavailable, 130 interrupted. Colour is off when NO_COLOR is set.
    """
    ctx.obj = CliState(debug=debug, verbosity=-1 if quiet else verbose)
    from newsingest.config import no_color

    if no_color():
        ctx.color = False
    _configure_logging(
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )


def _configure_logging(level: int) -> None:
    """Log to stderr at ``level``, unless the host process (a test runner, Airflow) set up logging already."""
    if logging.getLogger().handlers:
        return
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if (
        level > logging.DEBUG
    ):  # client libraries log each failed request with a traceback; the error line says it
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(max(level, logging.ERROR))


for _name in _MODULES:
    _module = importlib.import_module(f"{__name__}.{_name}")
    for _command in _module.commands:
        main.add_command(_command)
