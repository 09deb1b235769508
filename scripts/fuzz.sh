#!/usr/bin/env bash
# Longer coverage-guided fuzz sessions (atheris/libFuzzer) over the parsers that read untrusted input.
# Usage: bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]
#   SECONDS_PER_TARGET  default 300; TARGET in clean feed sitemap canonicalize (default: all four)
#   NEWSINGEST_FUZZ_STRICT=1  also stop on the known findings F1/F2 (see docs/reliability.md)
# The corpus grows under .newsingest/fuzz/<target>/ and is reused by the next session; findings are
# saved as .newsingest/fuzz/findings/<target>-crash-* (or -timeout-*, -oom-*) and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-300}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(clean feed sitemap canonicalize)
PY=.venv/bin/python
"$PY" -c "import atheris" 2>/dev/null || { echo "atheris is not installed: bash scripts/setup.sh --dev" >&2; exit 2; }
FINDINGS=.newsingest/fuzz/findings
mkdir -p "$FINDINGS"
status=0
for target in "${TARGETS[@]}"; do
  corpus=".newsingest/fuzz/$target"
  mkdir -p "$corpus"
  echo "==> $target for ${SECONDS_PER_TARGET}s (corpus $corpus)"
  set +e
  "$PY" tests/fuzz/atheris_harness.py "$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$FINDINGS/$target-" "$corpus" \
    2>&1 | grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+== ERROR|.*Error:|SUMMARY)"
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "    FINDING in $target (exit $rc); inputs in $FINDINGS" >&2
    status=1
  fi
done
exit "$status"
