"""Build the OpenSearch client: TLS verified by default, retries on connection errors and 502/503/504.

Authentication is none, basic (username/password) or AWS SigV4 (Amazon OpenSearch Service and
Serverless): with ``aws_region`` set, every request is signed by opensearch-py's
``Urllib3AWSV4SignerAuth`` with credentials from botocore's standard chain (environment, shared
config/credentials files, web identity/IRSA, container and instance roles), refreshed as they rotate.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from opensearchpy import OpenSearch

log = logging.getLogger(__name__)

RETRY_STATUSES = (502, 503, 504)
AWS_SERVICES = ("es", "aoss")


def aws_credentials():
    """Credentials from botocore's default chain; ValueError naming the chain when it finds none."""
    import botocore.session

    credentials = botocore.session.get_session().get_credentials()
    if credentials is None:
        raise ValueError(
            "SigV4 needs AWS credentials and botocore's chain found none (AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, web identity token, container or instance role)"
        )
    return credentials


def sigv4_auth(region: str, service: str = "es"):
    """opensearch-py's SigV4 signer for ``region``/``service`` (``es`` domain, ``aoss`` Serverless)."""
    from opensearchpy import Urllib3AWSV4SignerAuth

    if not region:
        raise ValueError("SigV4 needs an AWS region (connection extra 'region' or AWS_REGION)")
    if service not in AWS_SERVICES:
        raise ValueError(f"SigV4 service {service!r} is not valid: expected one of {', '.join(AWS_SERVICES)}")
    return Urllib3AWSV4SignerAuth(aws_credentials(), region, service)


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
    aws_region: str | None = None,
    aws_service: str = "es",
    **kwargs: Any,
) -> OpenSearch:
    """An :class:`OpenSearch` client for ``url`` (``http(s)://host:port``).

    Certificates are verified unless ``verify_certs=False`` is passed explicitly; ``ca_certs`` names a CA
    bundle for private clusters. Connection errors, timeouts and 502/503/504 answers are retried up to
    ``max_retries`` times. The password is never logged. ``aws_region`` (not None) switches to SigV4
    signing (see :func:`sigv4_auth`); it cannot be combined with a username and password.
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
    if aws_region is not None:
        if username is not None:
            raise ValueError("OpenSearch SigV4 (aws region set) and a username/password exclude each other")
        options["http_auth"] = sigv4_auth(aws_region, aws_service)
    elif username is not None:
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
    who = f"sigv4:{aws_service}@{aws_region}" if aws_region is not None else username or "-"
    log.debug("OpenSearch client for %s (auth=%s)", url, who)
    return OpenSearch(**options)
