#!/usr/bin/env bash
# Regenerate the hashed lock files from the top-level pins, then sync the project venv.
# Usage: bash scripts/lock.sh   (needs uv; scripts/setup.sh installs it)
set -euo pipefail
cd "$(dirname "$0")/.."
UV="${UV:-.newsingest/tools/bin/uv}"
[ -x "$UV" ] || UV=uv
for req in requirements requirements-deploy requirements-dev requirements-bench requirements-tools; do
  [ -f "$req.txt" ] || continue
  "$UV" pip compile "$req.txt" --python-version 3.11 --generate-hashes --quiet \
    --no-header --emit-index-url --output-file "$req.lock"
done
if [ -d .venv ]; then
  VIRTUAL_ENV=.venv "$UV" pip install --quiet --require-hashes -r requirements-dev.lock
fi
