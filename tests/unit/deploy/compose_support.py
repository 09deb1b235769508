"""Helpers for the deployment tests: the Compose file's variable interpolation and the .env file.

Interpolation follows the Compose specification (``$VAR``, ``${VAR}``, ``${VAR:-default}``,
``${VAR-default}``, ``${VAR:?error}``, ``${VAR?error}``, ``${VAR:+alt}``, ``${VAR+alt}``, ``$$`` for a
literal ``$``), applied to every string value of the parsed YAML, as ``docker compose config`` does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]
COMPOSE_FILE = REPO / "docker-compose.yaml"
ENV_EXAMPLE = REPO / ".env.example"
SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "compose-spec.json"

_TOKEN = re.compile(
    r"\$(?:(?P<escaped>\$)|(?P<plain>[A-Za-z_][A-Za-z0-9_]*)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|(?P<bad>))"
)


class InterpolationError(ValueError):
    """A required variable is missing or a ``$`` expression is malformed; the message names it."""


def variables_used(text: str) -> set[str]:
    """Names of every variable a Compose string (or whole file) interpolates; ``$$`` is not one."""
    names: set[str] = set()
    for match in _TOKEN.finditer(text):
        name = match.group("plain") or match.group("braced")
        if name:
            names.add(name)
            if match.group("arg"):
                names |= variables_used(match.group("arg"))
    return names


def interpolate(value: str, env: dict[str, str]) -> str:
    """Resolve one string like Compose does; raises on ``${VAR:?...}`` with VAR unset or empty."""

    def resolve(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        if match.group("bad") is not None and not (match.group("plain") or match.group("braced")):
            raise InterpolationError(f"invalid interpolation in {value!r}")
        name = match.group("plain") or match.group("braced")
        op, arg = match.group("op"), interpolate(match.group("arg") or "", env)
        current = env.get(name)
        set_nonempty, is_set = bool(current), current is not None
        if op is None:
            return current or ""
        if op == ":-":
            return current if set_nonempty else arg
        if op == "-":
            return current if is_set else arg
        if op in (":?", "?"):
            if (op == ":?" and not set_nonempty) or (op == "?" and not is_set):
                raise InterpolationError(f"required variable {name} is missing: {arg}")
            return current or ""
        if op == ":+":
            return arg if set_nonempty else ""
        return arg if is_set else ""  # "+"

    return _TOKEN.sub(resolve, value)


def interpolate_tree(node: Any, env: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [interpolate_tree(x, env) for x in node]
    if isinstance(node, dict):
        return {k: interpolate_tree(v, env) for k, v in node.items()}
    return node


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a .env file (comments and blank lines skipped)."""
    env: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ValueError(f"{path}:{number}: not a KEY=value line: {line!r}")
        env[key] = value
    return env


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The Compose file as parsed YAML (anchors and ``<<`` merge keys resolved), not interpolated."""
    return yaml.safe_load(path.read_text())


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text())


def filled_env() -> dict[str, str]:
    """.env.example with every empty (REQUIRED) value filled with a placeholder."""
    return {k: (v or f"test-{k.lower()}-0123456789") for k, v in read_env_file(ENV_EXAMPLE).items()}
