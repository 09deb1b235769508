"""How the fetcher connects: one-connection httpx clients ("lanes") with TLS verification on.

Lanes are pooled per host by the fetcher, so each keeps its connection alive across requests without a
shared pool scanning every connection on every request. Lanes to public hosts connect through the SSRF
guard (:class:`~newsingest.crawl.ssrf.GuardedBackend`), so every connection, each redirect hop
included, is checked after DNS resolution.
"""

from __future__ import annotations

import ssl

import httpcore
import httpx

from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.ssrf import GuardedBackend


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
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=30.0)
    transport = httpx.AsyncHTTPTransport(http2=cfg.http2, limits=limits, retries=0, verify=ssl_context)
    if guard is not None:
        # Same pool settings as httpx builds, with the SSRF-guarding network backend.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=1,
            max_keepalive_connections=1,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=cfg.http2,
            network_backend=guard,
        )
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(cfg.read_timeout, connect=cfg.connect_timeout),
        follow_redirects=False,
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
    )
