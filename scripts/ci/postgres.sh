#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1:15432 for the scale-out test pair and prints its admin URL;
# `postgres.sh stop` stops it and deletes it. It installs nothing: it uses Debian's binaries
# (/usr/lib/postgresql/<version>/bin, from `apt-get install postgresql`), newest version first.
#
# The cluster is for tests only: trust authentication on loopback, fsync off (a crash loses it, which is fine).
# Environment: CRUMBTRAIL_PG_PORT (default 15432), CRUMBTRAIL_PG_DIR (default ${TMPDIR:-/tmp}/crumbtrail-pg-<port>).
set -euo pipefail

PORT="${CRUMBTRAIL_PG_PORT:-15432}"
DIR="${CRUMBTRAIL_PG_DIR:-${TMPDIR:-/tmp}/crumbtrail-pg-${PORT}}"
DATA="$DIR/data"
LOG="$DIR/postgres.log"
URL="postgres://postgres@127.0.0.1:${PORT}/postgres"

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "postgres.sh: no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install -y postgresql)" >&2
  exit 1
fi

# initdb and postgres refuse to run as root: CI runs as root, so the cluster belongs to the `postgres` OS user
# that Debian's package creates. A developer running as themselves owns it directly.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "postgres.sh: running as root, but there is no 'postgres' OS user to own the cluster" >&2
      exit 1
    fi
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

answers() {
  "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2
}

if [ "${1:-start}" = stop ]; then
  if [ -f "$DATA/PG_VERSION" ]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  exit 0
fi

if answers; then
  # Already up (started earlier, or someone's own server on this port): reuse it.
  echo "$URL"
  exit 0
fi

# Nothing answers: whatever is in $DIR is left over from a crash. Start clean.
if [ -f "$DATA/postmaster.pid" ]; then
  as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$DIR"
mkdir -p "$DIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
chmod 700 "$DIR"

# C locale: sorting by byte value like SQLite, and no dependency on which OS locales are generated.
as_owner "$BIN/initdb" -D "$DATA" --username=postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 || {
  cat "$DIR/initdb.log" >&2
  exit 1
}

OPTIONS="-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR"
OPTIONS="$OPTIONS -c fsync=off -c full_page_writes=off -c max_connections=200"
if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "$OPTIONS" -w -t 60 start >/dev/null; then
  echo "postgres.sh: PostgreSQL did not start; its log:" >&2
  cat "$LOG" >&2 || true
  exit 1
fi

psql_admin() {
  "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@"
}
# A non-superuser role and database, for trying the store the way an installation would run it.
psql_admin -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crumbtrail') THEN CREATE ROLE crumbtrail LOGIN; END IF; END \$\$"
if [ -z "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = 'crumbtrail'")" ]; then
  psql_admin -c "CREATE DATABASE crumbtrail OWNER crumbtrail"
fi

echo "$URL"
