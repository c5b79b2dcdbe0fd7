#!/usr/bin/env bash
# `rasa data validate`, failing on any warning (the issue asks for none).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" RASA_TELEMETRY_ENABLED=false
out=$(.venv-bot/bin/rasa data validate --domain bot/domain --data data --config bot/config.yml \
  --fail-on-warnings 2>&1) || { echo "$out" | grep -vE "Deprecat|declare_namespace|pkg_resources" | tail -15 >&2; echo "rasa data validate failed" >&2; exit 1; }
# Only Rasa's own findings count; deprecation notes of libraries are not about our data.
if echo "$out" | grep -E "UserWarning" | grep -vE "DeprecationWarning|declare_namespace" >&2; then
  echo "rasa data validate printed warnings" >&2
  exit 1
fi
echo "rasa data validate: no warnings"
