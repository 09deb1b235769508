"""The embedded OpenSearch node: build it from Maven Central, start, wait for green, stop.

The node runs the official OpenSearch server and module jars (resolved by ``include/opensearch/pom.xml``)
on 127.0.0.1, with data under ``<home>/opensearch`` so a second start reuses the data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from base64 import b64encode
from pathlib import Path

from newsingest.config import INCLUDE_DIR, Settings, is_loopback, services_settings, url_port
from newsingest.services.process import Daemon, PrerequisiteError, ServiceError, wait_until

log = logging.getLogger(__name__)

POM_DIR = INCLUDE_DIR / "opensearch"
MAIN_CLASS = "io.newsingest.opensearch.NewsingestNode"
MIN_JAVA = 21
JVM_DIR = Path("/usr/lib/jvm")  # where system JDKs are looked for


def opensearch_version() -> str:
    """The pinned OpenSearch version from the build file (docker-compose uses the same)."""
    match = re.search(r"<opensearch.version>([^<]+)</opensearch.version>", (POM_DIR / "pom.xml").read_text())
    if not match:
        raise ServiceError(f"{POM_DIR / 'pom.xml'}: no <opensearch.version> property")
    return match.group(1)


def _java_major(java: Path) -> int | None:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)', out)
    return int(match.group(1)) if match else None


def find_java_home() -> Path:
    """A JDK of version 21 or newer: NEWSINGEST_JAVA_HOME, JAVA_HOME, then /usr/lib/jvm/*.

    A variable that names a folder without ``bin/java`` is an error naming it (no silent fallback);
    so is NEWSINGEST_JAVA_HOME naming a JDK older than 21. A JAVA_HOME older than 21 is passed over
    (it is often set for other tools) with a warning.
    """
    services = services_settings()
    candidates = (("NEWSINGEST_JAVA_HOME", services.java_home), ("JAVA_HOME", services.system_java_home))
    for var, value in candidates:
        if not value:
            continue
        home = Path(value)
        if not (home / "bin" / "java").exists():
            raise PrerequisiteError(
                f"{var}={value} has no bin/java; point it at a JDK {MIN_JAVA}+ or unset it"
            )
        major = _java_major(home / "bin" / "java")
        if major and major >= MIN_JAVA:
            return home
        if var == "NEWSINGEST_JAVA_HOME":
            raise PrerequisiteError(
                f"{var}={value} is Java {major or '(unknown version)'}; OpenSearch {opensearch_version()} "
                f"needs a JDK {MIN_JAVA} or newer"
            )
        log.warning("JAVA_HOME=%s is Java %s; looking for a JDK %d+ elsewhere", value, major, MIN_JAVA)
    seen: list[str] = []
    jvm = JVM_DIR
    for home in sorted(jvm.iterdir(), reverse=True) if jvm.is_dir() else []:
        java = home / "bin" / "java"
        if not java.exists():
            continue
        major = _java_major(java)
        seen.append(f"{home} ({major})")
        if major and major >= MIN_JAVA:
            return home
    raise PrerequisiteError(
        f"OpenSearch {opensearch_version()} needs a JDK {MIN_JAVA} or newer; found: "
        + (", ".join(seen) or "none")
        + ". Install one (e.g. Temurin 21+) and set NEWSINGEST_JAVA_HOME to it."
    )


class OpenSearchNode:
    """Build, start and stop the embedded node described by ``settings``.

    ``settings.opensearch_url`` is honoured as given: a loopback URL is the embedded node (its port,
    or the scheme's default when the URL has none); any other host is a remote cluster, which is
    checked (``is_up``, ``health``) but never started or stopped.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        port: int | None = None,
        transport_port: int | None = None,
        name: str = "opensearch",
    ):
        self.settings = settings
        configured = settings.opensearch_url.rstrip("/")
        self.remote = port is None and not is_loopback(configured)
        self.port = port or url_port(configured)
        self.transport_port = transport_port or self.port + 100
        self.base = settings.home / name  # data, logs and config; a cluster's nodes differ by name
        self.daemon = Daemon(name, settings.home)
        self._url = f"http://127.0.0.1:{self.port}" if port else configured

    @property
    def url(self) -> str:
        return self._url

    @property
    def target(self) -> Path:
        return POM_DIR / "target"

    def _stamp(self) -> str:
        digest = hashlib.sha256((POM_DIR / "pom.xml").read_bytes())
        for src in sorted((POM_DIR / "src").rglob("*.java")):
            digest.update(src.read_bytes())
        return digest.hexdigest()

    def is_built(self) -> bool:
        stamp = self.target / ".newsingest-stamp"
        return stamp.exists() and stamp.read_text() == self._stamp() and (self.target / "lib").is_dir()

    def build(self, *, quiet: bool = True) -> None:
        """Resolve the OpenSearch jars from Maven Central and compile the launcher (skipped when current)."""
        if self.is_built():
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise PrerequisiteError(
                "Maven (mvn) is needed to fetch the OpenSearch jars; install it (apt-get install maven)."
            )
        env = {**os.environ, "JAVA_HOME": str(find_java_home())}
        cmd = [
            mvn,
            "-B",
            "-f",
            str(POM_DIR / "pom.xml"),
            f"-Dmaven.repo.local={self.settings.home / 'm2'}",
            "package",
        ]
        if quiet:
            cmd.insert(1, "-q")
        proc = subprocess.run(cmd, env=env, capture_output=quiet, text=True)
        if proc.returncode != 0:
            detail = (proc.stdout or "")[-3000:] + (proc.stderr or "")[-2000:] if quiet else ""
            raise ServiceError(f"building the OpenSearch node with Maven failed ({' '.join(cmd)}):\n{detail}")
        (self.target / ".newsingest-stamp").write_text(self._stamp())

    def health(self) -> dict | None:
        """Cluster health, or None when nothing answers (credentials and CA from the settings' index tree)."""
        request = urllib.request.Request(f"{self.url}/_cluster/health")
        index = self.settings.index
        if index.username:
            token = b64encode(f"{index.username}:{index.password or ''}".encode())
            request.add_header("Authorization", f"Basic {token.decode()}")
        context = None
        if self.url.startswith("https://"):
            context = ssl.create_default_context(cafile=index.ca_certs)
        try:
            with urllib.request.urlopen(
                request, timeout=2 if not self.remote else 10, context=context
            ) as resp:
                data = json.load(resp)
        except (urllib.error.URLError, OSError, ValueError):
            return None
        return data if isinstance(data, dict) and "status" in data else None

    def is_up(self) -> bool:
        return self.health() is not None

    def preflight(self) -> None:
        """Raise now (before any output) if the node cannot be started: remote URL, no JDK, no Maven."""
        if self.remote:
            raise ServiceError(
                f"OpenSearch at {self.url} does not answer; NEWSINGEST_OPENSEARCH_URL names a remote host, "
                "which newsingest checks but never starts (use a 127.0.0.1 URL for the embedded node)"
            )
        find_java_home()
        if not self.is_built() and shutil.which("mvn") is None:
            raise PrerequisiteError(
                "Maven (mvn) is needed to fetch the OpenSearch jars; install it (apt-get install maven)."
            )

    def start(
        self, *, timeout: float = 180.0, heap: str = "1g", extra_settings: dict[str, str] | None = None
    ) -> str:
        """Start the node unless one already answers; wait for green. Returns the URL."""
        if self.is_up():
            return self.url
        self.preflight()
        self.launch(heap=heap, extra_settings=extra_settings)
        return self.wait_green(timeout=timeout)

    def launch(self, *, heap: str = "1g", extra_settings: dict[str, str] | None = None) -> None:
        """Start the node's process without waiting (cluster nodes start together, then wait)."""
        self.build()
        java = find_java_home() / "bin" / "java"
        classpath = f"{self.target / 'newsingest-opensearch-node-1.0.0.jar'}:{self.target / 'lib'}/*"
        argv = [
            str(java),
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            "-Dlog4j2.formatMsgNoLookups=true",
            "--add-modules=jdk.incubator.vector",
            "-cp",
            classpath,
            MAIN_CLASS,
            str(self.base),
            str(self.port),
            str(self.transport_port),
        ]
        argv += [f"-E{key}={value}" for key, value in (extra_settings or {}).items()]
        self.base.mkdir(parents=True, exist_ok=True)
        self.daemon.start(argv, cwd=self.base)

    def wait_green(self, *, timeout: float = 180.0) -> str:
        """Wait until the node answers with green health; stop it and raise when it does not."""
        ok = wait_until(self._green, timeout=timeout, alive=lambda: self.daemon.pid() is not None)
        if not ok:
            self.daemon.stop(timeout=10)
            raise ServiceError(
                f"OpenSearch did not reach green health on {self.url} within {timeout:.0f}s; "
                f"log: {self.daemon.log_file}\n{self.daemon.log_tail()}"
            )
        return self.url

    def _green(self) -> bool:
        health = self.health()
        return health is not None and health.get("status") == "green"

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the node started from this home (never a remote cluster)."""
        return False if self.remote else self.daemon.stop(timeout=timeout)
