#!/usr/bin/env bash
# One-shot Airflow setup, run by the airflow-init service AFTER the image's entrypoint has migrated the
# metadata database and created the admin user (_AIRFLOW_DB_MIGRATE / _AIRFLOW_WWW_USER_CREATE).
# Idempotent: pools are set (created or resized), the connection is imported with --overwrite.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

echo "airflow-init: pools"
airflow pools set crawl "${NEWSINGEST_CRAWL_POOL_SLOTS:-4}" \
  "newsingest fetch tasks: caps concurrent crawling across all runs (per-host limits apply inside)"

echo "airflow-init: connection opensearch_default"
conn_file="$(mktemp --suffix=.json)"  # `connections import` goes by the extension
trap 'rm -f "$conn_file"' EXIT
python "$here/opensearch_connection.py" "$conn_file"
airflow connections import --overwrite "$conn_file"

echo "airflow-init: done"
