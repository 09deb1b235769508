#!/usr/bin/env bash
# Install what newsingest needs into this checkout; safe to run again (it skips what is current).
#   bash scripts/setup.sh          runtime: venv from requirements.lock, the OpenSearch node
#   bash scripts/setup.sh --dev    also the test tools (requirements-dev.lock)
#   bash scripts/setup.sh --bench  also the benchmark anchors, trafilatura and Scrapy (requirements-bench.lock)
# Needs: Python 3.11+, a JDK 21+ (for OpenSearch 3), Maven. Everything else comes from PyPI and Maven Central,
# except the PostgreSQL server for Airflow's metadata database: Debian's `postgresql` package, installed
# with apt-get when no PostgreSQL server is found (elsewhere: install PostgreSQL 14+ and put it on PATH or
# set NEWSINGEST_POSTGRES_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=${NEWSINGEST_HOME:-$ROOT/.newsingest}
LOCK=requirements.lock
case "${1:-}" in
  --dev) LOCK=requirements-dev.lock ;;
  --bench) LOCK=requirements-bench.lock ;;
  "") ;;
  *) echo "usage: bash scripts/setup.sh [--dev|--bench]" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

step "checking prerequisites"
PY=${NEWSINGEST_PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PY=$(command -v "$cand"); break
    fi
  done
fi
[ -n "$PY" ] || fail "Python 3.11 or newer is needed (set NEWSINGEST_PYTHON to its path)"
command -v mvn >/dev/null || fail "Maven is needed to fetch the OpenSearch jars (Debian/Ubuntu: apt-get install maven)"
JDK_OK=""
for j in "${NEWSINGEST_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$j" ] && [ -x "$j/bin/java" ] || continue
  v=$("$j/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then JDK_OK="$j ($v)"; break; fi
done
[ -n "$JDK_OK" ] || fail "a JDK 21 or newer is needed for OpenSearch 3 (e.g. Temurin 21); set NEWSINGEST_JAVA_HOME"
echo "python: $PY ($("$PY" --version 2>&1)); jdk: $JDK_OK; maven: $(mvn -v 2>/dev/null | head -1)"

step "checking for a PostgreSQL server (Airflow's metadata database)"
pg_found() {
  [ -n "${NEWSINGEST_POSTGRES_BIN:-}" ] && [ -x "$NEWSINGEST_POSTGRES_BIN/postgres" ] && return 0
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && return 0
  command -v postgres >/dev/null
}
if ! pg_found; then
  command -v apt-get >/dev/null || fail "no PostgreSQL server found: install PostgreSQL 14 or newer (initdb, postgres, pg_isready, psql on PATH) or set NEWSINGEST_POSTGRES_BIN"
  echo "installing Debian's postgresql package (apt-get)"
  SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
  # newsingest runs its own cluster under $STATE/postgres; do not create and start a system cluster on 5432.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    $SUDO mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  pg_found || fail "apt-get installed postgresql but no server binaries were found under /usr/lib/postgresql"
fi
echo "postgresql: $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || command -v postgres)"

mkdir -p "$STATE"
export UV_CACHE_DIR=${UV_CACHE_DIR:-$STATE/cache/uv}
step "installing uv (pinned, hashed) into $STATE/tools"
if [ ! -x "$STATE/tools/bin/uv" ]; then
  "$PY" -m venv "$STATE/tools"
  "$STATE/tools/bin/pip" install --quiet --no-cache-dir --require-hashes -r requirements-tools.lock
fi
UV="$STATE/tools/bin/uv"

step "creating .venv from $LOCK"
[ -x .venv/bin/python ] || "$UV" venv --quiet --python "$PY" .venv
VIRTUAL_ENV=$ROOT/.venv "$UV" pip install --quiet --require-hashes -r "$LOCK"
VIRTUAL_ENV=$ROOT/.venv "$UV" pip install --quiet --no-deps -e .
# uv installs sources only; Python would compile them again in every process that cannot write
# __pycache__ (PYTHONDONTWRITEBYTECODE, read-only trees), and every Airflow task is a new process.
# Compiled once here, as pip does at install: about 2.5 CPU-s less per task process (`import airflow.sdk`
# 4.0 -> 1.5 CPU-s). Up-to-date files are skipped, so a second setup takes seconds.
step "compiling bytecode (site-packages, include, plugins, dags)"
.venv/bin/python -m compileall -q -j 0 .venv/lib/python*/site-packages include plugins dags >/dev/null \
  || echo "note: some files did not compile here; Python compiles them when they are imported"

step "building the embedded OpenSearch node (jars from Maven Central)"
.venv/bin/newsingest services build
echo
echo "setup done: .venv/bin/newsingest is ready"
