#!/usr/bin/env bash
# README command 2 (and what CI runs): install the test environment, lint, run the whole test suite
# against the real services (the tests start the OpenSearch node, the sample site and Airflow).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo; echo "==> ruff"
.venv/bin/ruff check .
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
