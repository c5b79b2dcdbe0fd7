#!/usr/bin/env bash
# The whole test suite with the wall clock moved (make test-moved-clock): proves that no test
# depends on the day it runs. Every process the suite starts (pytest, uvicorn, Rasa, the action
# server, Chromium, nginx) tells the time of day from the moved clock, through a small LD_PRELOAD
# library (scripts/moved_clock/wallclock.c, built here with gcc; its header says why not
# libfaketime). The clock moves by a fixed offset, so it runs on and every process agrees;
# monotonic time, sleeps and waits are untouched. The PostgreSQL and Redis servers that were
# already running keep the real time: the code asks them for no time of day.
#
#   MOVED_CLOCK=+1y                   a year ahead (the default); also -1y, +90d, -30d
#   MOVED_CLOCK="2028-02-29 12:00"   from that moment (UTC) on, e.g. a leap day
set -euo pipefail
cd "$(dirname "$0")/.."
moved="${MOVED_CLOCK:-+1y}"

if ! command -v gcc >/dev/null; then
  echo "gcc is missing; installing Debian's gcc and libc6-dev..."
  [ "$(id -u)" = 0 ] || { echo "need root: run 'apt-get install gcc libc6-dev' as root" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null
fi
mkdir -p var
library="$PWD/var/wallclock.so"
gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$library" scripts/moved_clock/wallclock.c -ldl

echo ">> Setting up with the real clock (packages, model, browser)"
make --no-print-directory setup-api setup-bot train postgres redis nginx docker-compose chromium axe

# The offset is taken after the setup, which can take long on a new machine.
now=$(date -u +%s)
case "$moved" in
  [+-]*y) target=$(date -u -d "$(date -u -d "@$now" '+%F %T') UTC ${moved%y} year" +%s) ;;
  [+-]*d) target=$(( now + ${moved%d} * 86400 )) ;;
  *) target=$(date -u -d "$moved" +%s) ;;
esac
export MOVED_CLOCK_OFFSET=$(( target - now ))

echo ">> The tests with the clock at $(date -u -d "@$target" '+%F %T') UTC (moved ${MOVED_CLOCK_OFFSET} s)"
# The move must take, or this proves nothing: the tests' Python must see it.
seen=$(LD_PRELOAD="$library" .venv-api/bin/python -c 'import time; print(int(time.time()))')
[ $(( seen - target )) -lt 60 ] && [ $(( target - seen )) -lt 60 ] || { echo "the clock did not move" >&2; exit 1; }
echo "   date(1) says: $(LD_PRELOAD="$library" date -u '+%F %T')"
LD_PRELOAD="$library" exec make --no-print-directory lint test-api test-bot test-web test-deploy
