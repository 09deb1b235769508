"""newsingest.load.client: URLs, credentials and TLS are checked before any request."""

from __future__ import annotations

import pytest
from newsingest.load.client import make_client


def test_client_rejects_bad_urls_and_half_credentials() -> None:
    with pytest.raises(ValueError, match="not valid"):
        make_client("localhost:9200")
    with pytest.raises(ValueError, match="must not carry credentials"):
        make_client("https://admin:secret@host:9200")
    with pytest.raises(ValueError, match="both username and password"):
        make_client("https://host:9200", username="admin")


def test_client_verifies_tls_by_default() -> None:
    client = make_client("https://search.example:9200", username="u", password="p")
    connection = client.transport.get_connection()
    assert connection.use_ssl
    assert connection.pool.cert_reqs == "CERT_REQUIRED"
