"""One-shot PKI and OpenSearch-security setup for the docker-compose deployment.

Writes, under ``--out`` (the ``pki`` volume):

* ``ca/root-ca.pem``                 the private CA every client trusts (pipeline, Dashboards, curl)
* ``ca-private/root-ca-key.pem``     its key (kept so certificates can be re-issued; mounted nowhere else)
* ``nodes/<node>.pem``, ``nodes/<node>-key.pem`` one TLS certificate per OpenSearch node (HTTP and
  transport; SANs: the node name, ``localhost``, ``127.0.0.1``)
* ``admin/admin.pem``, ``admin/admin-key.pem``   the security-admin client certificate (securityadmin.sh)
* ``security/internal_users.yml``    bcrypt hashes of the passwords given in the environment

Idempotent: an existing CA is reused (certificates issued from it again only with ``--renew``), so
clients keep trusting the same root. Keys are PKCS#8 PEM, as the OpenSearch security plugin wants.

Environment: OPENSEARCH_ADMIN_PASSWORD, OPENSEARCH_DASHBOARDS_PASSWORD, OPENSEARCH_PIPELINE_PASSWORD.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ORG = "newsingest"
ADMIN_CN = "admin"
# Users written to internal_users.yml: name -> (password variable, backend roles, reserved, description)
USERS: dict[str, tuple[str, list[str], bool, str]] = {
    "admin": ("OPENSEARCH_ADMIN_PASSWORD", ["admin"], True, "Cluster administrator (all_access)"),
    "kibanaserver": ("OPENSEARCH_DASHBOARDS_PASSWORD", [], True, "OpenSearch Dashboards server user"),
    "newsingest": ("OPENSEARCH_PIPELINE_PASSWORD", [], False, "newsingest pipeline (newsingest_writer)"),
}
MIN_PASSWORD_LENGTH = 12


class SetupError(RuntimeError):
    """Bad input for the setup; the message names the variable or file."""


def distinguished_name(common_name: str) -> x509.Name:
    """``CN=<cn>,OU=newsingest,O=newsingest`` (RFC 4514 order, as the security plugin prints DNs)."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ORG),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, mode: int, owner: tuple[int, int] | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.chmod(mode)
    if owner is not None:
        os.chown(tmp, *owner)
    tmp.replace(path)


