#!/usr/bin/env bash
# Starts the action server, the Rasa server and the API, prints where each listens, and stops all
# three when interrupted (Ctrl-C) or when one of them exits. Called by `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
API_HOST=${API_HOST:-127.0.0.1}
API_PORT=${API_PORT:-8000}
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}
# The chat page (served by the API) relays to this assistant.
export MELDPUNT_ASSISTANT_URL=${MELDPUNT_ASSISTANT_URL:-http://127.0.0.1:$RASA_PORT}
mkdir -p var/log

pids=()
stop() {
  trap - INT TERM EXIT
  echo ""
  echo "Stopping..."
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv-bot/bin/python -m actions.server --actions actions --port "$ACTIONS_PORT" >var/log/actions.log 2>&1 &
pids+=($!)
rasa_auth=()
[ -n "${RASA_TOKEN:-}" ] && rasa_auth=(--auth-token "$RASA_TOKEN")
.venv-bot/bin/rasa run --model models/meldpunt.tar.gz --enable-api "${rasa_auth[@]}" \
  --endpoints bot/endpoints.yml --credentials bot/credentials.yml --port "$RASA_PORT" \
  --interface 127.0.0.1 >var/log/rasa.log 2>&1 &
pids+=($!)
.venv-api/bin/uvicorn api.asgi:app --host "$API_HOST" --port "$API_PORT" --proxy-headers \
  --no-access-log >var/log/api.log 2>&1 &
pids+=($!)

wait_for() {  # name url
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "$2" 2>/dev/null; then echo "  $1 is up"; return 0; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "A process stopped while starting; see var/log/" >&2; exit 1; }
    done
    sleep 1
  done
  echo "$1 did not start within 3 minutes; see var/log/" >&2
  exit 1
}
echo "Starting the action server, the assistant and the API (logs in var/log/)..."
wait_for "Action server" "http://127.0.0.1:$ACTIONS_PORT/health"
wait_for "Meldpunt API" "http://$API_HOST:$API_PORT/healthz"
wait_for "Assistant" "http://127.0.0.1:$RASA_PORT/"
cat <<INFO

Chat page:         http://$API_HOST:$API_PORT/chat/   (widget on a page: http://$API_HOST:$API_PORT/chat/demo)
Review pages:      http://$API_HOST:$API_PORT/review/ (staff; make an account with the line below)
Assistant (REST):  http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook
Rasa HTTP API:     http://127.0.0.1:$RASA_PORT/  $([ -n "${RASA_TOKEN:-}" ] && echo "(token: RASA_TOKEN)")
Action server:     http://127.0.0.1:$ACTIONS_PORT/webhook
Meldpunt API:      http://$API_HOST:$API_PORT/api/v1   (docs: /api/v1/docs)
Staff account:     make staff EMAIL=you@example.org ROLE=admin

Try:  curl -s -X POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook -d '{"sender": "demo", "message": "hoi"}'
Ctrl-C stops everything.
INFO
wait -n "${pids[@]}"
echo "One of the processes stopped; see var/log/" >&2
