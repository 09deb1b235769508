"""SigV4 to OpenSearch through a signature-verifying proxy in front of the real node.

The proxy (``sigv4_proxy.py``) recomputes every signature with botocore, as Amazon OpenSearch Service
does, and forwards only the requests that verify. Credentials come from botocore's standard chain (here
its environment provider); the instance-metadata provider is switched off so no test reaches past
loopback.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from newsingest.config import load_settings
from newsingest.load.client import make_client
from opensearchpy.exceptions import AuthorizationException
from sigv4_proxy import SigV4Proxy

pytestmark = pytest.mark.opensearch
PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
REGION = "eu-west-1"
AKID = "AKIDNEWSINGESTTEST01"
SECRET = "s3cr3t-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def proxy(opensearch_url: str) -> Iterator[SigV4Proxy]:
    started = SigV4Proxy(opensearch_url, {AKID: SECRET}, REGION).start()
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only the environment provider of the chain can answer; never the instance metadata service."""
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "NEWSINGEST_OPENSEARCH_USERNAME",
                "NEWSINGEST_OPENSEARCH_PASSWORD"):  # fmt: skip
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)


def _signed(proxy: SigV4Proxy, **kw):
    return make_client(proxy.url, aws_region=REGION, max_retries=0, timeout=20, **kw)


def test_signed_requests_pass_index_bulk_search_and_delete(proxy: SigV4Proxy) -> None:
    client = _signed(proxy)
    index = f"t_sigv4_{uuid.uuid4().hex[:8]}"
    before = proxy.accepted
    try:
        assert client.info()["version"]["distribution"] == "opensearch"
        settings = {"number_of_shards": 1, "number_of_replicas": 0}
        client.indices.create(index=index, body={"settings": settings})
        bulk = "".join(
            json.dumps(line) + "\n"
            for i in range(3)
            for line in ({"index": {"_index": index, "_id": f"d{i}"}}, {"title": f"Zürich story {i}"})
        )
        assert not client.bulk(body=bulk, params={"refresh": "true"})["errors"]
        hits = client.search(index=index, body={"query": {"match": {"title": "zürich"}}}, params={"size": 10})
        assert hits["hits"]["total"]["value"] == 3
        assert client.indices.exists(index=index)  # HEAD
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
    assert proxy.accepted - before >= 6


def test_unsigned_request_is_refused(proxy: SigV4Proxy) -> None:
    with pytest.raises(AuthorizationException) as err:
        make_client(proxy.url, max_retries=0).info()
    assert "Authorization header" in str(err.value)


def test_wrong_secret_is_refused(proxy: SigV4Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(AuthorizationException) as err:
        _signed(proxy).info()
    assert "signature does not match" in str(err.value)


def test_wrong_region_is_refused(proxy: SigV4Proxy) -> None:
    with pytest.raises(AuthorizationException) as err:
        make_client(proxy.url, aws_region="us-east-1", max_retries=0).info()
    assert "credential scope" in str(err.value)


def test_body_changed_after_signing_is_refused(proxy: SigV4Proxy) -> None:
    import urllib.error
    import urllib.request

    url = f"{proxy.url}/_search"
    json_type = {"Content-Type": "application/json"}
    request = AWSRequest(method="POST", url=url, data=b'{"size":0}', headers=json_type)
    SigV4Auth(Credentials(AKID, SECRET), "es", REGION).add_auth(request)
    headers = dict(request.headers.items())

    def send(body: bytes) -> int:
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=20) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert send(b'{"size":0}') == 200  # the request as signed goes through
    assert send(b'{"size":9}') == 403  # the same signature on another body does not


def test_env_sigv4_setting_signs_cli_clients(proxy: SigV4Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSINGEST_OPENSEARCH_AUTH", "sigv4")
    monkeypatch.setenv("AWS_REGION", REGION)
    options = load_settings().index.client_options()
    assert options["aws_region"] == REGION and "username" not in options
    assert make_client(proxy.url, max_retries=0, **options).info()["version"]["number"]


def test_airflow_connection_with_aws_auth_extra_signs(proxy: SigV4Proxy, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGINS))  # Airflow puts the plugins folder on sys.path
    from newsingest_airflow.hooks import NewsOpenSearchHook

    port = proxy.url.rsplit(":", 1)[1]
    conn = {"conn_type": "opensearch", "host": "127.0.0.1", "port": int(port), "schema": "http",
            "extra": {"use_ssl": False, "aws_auth": True, "region": REGION}}  # fmt: skip
    monkeypatch.setenv("AIRFLOW_CONN_T_SIGV4", json.dumps(conn))
    hook = NewsOpenSearchHook(opensearch_conn_id="t_sigv4")
    assert hook.client_options()["aws_region"] == REGION
    assert hook.get_client().info()["version"]["distribution"] == "opensearch"


def test_sigv4_configuration_errors_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="exclude each other"):
        make_client("https://search.example.org", aws_region=REGION, username="u", password="p")
    with pytest.raises(ValueError, match="region"):
        make_client("https://search.example.org", aws_region="")
    with pytest.raises(ValueError, match="'s3' is not valid"):
        make_client("https://search.example.org", aws_region=REGION, aws_service="s3")
    monkeypatch.setenv("NEWSINGEST_OPENSEARCH_AUTH", "kerberos")
    with pytest.raises(ValueError, match="NEWSINGEST_OPENSEARCH_AUTH='kerberos'"):
        load_settings()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ValueError, match="found none"):
        make_client("https://search.example.org", aws_region=REGION)
