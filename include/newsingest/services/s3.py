"""An S3-compatible server on loopback: moto's standalone server (``moto[server]`` from PyPI).

It stands in for MinIO / Amazon S3 as ``NEWSINGEST_STORAGE_ROOT=s3://<bucket>/<prefix>`` in tests and in
``newsingest cluster``. State is in memory: a restart empties every bucket. :func:`s3_env` gives the
environment the workers need (the same variables docker-compose.yaml sets for MinIO).
"""

from __future__ import annotations

import json
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

from newsingest.services.process import Daemon, ServiceError, wait_until

# moto accepts any key pair; these name the role, they protect nothing (the server is loopback-only).
ACCESS_KEY = "newsingest-local"
SECRET_KEY = "newsingest-local-secret"
REGION = "us-east-1"


def moto_server_bin() -> str:
    """The ``moto_server`` script of this venv (installed by the dev lock)."""
    here = Path(sys.executable).with_name("moto_server")
    found = str(here) if here.exists() else shutil.which("moto_server")
    if not found:
        raise ServiceError("moto_server is not installed: run `bash scripts/setup.sh --dev` (moto[server])")
    return found


class S3Server:
    """moto's S3 server as a background process: ``<home>/run/<name>.pid``, ``<home>/logs/<name>.log``."""

    def __init__(self, home: Path, port: int, *, name: str = "s3"):
        self.home = home
        self.port = port
        self.daemon = Daemon(name, home)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def is_up(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2) as resp:
                json.load(resp)
            return True
        except (OSError, urllib.error.URLError, ValueError):
            return False

    def start(self, timeout: float = 60.0) -> str:
        """Start the server unless it answers already; returns the endpoint URL."""
        if self.is_up():
            return self.endpoint
        self.daemon.start([moto_server_bin(), "-H", "127.0.0.1", "-p", str(self.port)])
        if not wait_until(self.is_up, timeout=timeout, alive=lambda: self.daemon.pid() is not None):
            self.daemon.stop()
            raise ServiceError(
                f"moto S3 server did not answer on {self.endpoint} within {timeout:.0f} s; "
                f"log {self.daemon.log_file}:\n{self.daemon.log_tail()}"
            )
        return self.endpoint

    def stop(self) -> bool:
        return self.daemon.stop()

    def create_bucket(self, bucket: str) -> None:
        """Create ``bucket`` (no error if it exists)."""
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        if bucket not in existing:
            client.create_bucket(Bucket=bucket)

    def env(self) -> dict[str, str]:
        """What a worker needs to use this server through fsspec/s3fs (compose sets the same for MinIO)."""
        return {
            "FSSPEC_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": REGION,
        }
