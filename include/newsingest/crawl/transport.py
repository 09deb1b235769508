"""How the fetcher connects: one-connection httpx clients ("lanes"), on httpx's public transport API.

Lanes are pooled per host by the fetcher, so each keeps its connection alive across requests without a
shared pool scanning every connection on every request. Lanes to public hosts use
:class:`GuardedTransport`, an ``httpx.AsyncBaseTransport`` over an httpcore connection pool whose network
backend is the SSRF guard (:class:`~newsingest.crawl.ssrf.GuardedBackend`): every connection, each
redirect hop included, is checked after DNS resolution and made to the address checked. Sources allowed
to reach private addresses use httpx's own ``AsyncHTTPTransport``. Certificates are always verified.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterable, AsyncIterator

import httpcore
import httpx

from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.ssrf import GuardedBackend

KEEPALIVE_EXPIRY = 30.0
ONE_CONNECTION = httpx.Limits(
    max_connections=1, max_keepalive_connections=1, keepalive_expiry=KEEPALIVE_EXPIRY
)

# httpcore's exceptions and the httpx ones a client raises for them, most specific first.
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def as_httpx_error(exc: Exception) -> Exception:
    """The httpx exception for an httpcore one (anything else, e.g. SSRFBlocked, is returned as is)."""
    for core, mapped in _EXCEPTIONS:
        if isinstance(exc, core):
            return mapped(str(exc))
    return exc


class _ResponseStream(httpx.AsyncByteStream):
    """An httpcore response body as an httpx stream, raising httpx exceptions."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except Exception as exc:
            mapped = as_httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that connects through the SSRF guard (an httpcore pool with its backend)."""

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        guard: GuardedBackend,
        http2: bool,
        limits: httpx.Limits = ONE_CONNECTION,
    ) -> None:
        self._connections = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
            retries=0,
            network_backend=guard,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("GuardedTransport needs an async request body")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = await self._connections.handle_async_request(core_request)
        except Exception as exc:
            mapped = as_httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        assert isinstance(response.stream, AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._connections.aclose()


def verified_ssl_context() -> ssl.SSLContext:
    """Certificate-verifying context: certifi, or SSL_CERT_FILE / SSL_CERT_DIR."""
    return httpx.create_ssl_context(trust_env=True)


def lane_client(
    cfg: CrawlConfig,
    user_agent: str,
    *,
    ssl_context: ssl.SSLContext,
    guard: GuardedBackend | None,
) -> httpx.AsyncClient:
    """A one-connection client; ``guard`` None only for sources allowed to reach private addresses."""
    transport: httpx.AsyncBaseTransport
    if guard is None:
        transport = httpx.AsyncHTTPTransport(
            http2=cfg.http2, limits=ONE_CONNECTION, retries=0, verify=ssl_context
        )
    else:
        transport = GuardedTransport(ssl_context=ssl_context, guard=guard, http2=cfg.http2)
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(cfg.read_timeout, connect=cfg.connect_timeout),
        follow_redirects=False,
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
    )
