"""A TLS-terminating nginx reverse proxy with basic auth in front of a real OpenSearch node (for tests).

The test generates a private CA and a server certificate for 127.0.0.1/localhost with ``cryptography``,
writes an nginx config under a temporary folder and runs ``nginx`` in the foreground (no daemon, no
master process) as a child process, stopped by the fixture.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_server_cert(
    ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def ssha(password: str) -> str:
    """An nginx ``auth_basic_user_file`` entry hash ({SSHA}: salted SHA-1, what htpasswd -s writes)."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class TLSProxy:
    url: str
    ca_file: Path
    wrong_ca_file: Path
    username: str
    password: str
    process: subprocess.Popen[bytes]
    error_log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_proxy(workdir: Path, upstream: str, username: str, password: str) -> TLSProxy:
    """Start nginx on a free loopback port: TLS with a fresh CA, basic auth, proxying to ``upstream``."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed (apt-get install -y nginx-light)")
    workdir.mkdir(parents=True, exist_ok=True)
    ca_key, ca = make_ca("newsingest test CA")
    key, cert = make_server_cert(ca_key, ca)
    _other_key, other_ca = make_ca("some other CA")
    (workdir / "ca.pem").write_bytes(_pem_cert(ca))
    (workdir / "other-ca.pem").write_bytes(_pem_cert(other_ca))
    (workdir / "server.pem").write_bytes(_pem_cert(cert))
    (workdir / "server.key").write_bytes(_pem_key(key))
    (workdir / "server.key").chmod(0o600)
    (workdir / "htpasswd").write_text(f"{username}:{ssha(password)}\n")
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
master_process off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log {workdir}/access.log;
  client_body_temp_path {workdir}/body;
  proxy_temp_path {workdir}/proxy;
  fastcgi_temp_path {workdir}/fastcgi;
  uwsgi_temp_path {workdir}/uwsgi;
  scgi_temp_path {workdir}/scgi;
  client_max_body_size 100m;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {workdir}/server.pem;
    ssl_certificate_key {workdir}/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    auth_basic "opensearch";
    auth_basic_user_file {workdir}/htpasswd;
    location / {{
      proxy_pass {upstream};
      proxy_set_header Authorization "";
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
"""
    )
    proc = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "stderr.log").open("wb"),
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"nginx exited: {(workdir / 'stderr.log').read_text()}{(workdir / 'error.log').read_text()}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("nginx did not listen within 20 s")
    return TLSProxy(
        url=f"https://127.0.0.1:{port}",
        ca_file=workdir / "ca.pem",
        wrong_ca_file=workdir / "other-ca.pem",
        username=username,
        password=password,
        process=proc,
        error_log=workdir / "error.log",
    )
