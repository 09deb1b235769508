"""docker-compose.yaml through compose-go, the loader inside ``docker compose`` (no engine needed).

deploy/tools/composecheck is a small Go program (go.mod/go.sum pinned: compose-go v2.16.2) that
interpolates, validates and normalises the file exactly as ``docker compose config`` does. Needs the
``go`` toolchain; the first build downloads the modules from the Go module proxy (about 1.5 min).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from compose_support import COMPOSE_FILE, REPO, filled_env

TOOL = REPO / "deploy" / "tools" / "composecheck"
GO = shutil.which("go") or ("/usr/local/go/bin/go" if os.path.exists("/usr/local/go/bin/go") else None)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(GO is None, reason="the Go toolchain is not installed"),
]


@pytest.fixture(scope="module")
def composecheck(tmp_path_factory) -> str:
    work = tmp_path_factory.mktemp("composecheck")
    env = dict(os.environ)
    if not env.get("HOME"):  # go keeps its module and build caches under $HOME by default
        env.update(GOCACHE=str(work / "gocache"), GOMODCACHE=str(work / "gomod"), GOPATH=str(work / "gopath"))
    out = work / "composecheck"
    proc = subprocess.run(
        [GO, "build", "-o", str(out), "."], cwd=TOOL, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stderr
    return str(out)


def _run(tool: str, env_file) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}  # no stray variables from this shell
    return subprocess.run(
        [tool, "-f", str(COMPOSE_FILE), "-e", str(env_file)],
        capture_output=True,
        text=True,
        env=clean_env,
        timeout=120,
    )


def _write_env(path, env: dict[str, str]):
    path.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    return path


def test_compose_go_loads_the_file(composecheck, tmp_path):
    proc = _run(composecheck, _write_env(tmp_path / "filled.env", filled_env()))
    assert proc.returncode == 0, proc.stderr
    services = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("service ")]
    assert len(services) == 15 and "airflow-worker" in services
    assert all("healthcheck=true" in line for line in proc.stdout.splitlines() if line.startswith("service "))


def test_compose_go_stops_on_a_missing_secret(composecheck, tmp_path):
    env = filled_env()
    env["OPENSEARCH_ADMIN_PASSWORD"] = ""
    proc = _run(composecheck, _write_env(tmp_path / "missing.env", env))
    assert proc.returncode == 1
    assert "required variable OPENSEARCH_ADMIN_PASSWORD is missing" in proc.stderr
