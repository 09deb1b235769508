"""Run the real ``newsingest`` command (click's runner on the top-level group, or a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
from click.testing import CliRunner


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def fails(self, code: int, *expected: str) -> Outcome:
        """Assert exit ``code``, every ``expected`` text on stderr, one ``Error:`` line, no traceback."""
        assert self.code == code, (self.code, self.output)
        assert "Traceback" not in self.output, self.output
        for text in expected:
            assert text in self.stderr, (text, self.stderr)
        errors = [line for line in self.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, self.stderr
        return self


@pytest.fixture
def cli():
    """``cli(*args, env=..., input=...)``: the top-level group in-process; an unexpected exception fails."""
    from newsingest.cli import main

    def run(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> Outcome:
        result = CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def cli_process():
    """``cli_process(*args, env=...)``: ``python -m newsingest.cli`` in a subprocess (real stderr)."""

    def run(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> Outcome:
        full = dict(os.environ)
        for key, value in (env or {}).items():
            if value is None:
                full.pop(key, None)
            else:
                full[key] = value
        proc = subprocess.run(
            [sys.executable, "-m", "newsingest.cli", *args],
            env=full,
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return Outcome(proc.returncode, proc.stdout, proc.stderr)

    return run
