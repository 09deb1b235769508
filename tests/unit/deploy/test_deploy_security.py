"""deploy/setup/make_security.py: a CA and node/admin certificates that verify, over a real TLS handshake."""

from __future__ import annotations

import importlib.util
import socket
import ssl
import sys
import threading
from pathlib import Path

import pytest
import yaml
from compose_support import REPO
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

SPEC = importlib.util.spec_from_file_location("make_security", REPO / "deploy" / "setup" / "make_security.py")
make_security = importlib.util.module_from_spec(SPEC)
sys.modules["make_security"] = make_security
SPEC.loader.exec_module(make_security)

NODES = ["opensearch-node1", "opensearch-node2"]
OPENSEARCH_YML = yaml.safe_load((REPO / "deploy" / "opensearch" / "opensearch.yml").read_text())


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Path:
    """Only the certificates (internal users need bcrypt, a deploy-only dependency)."""
    out = tmp_path_factory.mktemp("pki")
    ca_key, ca_cert = make_security.make_ca(30)
    (out / "root-ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    for cn, server in [*((n, True) for n in NODES), ("admin", False)]:
        dns = [cn, "localhost"] if server else []
        key, cert = make_security.issue(
            ca_key, ca_cert, cn, dns_names=dns, ips=["127.0.0.1"] if server else [], server=server, days=5
        )
        (out / f"{cn}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (out / f"{cn}-key.pem").write_bytes(make_security._key_pem(key))
    return out


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_certificates_chain_to_the_ca(pki):
    ca = _cert(pki / "root-ca.pem")
    for name in [*NODES, "admin"]:
        cert = _cert(pki / f"{name}.pem")
        cert.verify_directly_issued_by(ca)
        assert (pki / f"{name}-key.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----"), "not PKCS#8"


def test_dns_match_the_security_plugin_settings(pki):
    import fnmatch

    nodes_dn = OPENSEARCH_YML["plugins.security.nodes_dn"]
    admin_dn = OPENSEARCH_YML["plugins.security.authcz.admin_dn"]
    for node in NODES:
        dn = _cert(pki / f"{node}.pem").subject.rfc4514_string()
        assert any(fnmatch.fnmatchcase(dn, p) for p in nodes_dn), dn
        assert dn not in admin_dn
    assert _cert(pki / "admin.pem").subject.rfc4514_string() in admin_dn


def test_node_certificates_serve_both_tls_roles(pki):
    node = _cert(pki / "opensearch-node1.pem")
    usages = node.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH} <= set(usages)
    sans = node.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"opensearch-node1", "localhost"} <= set(sans.get_values_for_type(x509.DNSName))
    admin = _cert(pki / "admin.pem").extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH not in set(admin)


def _serve_once(pki: Path, node: str) -> int:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki / f"{node}.pem", pki / f"{node}-key.pem")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def run() -> None:
        with listener:
            conn, _ = listener.accept()
            try:
                with ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.sendall(b"ok")
            except (ssl.SSLError, OSError):
                pass

    threading.Thread(target=run, daemon=True).start()
    return port


def test_a_verifying_client_accepts_the_node_by_name_and_rejects_a_wrong_name(pki):
    client = ssl.create_default_context(cafile=str(pki / "root-ca.pem"))
    port = _serve_once(pki, "opensearch-node1")
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        client.wrap_socket(raw, server_hostname="opensearch-node1") as tls,
    ):
        assert tls.recv(2) == b"ok"
    port = _serve_once(pki, "opensearch-node1")
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        client.wrap_socket(raw, server_hostname="opensearch-node2")


def test_a_client_without_the_ca_rejects_the_node(pki):
    port = _serve_once(pki, "opensearch-node2")
    client = ssl.create_default_context()  # system CAs only
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        client.wrap_socket(raw, server_hostname="opensearch-node2")


def test_missing_or_short_passwords_are_named():
    env = {v: "x" * 16 for v, *_ in make_security.USERS.values()}
    env["OPENSEARCH_PIPELINE_PASSWORD"] = ""
    with pytest.raises(make_security.SetupError, match="OPENSEARCH_PIPELINE_PASSWORD is not set"):
        make_security.internal_users_yaml(env)
    env["OPENSEARCH_PIPELINE_PASSWORD"] = "short"
    with pytest.raises(make_security.SetupError, match="OPENSEARCH_PIPELINE_PASSWORD is too short"):
        make_security.internal_users_yaml(env)


def test_full_run_writes_users_and_reuses_the_ca(tmp_path):
    bcrypt = pytest.importorskip("bcrypt", reason="bcrypt is a deploy-only dependency (requirements-deploy)")
    env = {v: f"pw-{v}-0123456789" for v, *_ in make_security.USERS.values()}
    make_security.run(tmp_path, NODES, env, days=5)
    ca_before = (tmp_path / "ca" / "root-ca.pem").read_bytes()
    users = yaml.safe_load((tmp_path / "security" / "internal_users.yml").read_text())
    assert users["_meta"] == {"type": "internalusers", "config_version": 2}
    for user, (var, roles, *_rest) in make_security.USERS.items():
        hashed = users[user]["hash"]
        assert hashed.startswith("$2y$12$")
        assert bcrypt.checkpw(env[var].encode(), ("$2b$" + hashed[4:]).encode())
        assert users[user]["backend_roles"] == roles
    make_security.run(tmp_path, NODES, env, days=5)
    assert (tmp_path / "ca" / "root-ca.pem").read_bytes() == ca_before
    assert oct((tmp_path / "ca-private" / "root-ca-key.pem").stat().st_mode & 0o777) == "0o600"
