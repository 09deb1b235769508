#!/usr/bin/env bash
# README command 1: set everything up, start OpenSearch, the sample site and Airflow (with its PostgreSQL),
# backfill the news_ingest DAG over the sample site's days through the scheduler, and search the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/newsingest demo "$@"
