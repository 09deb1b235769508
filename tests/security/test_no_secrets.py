"""No secrets in the repository: every tracked (or addable) file is scanned for key material, known token
formats, credentials inside URLs, and literal passwords in configuration files.

Placeholders are fine: ``${VAR}``, ``${VAR:?set}``, ``<...>``, empty values, ``…``. Test code may use
throw-away passwords (it generates its keys at run time); it is still scanned for keys and tokens.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DASHES = "-" * 5
PEM_KEY = re.compile(
    DASHES
    + r"BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)"
    + DASHES
    + r"\s*\n[A-Za-z0-9+/=\s]{40,}"
)
TOKENS = {
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Stripe live key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}\b"),
}
URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@\"'<>]+:([^\s/@\"'<>]+)@[A-Za-z0-9.\-\[\]]+")
CONFIG_SUFFIXES = (".yaml", ".yml", ".env", ".ini", ".conf", ".cfg", ".properties", ".json", ".toml")
CONFIG_ASSIGNMENT = re.compile(
    r"""(?imx)(?:^|[\s"'{,])
    ([A-Za-z0-9_.-]*(?:password|passwd|_secret|secret_access_key|api_key|auth_token))["']?\s*[:=][ \t]*
    ["']?([^\s"',}#]*)"""
)
# ``?msg`` is the tail of ``${VAR:?msg}``; a ``${VAR:-default}`` default is checked as a value.
PLACEHOLDER = re.compile(r"^(?:\$\{.*|\$[A-Z_]+.*|<.*>|\?.*|…|\.\.\.|\*+|null|none|~|true|false|)$", re.I)
KEY_FILES = re.compile(
    r"(?:\.(?:pem|key|p12|pfx|jks|keystore)|(?:^|/)id_(?:rsa|ecdsa|ed25519)|(?:^|/)\.env)$"
)
SKIP = ("include/opensearch/target/", "tests/unit/deploy/data/")


def _repo_files() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout ({exc})")
    return [f for f in out.splitlines() if f and not f.startswith(SKIP) and (REPO / f).is_file()]


def _text(path: str) -> str | None:
    data = (REPO / path).read_bytes()
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def scan(files: list[str]) -> list[str]:
    """Findings as ``path:line: what`` (never the secret itself)."""
    findings: list[str] = []
    for path in files:
        if KEY_FILES.search(path) and not path.endswith(".env.example"):
            findings.append(f"{path}: key or environment file is tracked")
        text = _text(path)
        if text is None:
            continue
        for m in PEM_KEY.finditer(text):
            findings.append(f"{path}:{_line(text, m.start())}: {m.group(1)} block")
        for name, pattern in TOKENS.items():
            for m in pattern.finditer(text):
                findings.append(f"{path}:{_line(text, m.start())}: {name}")
        if path.startswith("tests/"):
            continue  # throw-away test credentials are fine; keys and tokens are not (checked above)
        for m in URL_CREDENTIALS.finditer(text):
            if not PLACEHOLDER.match(m.group(1)):
                findings.append(f"{path}:{_line(text, m.start())}: credentials in a URL")
        if path.endswith(CONFIG_SUFFIXES) or Path(path).name.startswith(
            (".env", "Dockerfile", "docker-compose")
        ):
            for m in CONFIG_ASSIGNMENT.finditer(text):
                value = m.group(2)[1:] if m.group(2).startswith("-") else m.group(2)
                if not PLACEHOLDER.match(value):
                    findings.append(f"{path}:{_line(text, m.start(1))}: literal value for {m.group(1)}")
    return findings


def test_repository_has_no_secrets() -> None:
    files = _repo_files()
    assert len(files) > 50, "the scan found suspiciously few files"
    assert scan(files) == []


def test_the_scanner_finds_planted_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: each rule fires on a planted example (so an empty result above means something)."""
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" * 2
    planted = {
        "a/key.txt": f"{DASHES}BEGIN PRIVATE KEY{DASHES}\n{body}\n{DASHES}END PRIVATE KEY{DASHES}\n",
        "b/conf.yaml": "opensearch:\n  admin_password: Sup3rSecretValue\n  other_password: ${FROM_ENV}\n"
        "  url: redis://:${REDIS_PASSWORD:?set it}@redis/0\n  x: ${DB_PASSWORD:-defaultpw}\n",
        "c/notes.md": "aws AKIA" + "ABCDEFGHIJKLMNOP" + " and https://admin:hunter22@db.example/x\n",
        "d/server.pem": "not even a key, but the name is enough\n",
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setitem(globals(), "REPO", tmp_path)
    found = scan(sorted(planted))
    joined = "\n".join(found)
    for expected in ("PRIVATE KEY block", "literal value for admin_password", "AWS access key id",
                     "credentials in a URL", "d/server.pem: key or environment file"):  # fmt: skip
        assert expected in joined, joined
    assert "literal value for DB_PASSWORD" in joined  # a default inside ${VAR:-...} is a literal
    assert "other_password" not in joined and "REDIS_PASSWORD" not in joined  # placeholders are fine
    assert "Sup3rSecretValue" not in joined and "hunter22" not in joined  # findings never echo the secret


def test_local_env_files_are_ignored_by_git() -> None:
    proc = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO)
    assert proc.returncode == 0, ".env (where operators put real secrets) is not git-ignored"
