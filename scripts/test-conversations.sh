#!/usr/bin/env bash
# Conversation tests (tests/conversations/*.yml) against the trained model: every intent and every
# predicted action must match (`--fail-on-prediction-errors`). Failed stories: var/test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
out=var/test-results
rm -rf "$out"; mkdir -p "$out"
stories=$(ls tests/conversations/*.yml | wc -l)
echo ">> Conversation tests: $(grep -c '  - story:' tests/conversations/*.yml | awk -F: '{s+=$2} END {print s}') stories in $stories files"
if ! .venv-bot/bin/rasa test core --model models/meldpunt.tar.gz --stories tests/conversations \
    --fail-on-prediction-errors --out "$out" >"$out/log.txt" 2>&1; then
  grep -vE "Deprecat|declare_namespace|pkg_resources" "$out/log.txt" | tail -30 >&2
  [ -f "$out/failed_test_stories.yml" ] && cat "$out/failed_test_stories.yml" >&2
  echo "conversation tests failed (see $out/)" >&2
  exit 1
fi
grep -E "Correct:|Accuracy:" "$out/log.txt" | head -4 || true
echo "conversation tests: all stories passed"
