#!/usr/bin/env bash
# Make sure a Redis server answers at REDIS_HOST:REDIS_PORT (default 127.0.0.1:6379), for
# `make run-scaled` (Rasa's lock store). The project's machines run one there; where none answers,
# install Debian's redis-server when missing (needs root) and start it the way these machines do:
# on loopback, keeping nothing on disk (the lock store's locks live seconds). Fails loudly if it cannot.
set -euo pipefail
host=${REDIS_HOST:-127.0.0.1}
port=${REDIS_PORT:-6379}

answers() { redis-cli -h "$host" -p "$port" ping 2>/dev/null | grep -q PONG; }

if command -v redis-cli >/dev/null && answers; then
  exit 0
fi
echo "Redis does not answer at $host:$port; starting Debian's redis-server..."
if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "need root to install redis-server: run 'apt-get install redis-server' as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
if [ "$host" != 127.0.0.1 ] && [ "$host" != localhost ]; then
  echo "Redis at $host:$port is not on this machine; start it there" >&2
  exit 1
fi
dir=/var/lib/redis log=/var/log/redis/ci.log
if [ "$(id -u)" != 0 ]; then dir=${TMPDIR:-/tmp}; log=$dir/redis-$port.log; fi
mkdir -p "$dir" "$(dirname "$log")"
redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
  --dir "$dir" --logfile "$log"
for _ in $(seq 1 20); do answers && break; sleep 0.5; done
answers || { echo "Redis still does not answer at $host:$port (see $log)" >&2; exit 1; }
echo "Redis is up at $host:$port"
