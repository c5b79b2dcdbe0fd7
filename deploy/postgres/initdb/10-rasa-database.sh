#!/bin/sh
# The postgres image runs this once, when it makes a new cluster (an empty pgdata volume), after it
# has made the API's database (POSTGRES_DB, owned by POSTGRES_USER): it adds Rasa's tracker store
# database RASA_DB_NAME, owned by RASA_DB_USER with RASA_DB_PASSWORD. The two never share tables
# or a login. A password changed later in .env needs `ALTER ROLE ... PASSWORD ...` by hand.
set -e
for name in POSTGRES_USER POSTGRES_DB RASA_DB_NAME RASA_DB_USER RASA_DB_PASSWORD; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || { echo "10-rasa-database.sh: set $name" >&2; exit 1; }
done
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$RASA_DB_NAME" -v owner="$RASA_DB_USER" -v password="$RASA_DB_PASSWORD" \
  -f "${INITDB_DIR:-/docker-entrypoint-initdb.d}/create-database.psql"
