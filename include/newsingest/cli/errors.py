"""The command line's error boundary: expected failures become one line and a documented exit code.

Exit codes (README "Command line"): 0 success, 1 failure (bad input, a refused request, records skipped),
2 usage (bad option or argument), 3 configuration (a ``NEWSINGEST_*`` variable, a missing JDK),
4 service unavailable (OpenSearch, Airflow or a web server does not answer), 130 interrupted (Ctrl-C).
``--debug`` (or ``NEWSINGEST_DEBUG=1``) lets the original exception through with its traceback.
"""

from __future__ import annotations

import errno
import re
from typing import Any

import click

OK, FAILURE, USAGE, CONFIGURATION, UNAVAILABLE, INTERRUPTED = 0, 1, 2, 3, 4, 130
_OPENSEARCH_HINT = "start it (newsingest services start opensearch) or set NEWSINGEST_OPENSEARCH_URL / --url"

_TAG = re.compile(r"<[^>]*>")

# The OpenSearch URL the running command talks to, for messages about connection errors.
_service_urls: dict[str, str] = {}


def note_service(name: str, url: str) -> None:
    """Remember which URL service ``name`` is reached at (named in connection error messages)."""
    _service_urls[name] = url


class CliError(click.ClickException):
    """An expected failure with its exit code; shown as ``Error: message`` on stderr."""

    def __init__(self, message: str, exit_code: int = FAILURE):
        super().__init__(message)
        self._exit_code = exit_code

    # click declares ``exit_code`` a class variable; ours is per error, so a property (click reads it).
    @property
    def exit_code(self) -> int:
        return self._exit_code

    @exit_code.setter
    def exit_code(self, value: int) -> None:
        self._exit_code = value


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _opensearch_reason(info: Any) -> str:
    """The root cause OpenSearch gave, from its error body (dict) or text."""
    if isinstance(info, dict):
        error = info.get("error", info)
        if isinstance(error, dict):
            causes = error.get("root_cause") or []
            cause = causes[0] if causes and isinstance(causes[0], dict) else error
            caused_by = error.get("caused_by") if isinstance(error.get("caused_by"), dict) else None
            cause = caused_by or cause
            reason = cause.get("reason") or error.get("reason") or ""
            kind = cause.get("type") or error.get("type") or ""
            return f"{kind}: {reason}".strip(": ")
        return str(error)
    return _plain(info)


def _plain(value: Any) -> str:
    """One line of text from an error body that may be HTML."""
    return " ".join(_TAG.sub(" ", str(value or "")).split())


def _from_opensearch(exc: Exception) -> CliError | None:
    try:
        from opensearchpy import exceptions as os_exc
    except ImportError:  # pragma: no cover - a dependency
        return None
    url = _service_urls.get("opensearch", "the OpenSearch URL")
    if isinstance(exc, os_exc.ConnectionError):
        reason = _first_line(str(getattr(exc, "info", "") or exc.error or exc)).rsplit(": ", 1)[-1][:200]
        if isinstance(exc, os_exc.SSLError):
            return CliError(
                f"TLS failed talking to {url}: {reason}; set NEWSINGEST_OPENSEARCH_CA_CERTS to its CA",
                UNAVAILABLE,
            )
        return CliError(f"cannot reach OpenSearch at {url} ({reason}); {_OPENSEARCH_HINT}", UNAVAILABLE)
    if isinstance(exc, os_exc.SerializationError):
        return CliError(
            f"the server at {url} did not answer like OpenSearch ({_first_line(str(exc))[:120]}); "
            "check NEWSINGEST_OPENSEARCH_URL / --url",
            UNAVAILABLE,
        )
    if isinstance(exc, os_exc.TransportError):
        status = exc.status_code
        reason = _opensearch_reason(exc.info)[:300] or _plain(exc.error)[:300]
        if status in (401, 403):
            return CliError(
                f"OpenSearch at {url} refused the credentials (HTTP {status}); "
                "set NEWSINGEST_OPENSEARCH_USERNAME and NEWSINGEST_OPENSEARCH_PASSWORD",
                CONFIGURATION,
            )
        if not isinstance(exc.info, dict):
            # An HTML or text answer: not OpenSearch's JSON error shape.
            return CliError(
                f"the server at {url} answered HTTP {status} and is not OpenSearch, or not at this path "
                f"({reason[:120]}); check NEWSINGEST_OPENSEARCH_URL / --url",
                UNAVAILABLE,
            )
        code = UNAVAILABLE if status in (502, 503, 504, 429) else FAILURE
        return CliError(f"OpenSearch at {url} refused the request (HTTP {status}): {reason}", code)
    if isinstance(exc, os_exc.ImproperlyConfigured):
        return CliError(f"OpenSearch client settings: {exc}", CONFIGURATION)
    return None


def translate(exc: Exception, *, verbose: bool = False) -> CliError:
    """The one-line message and exit code for an exception that reached the top of a command.

    ``verbose`` (``-v``) keeps a service error's whole message (the log tail it carries).
    """
    from newsingest.config import ConfigError
    from newsingest.errors import PermanentError
    from newsingest.services.airflow_api import AirflowAPIError
    from newsingest.services.process import PrerequisiteError, ServiceError

    if isinstance(exc, ConfigError):
        return CliError(f"configuration: {exc}", CONFIGURATION)
    if isinstance(exc, PrerequisiteError):
        return CliError(_first_line(str(exc)), CONFIGURATION)
    if isinstance(exc, ServiceError):
        return CliError(str(exc).strip() if verbose else _first_line(str(exc)), UNAVAILABLE)
    if isinstance(exc, PermanentError | AirflowAPIError):  # bad input: the message names it
        return CliError(str(exc).strip(), FAILURE)
    found = _from_opensearch(exc)
    if found is not None:
        return found
    name = type(exc).__name__
    module = type(exc).__module__
    if module.startswith("httpx") or name in ("URLError", "ConnectionRefusedError", "TimeoutError"):
        return CliError(f"a service did not answer: {_first_line(str(exc))}", UNAVAILABLE)
    if isinstance(exc, UnicodeDecodeError):
        return CliError(
            f"input is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start}); "
            "convert it to UTF-8",
            FAILURE,
        )
    if isinstance(exc, OSError) and exc.filename:
        return CliError(f"{exc.filename}: {exc.strerror or exc}", FAILURE)
    if isinstance(exc, OSError):
        return CliError(f"{exc.strerror or exc}", FAILURE)
    return CliError(
        f"unexpected {name}: {_first_line(str(exc))[:300]} (run with --debug for the traceback)", FAILURE
    )


def is_broken_pipe(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE
