#!/usr/bin/env bash
# The production topology of docker-compose.yml without Docker (`make run-scaled`), on this machine:
#
#   nginx (deploy/nginx/meldpunt.conf.template, rendered by scripts/render_nginx.py) on :8080
#    ├─ /webhooks/chat/webhook -> Rasa on :5005 and :5006, round robin
#    └─ /chat/ /static/ /review/ /api/ /healthz -> the API on :8000
#   Rasa: deploy/rasa/endpoints.yml, the tracker store in PostgreSQL (database rasa_scaled), the lock
#         store in Redis (db 1); the action server on :5055, its outbox in var/data/scaled/
#   API: PostgreSQL (database meldpunt_scaled), migrated with alembic before it starts
#
# It uses the PostgreSQL and Redis servers on their standard ports (make the databases and their
# owners when missing), and Debian's nginx; `make run-scaled` makes sure all three are there.
# Logs in var/log/scaled/, pid files in var/run/scaled/. A Rasa server that stops is started again
# (as compose's `restart: unless-stopped` does) while nginx sends its conversations to the others;
# any other process stopping stops everything. Ctrl-C stops everything.
#
# Ports, databases and servers can be changed with SCALED_* variables (see the defaults below).
# Secrets (the service token, the API's keys, RASA_TOKEN) come from the environment (.env).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=${RASA_TELEMETRY_ENABLED:-false} TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

