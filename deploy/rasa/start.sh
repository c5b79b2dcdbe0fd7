#!/bin/sh
# Starts one Rasa server of the compose stack (bot/Dockerfile's entry point). Its HTTP API is on,
# for operators and the load test, and needs RASA_TOKEN; nginx never routes to it.
set -e
if [ -z "${RASA_TOKEN:-}" ]; then
  echo "RASA_TOKEN is not set: Rasa's HTTP API would be open. Set it in .env (make env does)." >&2
  exit 2
fi
exec rasa run --model /app/models/meldpunt.tar.gz --endpoints /app/deploy/rasa/endpoints.yml \
  --credentials /app/bot/credentials.yml --port 5005 --enable-api --auth-token "$RASA_TOKEN" "$@"
