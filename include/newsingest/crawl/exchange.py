"""What one fetch exchanges: the request/response record the archive sees, the fetch outcome, failures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from newsingest.errors import NewsingestError

Kind = Literal["page", "document", "robots"]


@dataclass
class Exchange:
    """One HTTP request/response (or failure) as the archive sees it."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    when: datetime
    status: int | None = None
    reason: str = ""
    http_version: str = "HTTP/1.1"
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    raw_body: bytes = b""
    ip: str | None = None
    error_class: str | None = None
    error: str | None = None
    attempt: int = 1
    truncated: bool = False  # body cut at the cap (robots.txt only; pages fail with too_large)


@dataclass
class Response:
    """The outcome of :meth:`Fetcher.get` after retries and redirects."""

    url: str
    final_url: str
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""  # Content-Encoding removed
    content_type: str | None = None
    encoding: str | None = None
    error_class: str | None = None
    error: str | None = None
    attempts: int = 0
    throttled: bool = False
    redirects: list[str] = field(default_factory=list)
    fetched_at: datetime | None = None
    elapsed_ms: float = 0.0
    archive_ref: object | None = None  # what the archive callback returned for the final exchange

    @property
    def ok(self) -> bool:
        return self.error_class is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


class FetchFailure(NewsingestError):
    """A classified failure of one attempt."""

    def __init__(self, error_class: str, message: str, exchange: Exchange | None = None) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.exchange = exchange


ArchiveHook = Callable[[str, Exchange], object]


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)