HTTP_HOST=${SCALED_HTTP_HOST:-127.0.0.1}
HTTP_PORT=${SCALED_HTTP_PORT:-8080}
read -r -a RASA_PORTS <<<"${SCALED_RASA_PORTS:-5005 5006}"
ACTIONS_PORT=${SCALED_ACTIONS_PORT:-5055}
API_PORT=${SCALED_API_PORT:-8000}
PG_HOST=${SCALED_PG_HOST:-127.0.0.1}
PG_PORT=${SCALED_PG_PORT:-5432}
# A role that may create roles and databases; the machines' PostgreSQL trusts local logins.
PG_ADMIN_URL=${SCALED_PG_ADMIN_URL:-postgresql://postgres@$PG_HOST:$PG_PORT/postgres}
API_DB=${SCALED_API_DB:-meldpunt_scaled}
API_DB_USER=${SCALED_API_DB_USER:-meldpunt}
API_DB_PASSWORD=${SCALED_API_DB_PASSWORD:-}
RASA_DB=${SCALED_RASA_DB:-rasa_scaled}
RASA_DB_ROLE=${SCALED_RASA_DB_USER:-rasa}
RASA_DB_SECRET=${SCALED_RASA_DB_PASSWORD:-}
REDIS_HOST=${SCALED_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${SCALED_REDIS_PORT:-6379}
REDIS_DB=${SCALED_REDIS_DB:-1}
REDIS_SECRET=${SCALED_REDIS_PASSWORD:-}
MODEL=${SCALED_MODEL:-models/meldpunt.tar.gz}

LOGS=${SCALED_LOG_DIR:-var/log/scaled}
RUN=${SCALED_RUN_DIR:-var/run/scaled}
DATA=${SCALED_DATA_DIR:-var/data/scaled}
mkdir -p "$LOGS" "$RUN" "$DATA"
LOGS=$(cd "$LOGS" && pwd) RUN=$(cd "$RUN" && pwd) DATA=$(cd "$DATA" && pwd)

fail() { echo "run-scaled: $*" >&2; exit 1; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

[ -f "$MODEL" ] || fail "no model at $MODEL: run make train"
[ ${#RASA_PORTS[@]} -ge 1 ] || fail "SCALED_RASA_PORTS names no port"
for port in "$HTTP_PORT" "${RASA_PORTS[@]}" "$ACTIONS_PORT" "$API_PORT"; do
  port_taken "$port" && fail "port $port is taken (another make run or run-scaled?); set SCALED_*_PORT"
done
pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || fail "PostgreSQL does not answer at $PG_HOST:$PG_PORT (make postgres)"
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG \
  || fail "Redis does not answer at $REDIS_HOST:$REDIS_PORT (scripts/ensure-redis.sh)"
command -v nginx >/dev/null || fail "nginx is missing (scripts/ensure-nginx.sh)"

url() {  # user password database
  echo "postgresql://$1${2:+:$2}@$PG_HOST:$PG_PORT/$3"
}
echo ">> PostgreSQL: the API's database $API_DB and Rasa's $RASA_DB (made when missing)"
for spec in "$API_DB $API_DB_USER $API_DB_PASSWORD" "$RASA_DB $RASA_DB_ROLE $RASA_DB_SECRET"; do
  read -r db owner password <<<"$spec"
  psql "$PG_ADMIN_URL" -q -v ON_ERROR_STOP=1 --no-psqlrc -v db="$db" -v owner="$owner" \
    -v password="${password:-}" -f deploy/postgres/initdb/create-database.psql >/dev/null
done
export DATABASE_URL
DATABASE_URL=$(url "$API_DB_USER" "$API_DB_PASSWORD" "$API_DB")
echo ">> Migrating the API's database (alembic upgrade head)"
.venv-api/bin/alembic -c api/alembic.ini upgrade head >"$LOGS/migrate.log" 2>&1 \
  || { tail -n 20 "$LOGS/migrate.log" >&2; fail "the migration failed; see $LOGS/migrate.log"; }

# What deploy/rasa/endpoints.yml reads, as docker-compose.yml sets it for its Rasa services.
export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTIONS_PORT/webhook"
export RASA_DB_HOST=$PG_HOST RASA_DB_PORT=$PG_PORT RASA_DB_NAME=$RASA_DB RASA_DB_USER=$RASA_DB_ROLE
export RASA_DB_PASSWORD=$RASA_DB_SECRET
export RASA_REDIS_HOST=$REDIS_HOST RASA_REDIS_PORT=$REDIS_PORT RASA_REDIS_DB=$REDIS_DB
export RASA_REDIS_PASSWORD=$REDIS_SECRET
export SQL_POOL_SIZE=${SQL_POOL_SIZE:-10} SQL_MAX_OVERFLOW=${SQL_MAX_OVERFLOW:-10}
export TICKET_LOCK_LIFETIME=${TICKET_LOCK_LIFETIME:-20}
# The action server and the API.
export MELDPUNT_API_URL="http://127.0.0.1:$API_PORT"
export HANDOVER_OUTBOX_PATH=$DATA/outbox.db
export MELDPUNT_ASSISTANT_URL="http://$HTTP_HOST:$HTTP_PORT"

echo ">> nginx config from deploy/nginx/meldpunt.conf.template"
rasa_args=()
for port in "${RASA_PORTS[@]}"; do rasa_args+=(--rasa "127.0.0.1:$port"); done
nginx_conf=$(.venv-api/bin/python scripts/render_nginx.py --out "$RUN/nginx" \
  --listen "$HTTP_HOST:$HTTP_PORT" "${rasa_args[@]}" --api "127.0.0.1:$API_PORT" \
  --access-log "$LOGS/nginx-access.log" --error-log "$LOGS/nginx-error.log")
nginx_cmd=(nginx -p "$RUN/nginx" -c "$nginx_conf" -e "$LOGS/nginx-error.log")
"${nginx_cmd[@]}" -t -q || fail "nginx -t refused $nginx_conf"

declare -A names=()  # pid -> name
start() {  # name command...
  local name=$1
  shift
  echo "=== $(date -Is) $name starts" >>"$LOGS/$name.log"
  "$@" >>"$LOGS/$name.log" 2>&1 &
  names[$!]=$name
  echo $! >"$RUN/$name.pid"
}
start_rasa() {  # port
  local auth=()
  [ -n "${RASA_TOKEN:-}" ] && auth=(--auth-token "$RASA_TOKEN")
  start "rasa-$1" .venv-bot/bin/rasa run --model "$MODEL" --endpoints deploy/rasa/endpoints.yml \
    --credentials bot/credentials.yml --interface 127.0.0.1 --port "$1" --enable-api "${auth[@]}"
}

stopping=0
stop() {
  trap - INT TERM EXIT
  stopping=1
  echo ""
  echo "Stopping..."
  kill "${!names[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -f "$RUN"/*.pid
}
trap stop INT TERM EXIT
echo $$ >"$RUN/run-scaled.pid"

start actions .venv-bot/bin/python -m actions.server --actions actions --port "$ACTIONS_PORT"
start api .venv-api/bin/uvicorn api.asgi:app --host 127.0.0.1 --port "$API_PORT" --proxy-headers \
  --no-access-log
for port in "${RASA_PORTS[@]}"; do start_rasa "$port"; done
start nginx "${nginx_cmd[@]}" -g "daemon off;"

wait_for() {  # name url
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$2" 2>/dev/null; then echo "  $1 is up"; return 0; fi
    for pid in "${!names[@]}"; do
      kill -0 "$pid" 2>/dev/null || fail "${names[$pid]} stopped while starting; see $LOGS/${names[$pid]}.log"
    done
    sleep 1
  done
  fail "$1 did not start within 5 minutes; see $LOGS/"
}
echo ">> Starting the action server, the API, ${#RASA_PORTS[@]} Rasa servers and nginx (logs in $LOGS/)"
wait_for "Action server" "http://127.0.0.1:$ACTIONS_PORT/health"
wait_for "Meldpunt API" "http://127.0.0.1:$API_PORT/healthz"
for port in "${RASA_PORTS[@]}"; do wait_for "Rasa on :$port" "http://127.0.0.1:$port/webhooks/chat/"; done
wait_for "nginx" "http://$HTTP_HOST:$HTTP_PORT/nginx-health"
wait_for "The chat through nginx" "http://$HTTP_HOST:$HTTP_PORT/chat/"

rasa_list=$(printf ':%s ' "${RASA_PORTS[@]}")
cat <<INFO

Front (nginx):     http://$HTTP_HOST:$HTTP_PORT/   the only address people need
  chat page:       http://$HTTP_HOST:$HTTP_PORT/chat/   (review pages: /review/, API: /api/v1/docs)
  chat messages:   http://$HTTP_HOST:$HTTP_PORT/webhooks/chat/webhook -> Rasa ${rasa_list}(round robin)
Rasa servers:      $(for p in "${RASA_PORTS[@]}"; do printf 'http://127.0.0.1:%s  ' "$p"; done)(HTTP API: ?token=\$RASA_TOKEN)
  tracker store:   $(url "$RASA_DB_ROLE" "" "$RASA_DB") (table events)
  lock store:      redis://$REDIS_HOST:$REDIS_PORT/$REDIS_DB (keys meldpunt:lock:*)
Action server:     http://127.0.0.1:$ACTIONS_PORT/webhook (outbox: $HANDOVER_OUTBOX_PATH)
Meldpunt API:      http://127.0.0.1:$API_PORT on $(url "$API_DB_USER" "" "$API_DB")
Logs:              $LOGS/ (nginx-access.log: which Rasa answered each message; no client addresses)
Pid files:         $RUN/*.pid (run-scaled.pid: this script; TERM stops everything)

Try:  curl -s http://$HTTP_HOST:$HTTP_PORT/webhooks/chat/webhook -H 'Content-Type: application/json' \\
        -d '{"sender": "try-conversation-0001", "message": "hallo"}'
A Rasa server that stops is started again; Ctrl-C stops everything.
INFO

# Supervise: a Rasa server that stops is started again; anything else stopping ends the run.
while true; do
  status=0
  died=""
  wait -n -p died "${!names[@]}" || status=$?
  [ "$stopping" = 1 ] && exit 0
  [ -n "$died" ] || continue
  name=${names[$died]}
  unset "names[$died]"
  # On Ctrl-C every process gets the signal: one may stop before this script runs its trap.
  sleep 1 || true
  [ "$stopping" = 1 ] && exit 0
  if [[ $name == rasa-* ]]; then
    port=${name#rasa-}
    echo "$(date +%T) $name stopped (exit $status); nginx sends its messages to the other servers; starting it again"
    start_rasa "$port"
  else
    echo "$name stopped (exit $status); see $LOGS/$name.log" >&2
    exit 1
  fi
done
