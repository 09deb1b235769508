"""One-shot job scripts and Helm values: the hook's connection, the saved-objects import, chart values.

The import test runs the real script against a local HTTP server that checks the request the way the
Dashboards import API documents it (a stand-in: there is no Dashboards server here).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from compose_support import REPO

NDJSON = REPO / "include" / "dashboards" / "saved_objects.ndjson"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


opensearch_connection = _load(
    "opensearch_connection", REPO / "deploy" / "airflow" / "opensearch_connection.py"
)
import_saved_objects = _load("import_saved_objects", REPO / "deploy" / "setup" / "import_saved_objects.py")


# ---------------------------------------------------------------- Airflow connection for the hook
def test_connection_file_gives_the_hook_a_verified_tls_client(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(REPO / "plugins"))  # Airflow puts the plugins folder on sys.path
    from newsingest_airflow.hooks import NewsOpenSearchHook

    env = {"OPENSEARCH_PIPELINE_PASSWORD": 'p"w:/@ x', "OPENSEARCH_CA_CERTS": "/opt/airflow/pki/root-ca.pem"}
    monkeypatch.setattr(opensearch_connection.os, "environ", env)
    out = tmp_path / "conn.json"
    assert opensearch_connection.main([str(out)]) == 0
    conn = json.loads(out.read_text())["opensearch_default"]
    monkeypatch.setenv("AIRFLOW_CONN_OPENSEARCH_DEFAULT", json.dumps(conn))
    options = NewsOpenSearchHook().client_options()
    assert options == {
        "url": "https://opensearch-node1:9200",
        "username": "newsingest",
        "password": 'p"w:/@ x',
        "ca_certs": "/opt/airflow/pki/root-ca.pem",
        "verify_certs": True,
    }


def test_connection_without_password_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(opensearch_connection.os, "environ", {})
    assert opensearch_connection.main([str(tmp_path / "c.json")]) == 2
    assert "OPENSEARCH_PIPELINE_PASSWORD is not set" in capsys.readouterr().err


def test_http_connection_for_the_local_cluster_has_no_credentials(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(REPO / "plugins"))
    from newsingest_airflow.hooks import NewsOpenSearchHook

    env = {"OPENSEARCH_SCHEME": "http", "OPENSEARCH_HOST": "127.0.0.1", "OPENSEARCH_PORT": "9821"}
    monkeypatch.setattr(opensearch_connection.os, "environ", env)
    out = tmp_path / "conn.json"
    assert opensearch_connection.main([str(out)]) == 0
    conn = json.loads(out.read_text())["opensearch_default"]
    monkeypatch.setenv("AIRFLOW_CONN_OPENSEARCH_DEFAULT", json.dumps(conn))
    options = NewsOpenSearchHook().client_options()
    assert options["url"] == "http://127.0.0.1:9821" and options["username"] is None
    monkeypatch.setattr(opensearch_connection.os, "environ", {**env, "OPENSEARCH_SCHEME": "ftp"})
    assert opensearch_connection.main([str(out)]) == 2


# ---------------------------------------------------------------- saved-objects import job
class _Dashboards(BaseHTTPRequestHandler):
    """Answers /api/status (yellow, then green) and /api/saved_objects/_import; records requests."""

    status_calls = 0
    imports: ClassVar[list[dict]] = []
    reject: bool = False

    def log_message(self, *args) -> None:
        pass

    def _authorized(self) -> bool:
        expected = "Basic " + base64.b64encode(b"admin:s3cret-password").decode()
        if self.headers.get("Authorization") != expected:
            self._reply(401, {"statusCode": 401, "message": "Unauthorized"})
            return False
        return True

    def _reply(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if not self._authorized():
            return
        type(self).status_calls += 1
        state = "green" if type(self).status_calls >= 3 else "yellow"
        self._reply(200, {"status": {"overall": {"state": state}}})

    def do_POST(self) -> None:
        if not self._authorized():
            return
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if url.path != "/api/saved_objects/_import" or self.headers.get("osd-xsrf") != "true":
            self._reply(400, {"message": "missing osd-xsrf header or wrong path"})
            return
        raw = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
        message = BytesParser(policy=HTTP).parsebytes(raw)
        files = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
        content = files["file"].get_payload(decode=True)
        lines = content.decode().splitlines()
        type(self).imports.append({"query": parse_qs(url.query), "lines": lines})
        if type(self).reject:
            first = json.loads(lines[0])
            error = {"type": first["type"], "id": first["id"], "title": "news", "error": {"type": "conflict"}}
            self._reply(200, {"success": False, "successCount": 0, "errors": [error]})
        else:
            self._reply(200, {"success": True, "successCount": len(lines)})


@pytest.fixture
def dashboards(monkeypatch):
    _Dashboards.status_calls, _Dashboards.imports, _Dashboards.reject = 0, [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Dashboards)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("DASHBOARDS_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("DASHBOARDS_USERNAME", "admin")
    monkeypatch.setenv("DASHBOARDS_PASSWORD", "s3cret-password")
    monkeypatch.delenv("NEWSINGEST_INDEX", raising=False)
    yield _Dashboards
    server.shutdown()
    server.server_close()


def test_import_waits_for_green_then_sends_the_ndjson(dashboards, capsys):
    assert import_saved_objects.main([str(NDJSON), "--interval", "0.05", "--timeout", "10"]) == 0
    assert dashboards.status_calls == 3
    (sent,) = dashboards.imports
    assert sent["query"] == {"overwrite": ["true"]}
    assert sent["lines"] == NDJSON.read_text().splitlines()
    assert f"imported {len(sent['lines'])} saved objects" in capsys.readouterr().out


def test_import_retargets_the_news_pattern_to_the_configured_alias(dashboards, monkeypatch):
    monkeypatch.setenv("NEWSINGEST_INDEX", "press")
    assert import_saved_objects.main([str(NDJSON), "--interval", "0.05", "--timeout", "10"]) == 0
    (sent,) = dashboards.imports
    objects = {o["id"]: o for o in map(json.loads, sent["lines"])}
    assert objects["newsingest-news"]["attributes"]["title"] == "press"
    assert objects["newsingest-runs"]["attributes"]["title"] == "newsingest-runs*"
    fill = json.loads(objects["newsingest-fill-rates"]["attributes"]["visState"])["params"]
    errors = json.loads(objects["newsingest-runs-errors"]["attributes"]["visState"])["params"]
    assert fill["index_pattern"] == "press" and errors["index_pattern"] == "newsingest-runs"
    assert len(sent["lines"]) == len(NDJSON.read_text().splitlines())


def test_import_failure_names_the_objects(dashboards, capsys):
    dashboards.reject = True
    assert import_saved_objects.main([str(NDJSON), "--interval", "0.05", "--timeout", "10"]) == 1
    assert "index-pattern/newsingest-news (news)" in capsys.readouterr().err


def test_import_gives_up_when_dashboards_stays_unhealthy(dashboards, capsys, monkeypatch):
    monkeypatch.setenv("DASHBOARDS_PASSWORD", "wrong-password")
    assert import_saved_objects.main([str(NDJSON), "--interval", "0.05", "--timeout", "0.3"]) == 1
    err = capsys.readouterr().err
    assert "not healthy" in err and "HTTP 401" in err


# ---------------------------------------------------------------- Helm values
HELM = yaml.safe_load((REPO / "deploy" / "helm" / "values.yaml").read_text())


def test_helm_values_target_the_locked_airflow_and_celery():
    lock = (REPO / "requirements.lock").read_text()
    assert f"apache-airflow=={HELM['airflowVersion']} " in lock
    assert HELM["executor"] == "CeleryExecutor"
    for image in (HELM["images"]["airflow"]["tag"], HELM["defaultAirflowTag"]):
        assert image and image != "latest"
    assert HELM["dagProcessor"]["enabled"] and HELM["triggerer"]["enabled"]


def test_helm_values_keep_secrets_out():
    for key in ("fernetKey", "webserverSecretKey", "apiSecretKey", "jwtSecret"):
        assert HELM.get(key) is None, f"{key} must come from a Secret ({key}SecretName)"
    for key in ("fernetKeySecretName", "apiSecretKeySecretName", "jwtSecretName"):
        assert HELM[key], key
    assert "metadataConnection" not in HELM["data"] and HELM["data"]["metadataSecretName"]
    for entry in HELM["secret"]:
        assert set(entry) == {"envName", "secretName", "secretKey"}, entry
    assert HELM["webserver"]["defaultUser"]["enabled"] is False, "the chart's default user is admin/admin"
    names = {e["name"] for e in HELM["env"]}
    assert not any("PASSWORD" in n or "SECRET" in n for n in names)


def test_helm_values_mount_the_ca_that_the_connection_names():
    volumes = {v["name"] for v in HELM["volumes"]}
    mounts = {m["name"]: m for m in HELM["volumeMounts"]}
    assert set(mounts) <= volumes
    assert mounts["opensearch-ca"]["mountPath"] == "/opt/airflow/pki" and mounts["opensearch-ca"]["readOnly"]


def _quantity(value: str | int) -> float:
    text = str(value)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


@pytest.mark.parametrize("component", ["apiServer", "scheduler", "dagProcessor", "triggerer", "workers"])
def test_helm_resources_requests_fit_limits(component):
    res = HELM[component]["resources"]
    for kind in ("cpu", "memory"):
        assert _quantity(res["requests"][kind]) <= _quantity(res["limits"][kind]), f"{component} {kind}"
