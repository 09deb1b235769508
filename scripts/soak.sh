#!/usr/bin/env bash
# Soak run: the pipeline stages over the sample site's bulk articles, batch after batch, reporting
# throughput over time and peak memory per stage; exits 1 if memory keeps growing.
# Usage: bash scripts/soak.sh [--articles 20000] [--batch-size 1000] [--no-load] [--json-out report.json]
# Defaults are a quick run (2,000 articles in batches of 500). The load stage needs OpenSearch
# (`newsingest services start`); the index is a throw-away t_soak_* alias dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -c 'from newsingest.bench.cli_soak import soak; soak(prog_name="newsingest bench soak")' "$@"
