"""JSON Lines in, JSON Lines out, for `clean --jsonl` and `enrich --jsonl`: no good record lost.

Every input line that is a JSON object goes to the command; any other line (not JSON, ``null``, a list,
a record the command cannot use) is reported on stderr with its line number and skipped, or, with
``--on-error fail``, ends the run after what was read before it has been written. Skipped lines make
the exit code 1, with a count on stderr. Progress goes to stderr for long runs on a terminal only.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

import click

from newsingest.cli.errors import FAILURE, CliError

ON_ERROR = click.option(
    "--on-error",
    type=click.Choice(["skip", "fail"]),
    default="skip",
    show_default=True,
    help="A bad line: skip it (reported on stderr; exit 1 at the end) or stop there (exit 1).",
)
PROGRESS_AFTER = 2.0  # seconds before progress appears (short runs stay quiet)


class JsonlStream:
    """Reads objects from ``source`` (named ``name`` in messages), writes result lines to ``out``."""

    def __init__(self, source: IO[bytes], name: str, *, on_error: str, out: IO[str] | None = None):
        self.source, self.name, self.on_error = source, name, on_error
        self.out = out or sys.stdout
        self.read = self.written = self.skipped = 0
        self.stopped: str | None = None  # the message of the line that ended the run (--on-error fail)
        self._started = time.monotonic()
        self._shown = 0.0
        self._progress = sys.stderr.isatty() and _verbosity() >= 0

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(line number, object)`` for every JSON object line; other lines are reported as bad."""
        for lineno, raw in enumerate(self.source, 1):
            if self.stopped:
                return
            if not raw.strip():
                continue
            self.read += 1
            self._tick()
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad(lineno, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                self.bad(lineno, f"not JSON ({exc})")
                continue
            if not isinstance(item, dict):
                self.bad(lineno, f"expected a JSON object, got {_kind(item)}")
                continue
            yield lineno, item

    def bad(self, lineno: int, reason: str) -> None:
        """Report input line ``lineno`` on stderr; count it, or stop the run (``--on-error fail``)."""
        message = f"{self.name} line {lineno}: {reason}"
        if self.on_error == "fail":
            self.stopped = message
            return
        self.skipped += 1
        click.echo(f"{message}; skipped", err=True)

    def write(self, record: dict[str, Any]) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.written += 1

    def finish(self) -> None:
        """Flush the output; raise the exit-1 error when a line was skipped or ended the run."""
        self.out.flush()
        if self._shown:
            click.echo("\r\033[K", err=True, nl=False)
        if self.stopped:
            raise CliError(
                f"{self.stopped} (--on-error fail); {self.written} records written before it", FAILURE
            )
        if self.skipped:
            raise CliError(
                f"{self.skipped} of {self.read} lines of {self.name} skipped (reported above); "
                f"{self.written} records written",
                FAILURE,
            )

    def _tick(self) -> None:
        if not self._progress:
            return
        now = time.monotonic()
        if now - self._started >= PROGRESS_AFTER and now - self._shown >= 1.0:
            self._shown = now
            click.echo(f"\r{self.read} lines read, {self.written} written, {self.skipped} skipped",
                       err=True, nl=False)  # fmt: skip


def _kind(value: Any) -> str:
    return (
        "null"
        if value is None
        else {list: "a list", str: "a string", bool: "a boolean"}.get(type(value), "a number")
    )


def _verbosity() -> int:
    from newsingest.cli import state

    return state().verbosity


def open_input(path: str | None) -> tuple[IO[bytes], str]:
    """The byte stream for PATH (``-`` or None: stdin) and its name for messages (decoded line by line)."""
    if path in (None, "-"):
        return sys.stdin.buffer, "stdin"
    try:
        return open(path, "rb"), path
    except OSError as exc:
        raise click.BadParameter(f"{path}: {exc.strerror or exc}", param_hint="INPUT") from exc
