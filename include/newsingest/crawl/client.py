"""The polite HTTP engine under discovery and fetching: the orchestration of one GET.

One :class:`Fetcher` per run: a global and a per-host concurrency limit, a per-host token bucket (source
rate and robots.txt Crawl-delay), robots.txt, then per hop of :mod:`~newsingest.crawl.redirects` the
attempts of :mod:`~newsingest.crawl.retry` over one-connection clients from
:mod:`~newsingest.crawl.transport` (SSRF guard on every connection), bodies read within
:mod:`~newsingest.crawl.limits`. Every exchange is handed to an optional archive.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import ssl
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from newsingest.crawl import limits
from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.exchange import ArchiveHook, Exchange, FetchFailure, Kind, Response, header
from newsingest.crawl.redirects import RedirectChain, RedirectFailure, is_redirect
from newsingest.crawl.retry import (
    RETRY_STATUSES,
    backoff_delay,
    classify,
    parse_retry_after,
    status_error,
)
from newsingest.crawl.robots import RobotsPolicy, robots_url
from newsingest.crawl.ssrf import GuardedBackend
from newsingest.crawl.throttle import HostRate, HostState, TokenBucket, source_rate
from newsingest.crawl.transport import lane_client, verified_ssl_context
from newsingest.errors import HOST_FAILURE_CLASSES, RETRYABLE_CLASSES
from newsingest.web.urls import URLError, host_key

log = logging.getLogger(__name__)


class Fetcher:
    """Shared HTTP engine for a run; use as ``async with Fetcher(...) as f``."""

    def __init__(
        self,
        config: CrawlConfig,
        user_agent: str,
        *,
        archive: ArchiveHook | None = None,
        rng: random.Random | None = None,
        host_rate: HostRate = source_rate,
    ) -> None:
        self.config = config
        self._host_rate = host_rate
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
        """A one-connection client ("lane") for one host."""
        if self._ssl is None:
            self._ssl = verified_ssl_context()
        guard = None if allow_private else self._guard
        client = lane_client(self.config, self.user_agent, ssl_context=self._ssl, guard=guard)
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
        rate = self._host_rate(key, rate)
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
        chain = RedirectChain(self.config.max_redirects)
        resp.redirects = chain.hops
        current = url
        cfg = self.config
        while True:
            resp.final_url = current
            try:
                chain.enter(current)
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
            location = header(ex.response_headers, "location")
            if not is_redirect(ex.status, location):
                break
            assert location is not None
            try:
                current = chain.follow(current, location)
            except RedirectFailure as failure:
                resp.final_url = failure.url or resp.final_url
                return self._fail(resp, failure.error_class, str(failure), started)
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
                retryable = failure.error_class in RETRYABLE_CLASSES
            else:
                assert ex is not None
                status = ex.status or 0
                resp.status, resp.headers = status, ex.response_headers
                retryable = status in RETRY_STATUSES
                resp.error_class, resp.error = status_error(status)
                retry_after = header(ex.response_headers, "retry-after")
                if status == 429 or (status == 503 and retry_after):
                    resp.throttled = True
                    wait = parse_retry_after(retry_after)
            resp.archive_ref = self.archive(source, ex) if (self.archive and ex is not None) else None
            if kind != "robots":
                state.record(resp.error_class not in HOST_FAILURE_CLASSES, cfg.host_failure_limit)
            final = None if failed else ex
            if not retryable or attempt >= cfg.max_attempts or state.failing:
                return final
            delay = backoff_delay(attempt, cfg.backoff_base, cfg.backoff_max, self._rng)
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
        cap = limits.body_cap(kind, cfg)
        allowed_types = limits.accepted_types(kind, cfg)
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
                    limits.read_head(ex, response)
                    await limits.read_body(ex, response, cap, allowed_types, resp, kind)
                finally:
                    await response.aclose()
        except FetchFailure as failure:
            failure.exchange = ex
            ex.error_class, ex.error = failure.error_class, str(failure)
            raise
        except Exception as exc:
            error_class, message = classify(exc)
            ex.error_class, ex.error = error_class, message
            raise FetchFailure(error_class, message, ex) from exc
        return ex
