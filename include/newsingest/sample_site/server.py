"""The sample site's HTTP server: static publisher pages, robots.txt, misbehaviour routes, bulk pages.

Use :func:`start_site` in tests (ephemeral port, background thread) and :func:`serve_forever` from the
CLI. Absolute URLs in feeds and sitemaps are built from the ``Host`` the client used, so the site works
on any port and under any loopback name.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import socket
import threading
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from newsingest.sample_site import bulk, misbehave
from newsingest.sample_site.catalog import Catalog, catalog
from newsingest.sample_site.site import SITE_EPOCH, Resource, SiteCache

log = logging.getLogger("newsingest.sample_site")

_HOST_RE = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
_BULK_RE = re.compile(r"^/bulk/(?:s(\d{1,9})/)?article/(\d{1,7})\.html$")
_STATIC_IMG_RE = re.compile(r"^/static/img/[A-Za-z0-9._-]+\.png$")


def robots_txt(base: str, crawl_delay: float | None) -> str:
    """robots.txt: ``/private/`` is disallowed for everyone, one bot is banned, sitemaps are listed."""
    lines = ["# newsingest sample site", "User-agent: *", "Disallow: /private/"]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    lines += ["", "User-agent: BadBot", "Disallow: /", ""]
    lines += [f"Sitemap: {base}{pub.sitemap_path}" for pub in catalog().publishers]
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=20_000)
def _bulk_page(base: str, seed: int, index: int) -> Resource:
    page, published = bulk.render_article(base, seed, index)
    return Resource.make(page.encode("utf-8"), "text/html; charset=utf-8", published)


@functools.lru_cache(maxsize=64)
def _bulk_sitemap(base: str, n: int, seed: int) -> Resource:
    return Resource.make(
        bulk.render_sitemap(base, n, seed).encode(), "application/xml; charset=utf-8", SITE_EPOCH
    )


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2) ignoring our ``-gz`` variant suffix."""
    if header.strip() == "*":
        return True
    core = etag.strip('"')
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/").strip('"').removesuffix("-gz")
        if tag == core:
            return True
    return False


