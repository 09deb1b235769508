"""robots.txt rules per host (RFC 9309), parsed with Protego.

A 2xx file is obeyed; a 4xx means "no rules"; a 5xx or an unreachable host defers the whole host
for this run (RFC 9309 says to assume complete disallow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from protego import Protego

RobotsStatus = Literal["ok", "missing", "unavailable"]


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def agent_token(user_agent: str) -> str:
    """The robots.txt product token: ``newsingest/0.1 (...)`` -> ``newsingest``."""
    return user_agent.split("/", 1)[0].split(" ", 1)[0].strip() or "*"


@dataclass(frozen=True)
class RobotsPolicy:
    """What one host's robots.txt allows."""

    status: RobotsStatus
    parser: Protego | None = None
    detail: str = ""
    error_class: str | None = None  # why the policy is unavailable, when not the robots file itself

    @classmethod
    def from_response(cls, status: int | None, body: bytes, detail: str = "") -> RobotsPolicy:
        if status is None or status >= 500 or status == 429:
            return cls("unavailable", detail=detail or f"robots.txt status {status}")
        if status >= 400:
            return cls("missing", detail=f"robots.txt status {status}")
        if status >= 300:
            return cls("unavailable", detail=f"robots.txt redirect not resolved ({status})")
        text = body.decode("utf-8", errors="replace")
        return cls("ok", Protego.parse(text))

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.status == "missing":
            return True
        if self.status == "unavailable" or self.parser is None:
            return False
        return bool(self.parser.can_fetch(url, agent_token(user_agent)))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent_token(user_agent))
        return float(delay) if delay is not None else None
