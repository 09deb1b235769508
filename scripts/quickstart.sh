#!/usr/bin/env bash
# README command 1: set everything up, start OpenSearch and the sample site, run the news_ingest DAG
# for the sample site's days, and search the result with facets.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/newsingest demo "$@"