def make_ca(days: int) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = _new_key()
    name = distinguished_name("newsingest root CA")
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(
    ca_key: rsa.RSAPrivateKey,
    ca_cert: x509.Certificate,
    common_name: str,
    *,
    dns_names: Sequence[str] = (),
    ips: Sequence[str] = (),
    server: bool,
    days: int,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A leaf certificate signed by the CA; ``server`` adds serverAuth (nodes also need clientAuth)."""
    key = _new_key()
    now = dt.datetime.now(dt.UTC)
    usages = [ExtendedKeyUsageOID.CLIENT_AUTH] + ([ExtendedKeyUsageOID.SERVER_AUTH] if server else [])
    builder = (
        x509.CertificateBuilder()
        .subject_name(distinguished_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),  # the CA cert's key
            critical=False,
        )
    )
    sans: list[x509.GeneralName] = [x509.DNSName(d) for d in dns_names]
    sans += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def bcrypt_hash(password: str) -> str:
    """A bcrypt hash in the ``$2y$`` form that the security plugin's own hash.sh prints."""
    import bcrypt  # deploy-only dependency (requirements-deploy.txt)

    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()
    return "$2y$" + hashed[4:]


def internal_users_yaml(env: Mapping[str, str]) -> str:
    """internal_users.yml for the security plugin; every password variable must be set and long enough."""
    import yaml

    passwords: dict[str, str] = {}
    for user, (var, *_rest) in USERS.items():
        password = env.get(var, "")
        if not password:
            raise SetupError(f"{var} is not set (password of the OpenSearch user {user!r}); see .env.example")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise SetupError(f"{var} is too short: use at least {MIN_PASSWORD_LENGTH} characters")
        passwords[user] = password
    doc: dict[str, object] = {"_meta": {"type": "internalusers", "config_version": 2}}
    for user, (_var, roles, reserved, description) in USERS.items():
        doc[user] = {
            "hash": bcrypt_hash(passwords[user]),
            "reserved": reserved,
            "backend_roles": roles,
            "description": description,
        }
    return "# Generated by deploy/setup/make_security.py; do not edit.\n" + yaml.safe_dump(
        doc, sort_keys=False
    )


def _load_ca(out: Path) -> tuple[rsa.RSAPrivateKey, x509.Certificate] | None:
    cert_path, key_path = out / "ca" / "root-ca.pem", out / "ca-private" / "root-ca-key.pem"
    if not (cert_path.exists() and key_path.exists()):
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SetupError(f"{key_path} is not an RSA key")
    return key, x509.load_pem_x509_certificate(cert_path.read_bytes())


def run(
    out: Path,
    nodes: Sequence[str],
    env: Mapping[str, str],
    *,
    owner: tuple[int, int] | None = None,
    days: int = 730,
    renew: bool = False,
) -> list[Path]:
    """Create (or complete) the PKI and the users file under ``out``; returns the files written."""
    if not nodes:
        raise SetupError("no OpenSearch node names given (--nodes)")
    users = internal_users_yaml(env)  # validate passwords before touching anything
    written: list[Path] = []
    loaded = _load_ca(out)
    if loaded is None:
        ca_key, ca_cert = make_ca(days * 5)
        _write(out / "ca-private" / "root-ca-key.pem", _key_pem(ca_key), 0o600, None)
        _write(out / "ca" / "root-ca.pem", ca_cert.public_bytes(serialization.Encoding.PEM), 0o644, None)
        written += [out / "ca" / "root-ca.pem", out / "ca-private" / "root-ca-key.pem"]
        renew = True
    else:
        ca_key, ca_cert = loaded
    leaves = {f"nodes/{n}": (n, [n, "localhost"], ["127.0.0.1"], True) for n in nodes}
    leaves["admin/admin"] = (ADMIN_CN, [], [], False)
    for stem, (cn, dns, ips, server) in leaves.items():
        cert_path, key_path = out / f"{stem}.pem", out / f"{stem}-key.pem"
        if cert_path.exists() and key_path.exists() and not renew:
            continue
        key, cert = issue(ca_key, ca_cert, cn, dns_names=dns, ips=ips, server=server, days=days)
        _write(key_path, _key_pem(key), 0o600, owner)
        _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644, owner)
        written += [cert_path, key_path]
    users_path = out / "security" / "internal_users.yml"
    _write(users_path, users.encode(), 0o600, owner)
    written.append(users_path)
    return written


def _owner(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        uid, gid = (int(x) for x in value.split(":"))
    except ValueError:
        raise SetupError(f"--owner must be UID:GID, got {value!r}") from None
    return uid, gid


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (the pki volume)")
    parser.add_argument(
        "--nodes", default="opensearch-node1,opensearch-node2", help="comma-separated node names"
    )
    parser.add_argument("--owner", default=None, help="UID:GID for node keys (OpenSearch runs as 1000:1000)")
    parser.add_argument("--days", type=int, default=730, help="leaf certificate validity in days")
    parser.add_argument(
        "--renew", action="store_true", help="re-issue leaf certificates from the existing CA"
    )
    args = parser.parse_args(argv)
    try:
        nodes = [n.strip() for n in args.nodes.split(",") if n.strip()]
        files = run(args.out, nodes, os.environ, owner=_owner(args.owner), days=args.days, renew=args.renew)
    except SetupError as exc:
        print(f"make_security: {exc}", file=sys.stderr)
        return 2
    for path in files:
        print(f"wrote {path}")
    print("security setup complete")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