class SiteRequestHandler(BaseHTTPRequestHandler):
    """One request. Static resources support ETag/Last-Modified validation and gzip."""

    protocol_version = "HTTP/1.1"
    server_version = "newsingest-sample-site/1.0"
    timeout = 60  # idle keep-alive connections are closed after a minute
    disable_nagle_algorithm = True  # headers and body go out in separate writes; avoid the 40 ms ACK stall
    server: SampleHTTPServer
    abort_connection = False
    _headers_buffer: list[bytes]  # BaseHTTPRequestHandler's pending header lines (typeshed omits it)

    # -- plumbing ---------------------------------------------------------------------------------------
    def log_message(self, format: str, *args: object) -> None:
        if log.isEnabledFor(logging.INFO):
            log.info("%s %s", self.address_string(), format % args)

    def send_bytes(
        self, status: int, body: bytes, content_type: str | None, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.command != "HEAD" and body:
            # One write for headers and body (end_headers() would flush the headers on their own).
            self._headers_buffer.extend((b"\r\n", body))
            self.flush_headers()
        else:
            self.end_headers()

    def _base(self) -> str:
        host = self.headers.get("Host", "")
        return f"http://{host}" if host and _HOST_RE.match(host) else self.server.base_url

    def send_resource(self, res: Resource, extra: dict[str, str] | None = None) -> None:
        gz = _accepts_gzip(self.headers.get("Accept-Encoding"))
        etag = res.etag[:-1] + '-gz"' if gz else res.etag
        validators = {
            "ETag": etag,
            "Last-Modified": format_datetime(res.last_modified, usegmt=True),
            "Cache-Control": "public, max-age=60",
            "Vary": "Accept-Encoding",
        }
        if self._not_modified(res):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return
        headers = {**validators, **(extra or {})}
        if gz:
            headers["Content-Encoding"] = "gzip"
            self.send_bytes(200, res.gzipped, res.content_type, headers)
        else:
            self.send_bytes(200, res.body, res.content_type, headers)

    def _not_modified(self, res: Resource) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return _etag_matches(inm, res.etag)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return res.last_modified <= since
        return False

    def _error(self, status: int, message: str) -> None:
        body = (
            f"<!DOCTYPE html><html><head><title>{status}</title></head>"
            f"<body><h1>{status}</h1><p>{message}</p></body></html>"
        )
        self.send_bytes(status, body.encode(), "text/html; charset=utf-8")

    # -- routing ----------------------------------------------------------------------------------------
    def do_GET(self) -> None:
        try:
            self._route()
        except ValueError as exc:
            self._error(400, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        if self.abort_connection:
            self.close_connection = True

    do_HEAD = do_GET

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        query = dict(parse_qsl(parts.query))
        base = self._base()
        if path.startswith("/misbehave/"):
            if not misbehave.dispatch(self, path.removeprefix("/misbehave/"), query):
                self._error(404, f"no misbehaviour route {path!r}")
            return
        if path == "/robots.txt":
            self.send_resource(self.server.robots(base))
            return
        if path.startswith("/bulk/"):
            self._bulk(base, path, query)
            return
        if _STATIC_IMG_RE.match(path):
            self.send_resource(_STATIC_PNG)
            return
        if path.startswith("/static/"):
            self.send_resource(_STATIC_JS if path.endswith(".js") else _STATIC_CSS)
            return
        site = self.server.sites.get(base)
        res = site.get(path)
        if res is not None:
            self.send_resource(res)
        elif not path.endswith("/") and path + "/" in site:
            self.send_bytes(301, b"", "text/html; charset=utf-8", {"Location": path + "/"})
        else:
            self._error(404, "Sorry, we could not find that page.")

    def _bulk(self, base: str, path: str, query: dict[str, str]) -> None:
        if path == "/bulk/sitemap.xml":
            try:
                n, seed = int(query.get("n", "1000")), int(query.get("seed", "0"))
            except ValueError as exc:
                raise ValueError("bulk sitemap: 'n' and 'seed' must be integers") from exc
            if not 0 <= seed < 10**9:
                raise ValueError(f"bulk sitemap: 'seed' must be in [0, 1e9), got {seed}")
            self.send_resource(_bulk_sitemap(base, n, seed))
            return
        match = _BULK_RE.match(path)
        if match is None:
            self._error(404, "no such bulk page")
            return
        seed = int(match.group(1) or 0)
        self.send_resource(_bulk_page(base, seed, int(match.group(2))))

    def finish(self) -> None:
        if self.abort_connection:
            # misbehave/reset: SO_LINGER 0 is set, so closing now sends RST; skip flushing any buffered bytes.
            with contextlib.suppress(OSError):
                self.connection.close()
            return
        super().finish()


_STATIC_PNG = Resource.make(misbehave.PNG_BYTES, "image/png", SITE_EPOCH)
_STATIC_CSS = Resource.make(b"/* sample site stylesheet */\n", "text/css; charset=utf-8", SITE_EPOCH)
_STATIC_JS = Resource.make(b"/* sample site script */\n", "text/javascript; charset=utf-8", SITE_EPOCH)


class SampleHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that remembers its open connections so ``stop`` can close them."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(
        self, address: tuple[str, int], crawl_delay: float | None = None, catalog: Catalog | None = None
    ) -> None:
        super().__init__(address, SiteRequestHandler)
        host, port = self.server_address[:2]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else str(host)
        shown = f"[{shown}]" if ":" in shown else shown
        self.base_url = f"http://{shown}:{port}"
        self.crawl_delay = crawl_delay
        self.sites = SiteCache(catalog=catalog)
        self.flaky_counts: dict[str, int] = {}
        self._robots: dict[str, Resource] = {}
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def robots(self, base: str) -> Resource:
        res = self._robots.get(base)
        if res is None:
            res = Resource.make(
                robots_txt(base, self.crawl_delay).encode(), "text/plain; charset=utf-8", SITE_EPOCH
            )
            self._robots[base] = res
        return res

    def process_request(self, request, client_address) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class SampleSite:
    """A running sample site: ``.url`` (no trailing slash), ``.stop()``, usable as a context manager."""

    def __init__(self, server: SampleHTTPServer, thread: threading.Thread | None) -> None:
        self.server = server
        self.thread = thread

    @property
    def url(self) -> str:
        return self.server.base_url

    def url_for(self, path: str) -> str:
        """Absolute URL of a site path (``/ledger/feed.xml``) or of a catalog article's ``path``."""
        return self.url + (path if path.startswith("/") else "/" + path)

    @property
    def host(self) -> str:
        return str(self.server.server_address[0])

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def reset_counters(self) -> None:
        """Forget how often each ``/misbehave/flaky/<key>`` has been requested."""
        self.server.flaky_counts.clear()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.close_open_connections()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def __enter__(self) -> SampleSite:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_site(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    crawl_delay: float | None = None,
    catalog: Catalog | None = None,
) -> SampleSite:
    """Start the sample site in a daemon thread and return once it accepts connections.

    ``catalog`` replaces the bundled articles (e.g. a generated benchmark day)."""
    if crawl_delay is not None and crawl_delay < 0:
        raise ValueError(f"crawl_delay must be >= 0 seconds, got {crawl_delay}")
    server = SampleHTTPServer((host, port), crawl_delay=crawl_delay, catalog=catalog)
    server.sites.get(server.base_url)  # build the pages now, not on the first request
    thread = threading.Thread(target=server.serve_forever, name=f"sample-site:{server.base_url}", daemon=True)
    thread.start()
    return SampleSite(server, thread)


def serve_forever(host: str = "127.0.0.1", port: int = 8765, *, crawl_delay: float | None = None) -> None:
    """Serve the sample site in the foreground until interrupted (Ctrl-C)."""
    server = SampleHTTPServer((host, port), crawl_delay=crawl_delay)
    server.sites.get(server.base_url)
    log.warning(
        "sample news site at %s/ (%s)", server.base_url, datetime.now(UTC).isoformat(timespec="seconds")
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close_open_connections()
        server.server_close()
