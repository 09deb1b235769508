#!/usr/bin/env bash
# README command 2 (and what CI runs): install the test environment, lint, type-check, run the whole test suite
# against the real services (the tests start the OpenSearch node, the sample site and Airflow).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev

# System packages the tests drive for real (setup.sh above already installed Debian's PostgreSQL where
# missing, for Airflow's metadata database): Debian's Chromium (the browser test; Playwright's own browser
# download is not used), nginx (the TLS + basic-auth proxy in front of OpenSearch in the security tests) and
# redis-server (the broker of `newsingest cluster`, in its rehearsal test).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || command -v postgres >/dev/null || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  echo; echo "==> installing ${missing[*]} (Debian packages)"
  SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
echo; echo "==> ruff"
.venv/bin/ruff check .
echo; echo "==> mypy"
.venv/bin/mypy  # files and settings: pyproject.toml [tool.mypy]
echo; echo "==> pytest"
set +e
.venv/bin/pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit "$rc"
