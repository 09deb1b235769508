"""Fixtures for crawl tests: isolated storage, a fast crawl config, and a tiny static HTTP server.

The static server serves exact documents (feeds, sitemaps, broken robots.txt) that the shared sample
site does not have; both are real HTTP servers on loopback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from newsingest.config import Settings
from newsingest.crawl.config import CrawlConfig
from newsingest.models import DiscoveredURL
from newsingest.sources import Source


class StaticServer:
    """Serves ``routes[path] = (status, content_type, body, headers)``; counts requests per path and
    the connections they came on (``peers``: one client address per connection)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.hits: dict[str, int] = {}
        self.peers: set[tuple[str, int]] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.peers.add(self.client_address)
                status, ctype, body, headers = server.routes.get(self.path, (404, "text/plain", b"nf", {}))
                etag = headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                self.send_response(status)
                if status != 304:
                    self.send_header("Content-Type", ctype)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "application/xml",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, content_type, data, headers or {})
        return self.url + path

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def static_server() -> Iterator[StaticServer]:
    server = StaticServer()
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    yield server
    server.stop()


@pytest.fixture()
def crawl_settings(settings: Settings, tmp_path: Path) -> Settings:
    return replace(settings, storage_root=str(tmp_path / "storage"))


@pytest.fixture()
def fast_config() -> CrawlConfig:
    """Small delays and caps so the tests stay quick."""
    return CrawlConfig(
        connect_timeout=2.0,
        read_timeout=2.0,
        max_body_bytes=1024 * 1024,
        max_attempts=3,
        backoff_base=0.05,
        backoff_max=0.2,
        max_retry_after=3.0,
        max_retry_time=10.0,
        host_concurrency=4,
    )


def _make_source(base: str, *, name: str = "site", allow_private: bool = True, rate: float = 200.0) -> Source:
    return Source(
        name=name,
        homepage=base + "/",
        feeds=[base + "/feed.xml"],
        allow_private=allow_private,
        rate_limit=rate,
    )


def _urls(base: str, *paths: str, source: str = "site") -> list[DiscoveredURL]:
    return [DiscoveredURL(url=base + p, source=source, channels=["test"]) for p in paths]


@pytest.fixture()
def make_source():
    """``make_source(base, name=, allow_private=, rate=)`` -> Source."""
    return _make_source


@pytest.fixture()
def make_urls():
    """``make_urls(base, *paths, source=)`` -> list[DiscoveredURL]."""
    return _urls
