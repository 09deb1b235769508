"""TLS and basic auth to OpenSearch through a real nginx proxy in front of the real node.

Checks ``newsingest.load.client.make_client`` and the Airflow hook (connection from ``AIRFLOW_CONN_*``):
the right CA and password work; a wrong CA or password fails with a clear error; verification cannot be
switched off by accident (the provider's hook defaults to off, ours to on); the password never shows up
in logs (every logger at DEBUG, console captured) nor in a stage's run report.
"""

from __future__ import annotations

import gzip
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from newsingest.load.client import make_client
from opensearchpy.exceptions import AuthenticationException, SSLError
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from tls_proxy import NGINX, TLSProxy, start_proxy

pytestmark = [
    pytest.mark.opensearch,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install -y nginx-light)"),
]
USER = "ingest"
PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


@pytest.fixture
def hook_cls(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(PLUGINS))  # Airflow puts the plugins folder on sys.path
    from newsingest_airflow.hooks import NewsOpenSearchHook

    return NewsOpenSearchHook


@pytest.fixture(scope="module")
def proxy(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TLSProxy]:
    password = "pw-" + uuid.uuid4().hex  # distinctive, so any leak is found by a plain substring search
    started = start_proxy(tmp_path_factory.mktemp("nginx"), opensearch_url, USER, password)
    yield started
    started.stop()


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every logger at DEBUG (urllib3, opensearchpy and its request trace included)."""
    caplog.set_level(logging.DEBUG)
    for name in ("opensearch", "opensearchpy.trace", "urllib3", "newsingest", "airflow"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def _client(proxy: TLSProxy, **overrides):
    options = {"username": USER, "password": proxy.password, "ca_certs": str(proxy.ca_file), "max_retries": 0,
               "timeout": 10}  # fmt: skip
    options.update(overrides)
    return make_client(proxy.url, **options)


def _no_leak(proxy: TLSProxy, *texts: str) -> None:
    for text in texts:
        assert proxy.password not in text, "the OpenSearch password leaked"


def test_right_ca_and_password_work(proxy: TLSProxy, all_logs, capfd) -> None:
    client = _client(proxy)
    assert client.cluster.health()["status"] in ("green", "yellow")
    assert client.info()["version"]["distribution"] == "opensearch"
    out, err = capfd.readouterr()
    _no_leak(proxy, all_logs.text, out, err)


def test_wrong_ca_fails_with_a_certificate_error(proxy: TLSProxy, all_logs) -> None:
    client = _client(proxy, ca_certs=str(proxy.wrong_ca_file))
    with pytest.raises((SSLError, OSConnectionError)) as info:
        client.info()
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value) or "certificate verify failed" in str(info.value)
    _no_leak(proxy, all_logs.text, str(info.value))


def test_verification_is_on_by_default(proxy: TLSProxy) -> None:
    client = _client(proxy, ca_certs=None)  # no CA given: the system trust store does not know our CA
    with pytest.raises((SSLError, OSConnectionError), match=r"(?i)certificate verify failed"):
        client.info()


def test_turning_verification_off_is_explicit_and_logged(proxy: TLSProxy, all_logs) -> None:
    client = _client(proxy, ca_certs=None, verify_certs=False)
    assert client.info()["version"]["distribution"] == "opensearch"
    assert "verification is OFF" in all_logs.text


def test_wrong_password_fails_clearly(proxy: TLSProxy, all_logs, capfd) -> None:
    client = _client(proxy, password="not-" + proxy.password[3:])
    with pytest.raises(AuthenticationException) as info:
        client.info()
    assert info.value.status_code == 401
    out, err = capfd.readouterr()
    _no_leak(proxy, all_logs.text, out, err, str(info.value))
    with pytest.raises(ValueError, match="both username and password"):
        make_client(proxy.url, username=USER)


def test_credentials_in_the_url_are_refused(proxy: TLSProxy) -> None:
    with pytest.raises(ValueError, match="must not carry credentials") as info:
        make_client(proxy.url.replace("https://", f"https://{USER}:{proxy.password}@"))
    _no_leak(proxy, str(info.value))


# -- the Airflow hook ----------------------------------------------------------------------------------------


def _conn_env(
    monkeypatch: pytest.MonkeyPatch, proxy: TLSProxy, conn_id: str, password: str | None = None, **extra
) -> None:
    port = int(proxy.url.rsplit(":", 1)[1])
    conn = {"conn_type": "opensearch", "host": "127.0.0.1", "port": port, "login": USER,
            "password": password or proxy.password, "schema": "https", "extra": extra}  # fmt: skip
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))


@pytest.mark.airflow
def test_hook_with_ca_works_and_hides_the_password(
    proxy: TLSProxy, hook_cls, monkeypatch, all_logs, capfd
) -> None:
    _conn_env(monkeypatch, proxy, "os_tls_ok", ca_certs=str(proxy.ca_file))
    hook = hook_cls(opensearch_conn_id="os_tls_ok")
    options = hook.client_options()
    assert options["verify_certs"] is True and options["url"] == proxy.url
    assert hook.get_client().info()["version"]["distribution"] == "opensearch"
    # One client path: the provider's ``client`` (behind its search/index/delete) is the same client.
    assert hook.client is hook.get_client()
    found = hook.search({"query": {"match_all": {}}, "size": 0}, index_name="_all")
    assert "hits" in found
    out, err = capfd.readouterr()
    _no_leak(proxy, all_logs.text, out, err, repr(hook))


@pytest.mark.airflow
def test_hook_verifies_even_where_the_provider_would_not(proxy: TLSProxy, hook_cls, monkeypatch) -> None:
    from airflow.providers.opensearch.hooks.opensearch import OpenSearchHook

    _conn_env(monkeypatch, proxy, "os_tls_noca", use_ssl=True)  # no CA, no verify_certs: the common mistake
    provider = OpenSearchHook(open_search_conn_id="os_tls_noca", log_query=False)
    assert provider.verify_certs is False  # the provider's default: any certificate is accepted
    hook = hook_cls(opensearch_conn_id="os_tls_noca")
    with pytest.raises((SSLError, OSConnectionError), match=r"(?i)certificate verify failed"):
        hook.get_client().info()
    # The inherited ``client`` property and the provider's helpers verify too (they used to build the
    # provider's unverified client).
    assert hook.client is hook.get_client()
    with pytest.raises((SSLError, OSConnectionError), match=r"(?i)certificate verify failed"):
        hook.client.info()
    with pytest.raises((SSLError, OSConnectionError), match=r"(?i)certificate verify failed"):
        hook.search({"query": {"match_all": {}}}, index_name="_all")

    _conn_env(monkeypatch, proxy, "os_tls_wrongca", ca_certs=str(proxy.wrong_ca_file))
    with pytest.raises((SSLError, OSConnectionError), match=r"(?i)certificate verify failed"):
        hook_cls(opensearch_conn_id="os_tls_wrongca").get_client().info()

    # Only an explicit "verify_certs": false turns it off.
    _conn_env(monkeypatch, proxy, "os_tls_off", verify_certs=False)
    assert hook_cls(opensearch_conn_id="os_tls_off").get_client().info()["version"]


@pytest.mark.airflow
def test_hook_wrong_password_is_a_401(proxy: TLSProxy, hook_cls, monkeypatch, all_logs) -> None:
    _conn_env(monkeypatch, proxy, "os_tls_badpw", password="wrong-password", ca_certs=str(proxy.ca_file))
    with pytest.raises(AuthenticationException) as info:
        hook_cls(opensearch_conn_id="os_tls_badpw").get_client().info()
    assert info.value.status_code == 401
    _no_leak(proxy, all_logs.text)


# -- a stage's run report over TLS ------------------------------------------------------------


def test_load_stage_over_tls_reports_no_secret(
    proxy: TLSProxy, iso_settings, all_logs, capfd, tmp_path: Path
) -> None:
    from newsingest import layout, pipeline, storage
    from newsingest.bench.synthetic import synthetic_articles
    from newsingest.load.index import drop_alias_and_indices

    alias = f"t_sec_{uuid.uuid4().hex[:8]}"
    settings = replace(iso_settings, index_alias=alias)
    path = layout.stage_path(settings.storage_root, "tls", "enrich", "s", "all")
    storage.write_jsonl_gz(path, (a.to_json() for a in synthetic_articles(20, seed=5)))
    client = _client(proxy)
    try:
        summary = pipeline.load_stage(settings, "tls", "s", path, client)
        assert summary["created"] == 20
        report_files = [
            gzip.decompress(Path(p).read_bytes()) if p.endswith(".gz") else Path(p).read_bytes()
            for p in storage.list_files(settings.storage_root, "**/*.*")
        ]
        assert report_files, "the load stage wrote no files to check"
    finally:
        drop_alias_and_indices(client, alias)
    out, err = capfd.readouterr()
    _no_leak(
        proxy, json.dumps(summary), all_logs.text, out, err, *(b.decode("latin-1") for b in report_files)
    )
