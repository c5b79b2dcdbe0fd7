#!/usr/bin/env bash
# Make sure the PostgreSQL server of TEST_DATABASE_URL answers. The project's machines run one on
# 127.0.0.1:5432; on a machine without it, install Debian's postgresql, start it, and allow the
# passwordless local test login the URL expects. Never skips: if it cannot, it fails loudly.
set -euo pipefail
url="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"

answers() { pg_isready -q -d "$url" 2>/dev/null && psql "$url" -qAtc 'select 1' >/dev/null 2>&1; }

if command -v pg_isready >/dev/null && answers; then
  exit 0
fi
echo "PostgreSQL at $url does not answer; installing and starting Debian's postgresql..."
if ! command -v pg_ctlcluster >/dev/null; then
  if [ "$(id -u)" != 0 ]; then echo "need root to install postgresql" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -1)
hba=/etc/postgresql/$version/main/pg_hba.conf
# Test machines only: trust local TCP logins, as the project's machines do.
if ! grep -q "meldpunt-test" "$hba"; then
  sed -i '1i host all all 127.0.0.1/32 trust # meldpunt-test\nhost all all ::1/128 trust # meldpunt-test' "$hba"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
  || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
dbname=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).path.lstrip('/') or 'postgres')" "$url")
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='$dbname'\"" | grep -q 1 \
  || su postgres -c "createdb '$dbname'"
answers || { echo "PostgreSQL still does not answer at $url" >&2; exit 1; }
echo "PostgreSQL is up at $url"
