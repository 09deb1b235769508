"""The polite HTTP engine under discovery and fetching.

One :class:`Fetcher` per run: async httpx clients (HTTP/2 where the server offers it), a global and a
per-host concurrency limit, a per-host token bucket (source rate and robots.txt Crawl-delay), robots.txt,
retries with exponential backoff and jitter, capped streaming bodies, manual redirects with loop
detection, and the SSRF guard on every connection. Every exchange is handed to an optional archive.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

import httpcore
import httpx

from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.content import (
    BodyTooLarge,
    Decoder,
    UnsupportedEncoding,
    media_type,
    sniff_binary,
)
from newsingest.crawl.robots import RobotsPolicy, robots_url
from newsingest.crawl.ssrf import GuardedBackend, SSRFBlocked
from newsingest.crawl.throttle import HostState, TokenBucket
from newsingest.web.charset import resolve_charset
from newsingest.web.urls import URLError, canonicalize, host_key, join_url

log = logging.getLogger(__name__)

Kind = Literal["page", "document", "robots"]
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
# Failures that count towards giving a host up for the run.
HOST_FAILURES = frozenset({"timeout", "connect", "reset", "protocol", "http_5xx", "rate_limited"})
LOOPBACK_HOSTS = ("127.", "localhost", "[::1]", "::1")


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


class FetchFailure(Exception):
    """A classified failure of one attempt."""

    def __init__(self, error_class: str, message: str, exchange: Exchange | None = None) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.exchange = exchange


ArchiveHook = Callable[[str, Exchange], object]


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def status_error(status: int) -> tuple[str | None, str | None]:
    """(error_class, message) for an HTTP status; (None, None) below 400."""
    if status < 400:
        return None, None
    if status == 429:
        return "rate_limited", "HTTP 429"
    return ("http_4xx" if status < 500 else "http_5xx"), f"HTTP {status}"


def _classify(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, SSRFBlocked):
        return "ssrf", str(exc)
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout", f"{type(exc).__name__}: {exc}".rstrip(": ")
    if isinstance(exc, httpx.ConnectError):
        return "connect", str(exc) or type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "reset", str(exc) or type(exc).__name__
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "bad_url", str(exc)
    if isinstance(exc, httpx.HTTPError | httpcore.ProtocolError):
        return "protocol", str(exc) or type(exc).__name__
    return "error", f"{type(exc).__name__}: {exc}"


class Fetcher:
    """Shared HTTP engine for a run; use as ``async with Fetcher(...) as f``."""

    def __init__(
        self,
        config: CrawlConfig,
        user_agent: str,
        *,
        archive: ArchiveHook | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.user_agent = user_agent
        if not re.search(r"https?://|@", user_agent):
            log.warning("User-Agent %r has no contact URL or e-mail; set NEWSINGEST_USER_AGENT", user_agent)
        self.archive = archive
        self._rng = rng or random.Random()
        self._global = asyncio.Semaphore(config.global_concurrency)
        self._hosts: dict[str, HostState] = {}
        self._clients: set[httpx.AsyncClient] = set()
        # Idle lanes, oldest first; past the limit the oldest is closed (crawls touch many hosts).
        self._idle: deque[tuple[HostState, bool, httpx.AsyncClient]] = deque()
        self._max_idle = config.max_idle_connections or 2 * config.global_concurrency + 8
        self._ssl: ssl.SSLContext | None = None
        self._guard = GuardedBackend(config.ssrf_exempt)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in list(self._clients):
            await client.aclose()
        self._clients.clear()

    # -- clients -------------------------------------------------------------------------------

    def _new_client(self, allow_private: bool) -> httpx.AsyncClient:
        """A one-connection client ("lane"). Lanes are pooled per host, so each keeps its connection
        alive across requests without a shared pool scanning every connection on every request."""
        cfg = self.config
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context(trust_env=True)  # certifi, or SSL_CERT_FILE / SSL_CERT_DIR
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=30.0)
        transport = httpx.AsyncHTTPTransport(http2=cfg.http2, limits=limits, retries=0, verify=self._ssl)
        if not allow_private:
            # Same pool settings as httpx builds, with the SSRF-guarding network backend.
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=self._ssl,
                max_connections=1,
                max_keepalive_connections=1,
                keepalive_expiry=limits.keepalive_expiry,
                http1=True,
                http2=cfg.http2,
                network_backend=self._guard,
            )
        client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(cfg.read_timeout, connect=cfg.connect_timeout),
            follow_redirects=False,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._clients.add(client)
        return client

    def _take_lane(self, state: HostState, allow_private: bool) -> httpx.AsyncClient:
        lanes = state.lanes.setdefault(allow_private, [])
        if not lanes:
            return self._new_client(allow_private)
        client = lanes.pop()
        self._idle = deque(entry for entry in self._idle if entry[2] is not client)
        return client

    async def _return_lane(self, state: HostState, allow_private: bool, client: httpx.AsyncClient) -> None:
        state.lanes.setdefault(allow_private, []).append(client)
        self._idle.append((state, allow_private, client))
        while len(self._idle) > self._max_idle:
            old_state, old_private, old = self._idle.popleft()
            old_state.lanes[old_private].remove(old)
            self._clients.discard(old)
            await old.aclose()

    def host(self, url: str, rate: float) -> HostState:
        key = host_key(url)
        state = self._hosts.get(key)
        if self.config.relax_politeness_for_loopback and key.startswith(LOOPBACK_HOSTS):
            rate = float("inf")
        if state is None:
            state = HostState(key, asyncio.Semaphore(self.config.host_concurrency), TokenBucket(rate))
            self._hosts[key] = state
        elif rate < state.bucket.rate:
            state.bucket.set_rate(rate)
        return state

    def host_states(self) -> dict[str, HostState]:
        return dict(self._hosts)

    # -- robots --------------------------------------------------------------------------------

    async def robots_for(self, url: str, *, rate: float, allow_private: bool, source: str) -> RobotsPolicy:
        """The cached robots policy of ``url``'s host, fetching robots.txt once per run."""
        state = self.host(url, rate)
        if state.robots is not None:
            return state.robots
        async with state.robots_lock:
            if state.robots is None:
                resp = await self.get(
                    robots_url(url), kind="robots", rate=rate, allow_private=allow_private, source=source
                )
                if resp.error_class in ("ssrf", "bad_url"):  # not cached: another source may allow the host
                    return RobotsPolicy("unavailable", detail=resp.error or "", error_class=resp.error_class)
                if resp.error_class and resp.status is None:
                    policy = RobotsPolicy(
                        "unavailable", detail=f"robots.txt {resp.error_class}: {resp.error}"
                    )
                else:
                    policy = RobotsPolicy.from_response(resp.status, resp.body)
                delay = policy.crawl_delay(self.user_agent)
                if delay and delay > 0 and state.bucket.rate != float("inf"):
                    state.bucket.set_rate(
                        min(state.bucket.rate, 1.0 / min(delay, self.config.max_crawl_delay))
                    )
                state.robots = policy
        assert state.robots is not None
        return state.robots

    # -- fetching ------------------------------------------------------------------------------

    async def get(
        self,
        url: str,
        *,
        kind: Kind = "page",
        rate: float = 1.0,
        allow_private: bool = False,
        source: str = "",
        conditional: Callable[[str], dict[str, str]] | None = None,
    ) -> Response:
        """GET ``url`` politely (robots, throttling, retries, redirects, caps); failures are on the result.

        ``conditional(hop_url)`` returns the If-None-Match / If-Modified-Since headers for each hop.
        """
        started = time.monotonic()
        resp = Response(url=url, final_url=url, fetched_at=datetime.now(UTC))
        seen: set[str] = set()
        current = url
        cfg = self.config
        for hop in range(cfg.max_redirects + 1):
            resp.final_url = current
            try:
                seen.add(canonicalize(current))
            except URLError as exc:
                return self._fail(resp, "bad_url", str(exc), started)
            state = self.host(current, rate)
            if state.failing:
                return self._fail(resp, "host_failing", f"{state.key} failed repeatedly in this run", started)
            if kind != "robots" and cfg.obey_robots:
                policy = await self.robots_for(current, rate=rate, allow_private=allow_private, source=source)
                if policy.status == "unavailable":
                    error_class = policy.error_class or "robots_unavailable"
                    return self._fail(resp, error_class, policy.detail, started)
                if not policy.allowed(current, self.user_agent):
                    return self._fail(resp, "robots", f"disallowed by robots.txt: {current}", started)
            # Validators belong to the URL that answered with them, so each hop asks for its own.
            hop_headers = conditional(current) if conditional else {}
            ex = await self._with_retries(current, state, kind, allow_private, source, hop_headers, resp)
            if ex is None:  # failure recorded on resp
                break
            location = _header(ex.response_headers, "location")
            if ex.status is not None and 300 <= ex.status < 400 and ex.status != 304 and location:
                target = join_url(current, location.strip())
                if target is None or urlsplit(target).scheme not in ("http", "https"):
                    bad = target or location.strip()
                    return self._fail(resp, "bad_redirect", f"redirect to unsupported URL {bad!r}", started)
                try:
                    target_key = canonicalize(target)
                except URLError as exc:
                    return self._fail(resp, "bad_redirect", str(exc), started)
                if target_key in seen:
                    return self._fail(resp, "redirect_loop", f"redirect loop at {target}", started)
                resp.redirects.append(current)
                current = target
                if hop == cfg.max_redirects:
                    resp.final_url = current
                    return self._fail(
                        resp, "too_many_redirects", f"more than {cfg.max_redirects} redirects", started
                    )
                continue
            break
        resp.elapsed_ms = (time.monotonic() - started) * 1000
        return resp

    def _fail(self, resp: Response, error_class: str, message: str, started: float) -> Response:
        resp.error_class = error_class
        resp.error = message
        resp.elapsed_ms = (time.monotonic() - started) * 1000
        return resp

    async def _with_retries(
        self,
        url: str,
        state: HostState,
        kind: Kind,
        allow_private: bool,
        source: str,
        headers: dict[str, str],
        resp: Response,
    ) -> Exchange | None:
        """Try ``url`` until it succeeds, fails for good, or the retry budget is spent."""
        cfg = self.config
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            resp.attempts += 1
            wait: float | None = None
            failed = False
            resp.body, resp.encoding = b"", None
            try:
                ex: Exchange | None = await self._attempt(url, state, kind, allow_private, headers, resp)
            except FetchFailure as failure:
                failed = True
                ex = failure.exchange
                resp.error_class, resp.error = failure.error_class, str(failure)
                resp.status = ex.status if ex is not None else None
                resp.headers = ex.response_headers if ex is not None else []
                retryable = failure.error_class in ("timeout", "connect", "reset", "protocol")
            else:
                assert ex is not None
                status = ex.status or 0
                resp.status, resp.headers = status, ex.response_headers
                retryable = status in RETRY_STATUSES
                resp.error_class, resp.error = status_error(status)
                retry_after = _header(ex.response_headers, "retry-after")
                if status == 429 or (status == 503 and retry_after):
                    resp.throttled = True
                    wait = parse_retry_after(retry_after)
            resp.archive_ref = self.archive(source, ex) if (self.archive and ex is not None) else None
            if kind != "robots":
                state.record(resp.error_class not in HOST_FAILURES, cfg.host_failure_limit)
            final = None if failed else ex
            if not retryable or attempt >= cfg.max_attempts or state.failing:
                return final
            backoff = min(cfg.backoff_max, cfg.backoff_base * 2 ** (attempt - 1))
            delay = backoff / 2 + self._rng.uniform(0, backoff / 2)
            if wait is not None:
                if wait > cfg.max_retry_after:
                    resp.error = (
                        f"{resp.error}; Retry-After {wait:.0f}s exceeds the {cfg.max_retry_after:.0f}s cap"
                    )
                    state.pause(wait)
                    return final
                delay = max(delay, wait)
                state.pause(wait)
            if time.monotonic() - started + delay > cfg.max_retry_time:
                resp.error = f"{resp.error}; retry budget of {cfg.max_retry_time:.0f}s spent"
                return final
            await asyncio.sleep(delay)

    async def _attempt(
        self,
        url: str,
        state: HostState,
        kind: Kind,
        allow_private: bool,
        headers: dict[str, str],
        resp: Response,
    ) -> Exchange:
        """One request: wait for the host's turn, send, stream the body within the caps."""
        cfg = self.config
        cap = {
            "page": cfg.max_body_bytes,
            "document": cfg.max_document_bytes,
            "robots": cfg.max_robots_bytes,
        }[kind]
        allowed_types = {"page": cfg.allowed_content_types, "document": cfg.discovery_content_types}.get(kind)
        pause = state.pause_left()
        if pause > cfg.max_retry_after:
            raise FetchFailure("rate_limited", f"{state.key} asked us to wait {pause:.0f}s")
        async with state.semaphore:
            if pause := state.pause_left():
                await asyncio.sleep(pause)
            await state.bucket.acquire()
            async with self._global:
                client = self._take_lane(state, allow_private)
                try:
                    return await self._send(client, url, headers, cfg, cap, allowed_types, resp, kind)
                finally:
                    await self._return_lane(state, allow_private, client)

    async def _send(
        self,
        client: httpx.AsyncClient,
        url: str,
        headers: dict[str, str],
        cfg: CrawlConfig,
        cap: int,
        allowed_types: tuple[str, ...] | None,
        resp: Response,
        kind: Kind,
    ) -> Exchange:
        try:
            request = client.build_request("GET", url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:  # a host httpx cannot parse
            raise FetchFailure("bad_url", f"{url}: {exc}") from exc
        ex = Exchange(
            url=url,
            method="GET",
            request_headers=list(request.headers.items()),
            when=datetime.now(UTC),
            attempt=resp.attempts,
        )
        try:
            async with asyncio.timeout(cfg.connect_timeout + cfg.read_timeout * 3):
                response = await client.send(request, stream=True)
                try:
                    self._read_head(ex, response)
                    await self._read_body(ex, response, cap, allowed_types, resp, kind)
                finally:
                    await response.aclose()
        except FetchFailure as failure:
            failure.exchange = ex
            ex.error_class, ex.error = failure.error_class, str(failure)
            raise
        except Exception as exc:
            error_class, message = _classify(exc)
            ex.error_class, ex.error = error_class, message
            raise FetchFailure(error_class, message, ex) from exc
        return ex

    @staticmethod
    def _read_head(ex: Exchange, response: httpx.Response) -> None:
        ex.status = response.status_code
        ex.reason = response.reason_phrase
        ex.http_version = response.http_version
        ex.response_headers = list(response.headers.multi_items())
        stream = response.extensions.get("network_stream")
        if stream is not None:
            try:
                addr = stream.get_extra_info("server_addr")
                ex.ip = str(addr[0]) if addr else None
            except Exception:  # informational only
                ex.ip = None

    async def _read_body(
        self,
        ex: Exchange,
        response: httpx.Response,
        cap: int,
        allowed_types: tuple[str, ...] | None,
        resp: Response,
        kind: Kind,
    ) -> None:
        status = response.status_code
        content_type = response.headers.get("content-type")
        resp.content_type = content_type
        if 300 <= status < 400 or status == 304:
            return
        if (
            200 <= status < 300
            and allowed_types is not None
            and content_type
            and media_type(content_type) not in allowed_types
        ):
            raise FetchFailure("content_type", f"content type {media_type(content_type)!r} not accepted")
        declared = response.headers.get("content-length")
        if kind != "robots" and declared and declared.isdigit() and int(declared) > cap:
            raise FetchFailure("too_large", f"Content-Length {declared} exceeds the {cap}-byte cap")
        try:
            decoder = Decoder(response.headers.get("content-encoding"), cap)
        except UnsupportedEncoding as exc:
            raise FetchFailure("decode", f"unsupported Content-Encoding {exc}") from exc
        raw = bytearray()
        body = bytearray()
        async for chunk in response.aiter_raw():
            raw += chunk
            try:
                body += decoder.feed(chunk)
            except BodyTooLarge as exc:
                if kind == "robots":  # RFC 9309: use the first part of an over-long robots.txt
                    ex.truncated = True
                    break
                raise FetchFailure("too_large", f"{exc} (decompression)") from exc
            except Exception as exc:
                raise FetchFailure(
                    "decode", f"corrupt {response.headers.get('content-encoding')} body: {exc}"
                ) from exc
            if len(raw) > cap:
                if kind == "robots":
                    ex.truncated = True
                    break
                raise FetchFailure("too_large", f"body exceeds the {cap}-byte cap")
        ex.raw_body = bytes(raw)
        if 200 <= status < 300 and allowed_types is not None:
            binary = sniff_binary(body)
            if binary and not (binary == "gzip data" and kind == "document"):  # sitemap.xml.gz
                label = media_type(content_type) or "no content type"
                raise FetchFailure("content_type", f"body is {binary} ({label})")
        resp.body = bytes(body[:cap])
        if 200 <= status < 300:
            resp.encoding = resolve_charset(resp.body, content_type)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)
