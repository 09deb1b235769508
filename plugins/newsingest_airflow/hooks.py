"""An OpenSearch hook that builds the newsingest client from an Airflow connection.

It reuses the provider's ``opensearch`` connection type (so the UI form and ``AIRFLOW_CONN_*``
variables work as users expect) but, unlike the provider's default, verifies TLS certificates
unless the connection explicitly says ``"verify_certs": false``, and accepts a CA bundle
(``"ca_certs": "/path/ca.pem"``) in the connection extra.

Amazon OpenSearch Service with IAM: ``"aws_auth": true`` (or ``"auth_type": "aws_sigv4"``) with
``"region"`` (or ``"aws_region"``) and optionally ``"aws_service"`` (``es``, or ``aoss`` for
Serverless) in the extra, or ``NEWSINGEST_OPENSEARCH_AUTH=sigv4`` in the workers' environment, signs
every request with SigV4 using botocore's standard credential chain; login/password must then be empty.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.providers.opensearch.hooks.opensearch import OpenSearchHook

if TYPE_CHECKING:
    from opensearchpy import OpenSearch


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _sigv4_options(extra: dict[str, Any]) -> dict[str, Any]:
    """``aws_region``/``aws_service`` for make_client when the connection or the settings ask for SigV4."""
    from newsingest.config import load_settings

    index = load_settings().index  # NEWSINGEST_OPENSEARCH_AUTH / _AWS_REGION / _AWS_SERVICE, AWS_REGION
    wanted = (
        _flag(extra.get("aws_auth"), False)
        or str(extra.get("auth_type", "")).lower() == "aws_sigv4"
        or index.auth == "sigv4"
    )
    if not wanted:
        return {}
    region = extra.get("region") or extra.get("aws_region") or index.aws_region or ""
    service = extra.get("aws_service") or index.aws_service
    return {"aws_region": region, "aws_service": service}


class NewsOpenSearchHook(OpenSearchHook):
    """Hook for the index the pipeline loads into.

    One client path: the provider's ``client`` property (which its ``search``/``index``/``delete``
    and operators use) returns the same client as ``get_client()``, built by ``make_client`` from
    :meth:`client_options` (TLS verified, retries, SigV4), never the provider's own unverified one.
    """

    hook_name = "newsingest OpenSearch"

    def __init__(self, opensearch_conn_id: str = "opensearch_default", **kwargs: Any):
        super().__init__(open_search_conn_id=opensearch_conn_id, log_query=False, **kwargs)

    def client_options(self) -> dict[str, Any]:
        """Connection fields as keyword arguments for ``newsingest.load.client.make_client``."""
        conn = self.conn
        extra = conn.extra_dejson
        use_ssl = _flag(extra.get("use_ssl"), conn.schema == "https")
        scheme = "https" if use_ssl else "http"
        port = conn.port or (443 if use_ssl else 9200)
        return {
            "url": f"{scheme}://{conn.host}:{port}",
            "username": conn.login or None,
            "password": conn.password or None,
            "ca_certs": extra.get("ca_certs"),
            "verify_certs": _flag(extra.get("verify_certs"), True),
            **_sigv4_options(extra),
        }

    @cached_property
    def client(self) -> OpenSearch:
        """The newsingest client for this connection (one per hook instance)."""
        from newsingest.load.client import make_client

        options = self.client_options()
        return make_client(options.pop("url"), **options)

    def get_client(self) -> OpenSearch:
        """The hook's client (the same object as :attr:`client`)."""
        return self.client
