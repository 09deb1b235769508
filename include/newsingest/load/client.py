"""Build the OpenSearch client: TLS verified by default, retries on connection errors and 502/503/504."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from opensearchpy import OpenSearch

log = logging.getLogger(__name__)

RETRY_STATUSES = (502, 503, 504)


def make_client(
    url: str,
    *,
    username: str | None = None,
    password: str | None = None,
    ca_certs: str | None = None,
    verify_certs: bool = True,
    timeout: float = 60.0,
    max_retries: int = 3,
    http_compress: bool = False,
    **kwargs: Any,
) -> OpenSearch:
    """An :class:`OpenSearch` client for ``url`` (``http(s)://host:port``).

    Certificates are verified unless ``verify_certs=False`` is passed explicitly; ``ca_certs`` names a CA
    bundle for private clusters. Connection errors, timeouts and 502/503/504 answers are retried up to
    ``max_retries`` times. The password is never logged.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"OpenSearch URL {url!r} is not valid: expected http(s)://host[:port]")
    if parts.username or parts.password:
        raise ValueError("OpenSearch URL must not carry credentials; pass username= and password= instead")
    if (username is None) != (password is None):
        raise ValueError("OpenSearch credentials need both username and password")
    options: dict[str, Any] = {
        "hosts": [url],
        "timeout": timeout,
        "max_retries": max_retries,
        "retry_on_timeout": True,
        "retry_on_status": RETRY_STATUSES,
        "http_compress": http_compress,
    }
    if username is not None:
        options["http_auth"] = (username, password)
    if parts.scheme == "https":
        options["use_ssl"] = True
        options["verify_certs"] = verify_certs
        if ca_certs:
            options["ca_certs"] = ca_certs
        if not verify_certs:
            options["ssl_show_warn"] = True
            log.warning("TLS certificate verification is OFF for %s", url)
    options.update(kwargs)
    log.debug("OpenSearch client for %s (user=%s)", url, username or "-")
    return OpenSearch(**options)
