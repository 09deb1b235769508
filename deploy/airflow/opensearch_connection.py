"""Write the ``opensearch_default`` Airflow connection for the compose cluster as an import file.

Built from the environment with ``json.dumps`` (so any password character is safe) and read by
``airflow connections import --overwrite`` in deploy/airflow/init.sh. The extra carries what
``NewsOpenSearchHook`` reads: ``use_ssl``, ``verify_certs`` (always true here) and ``ca_certs``.

Environment: OPENSEARCH_HOST (default opensearch-node1), OPENSEARCH_PORT (9200),
OPENSEARCH_PIPELINE_USER (newsingest), OPENSEARCH_PIPELINE_PASSWORD (required),
OPENSEARCH_CA_CERTS (default /opt/airflow/pki/root-ca.pem: the ca/ folder of the pki volume).
OPENSEARCH_SCHEME=http (``newsingest cluster``: loopback nodes without the security plugin) writes a
plain-HTTP connection without login or CA; the default is https.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CONN_ID = "opensearch_default"


def connection(env: Mapping[str, str]) -> dict[str, Any]:
    """The connection as Airflow's JSON connection form."""
    port_raw = env.get("OPENSEARCH_PORT", "9200")
    if not port_raw.isdigit():
        raise ValueError(f"OPENSEARCH_PORT must be a port number, got {port_raw!r}")
    scheme = env.get("OPENSEARCH_SCHEME", "https")
    if scheme == "http":
        return {
            "conn_type": "opensearch",
            "description": "newsingest: a loopback OpenSearch cluster without the security plugin",
            "host": env.get("OPENSEARCH_HOST", "127.0.0.1"),
            "port": int(port_raw),
            "schema": "http",
            "extra": json.dumps({"use_ssl": False, "verify_certs": True}),
        }
    if scheme != "https":
        raise ValueError(f"OPENSEARCH_SCHEME must be https or http, got {scheme!r}")
    password = env.get("OPENSEARCH_PIPELINE_PASSWORD", "")
    if not password:
        raise ValueError(
            "OPENSEARCH_PIPELINE_PASSWORD is not set (password of the OpenSearch user newsingest)"
        )
    return {
        "conn_type": "opensearch",
        "description": "newsingest: the compose OpenSearch cluster (TLS, verified against the private CA)",
        "host": env.get("OPENSEARCH_HOST", "opensearch-node1"),
        "port": int(port_raw),
        "schema": "https",
        "login": env.get("OPENSEARCH_PIPELINE_USER", "newsingest"),
        "password": password,
        "extra": json.dumps(
            {
                "use_ssl": True,
                "verify_certs": True,
                "ca_certs": env.get("OPENSEARCH_CA_CERTS", "/opt/airflow/pki/root-ca.pem"),
            }
        ),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: opensearch_connection.py OUTPUT.json", file=sys.stderr)
        return 2
    try:
        conn = connection(os.environ)
    except ValueError as exc:
        print(f"opensearch_connection: {exc}", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.touch(mode=0o600)
    out.write_text(json.dumps({CONN_ID: conn}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
