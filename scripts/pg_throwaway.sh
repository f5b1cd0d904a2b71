#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1, for the test suite and the load test.
#
# Source it for the functions (scripts/run_tests.sh does):
#   . scripts/pg_throwaway.sh
#   pg_throwaway_install || echo "no PostgreSQL here"
#   pg_throwaway_start [database] && trap pg_throwaway_stop EXIT   # sets PG_URL
#   ... DATABASE_URL="$PG_URL" something ...
#   pg_throwaway_stop
# or run one command against a fresh cluster and database (the Makefile's loadtest does):
#   bash scripts/pg_throwaway.sh run mikrogranty_loadtest -- .venv/bin/python scripts/loadtest.py
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
# The port is MIKROGRANTY_PG_PORT, or a free one. Durability is switched off (fsync,
# synchronous_commit, full_page_writes): the cluster is deleted afterwards anyway.

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
PGTMP=""
PG_URL=""

_pg_is_root() { [ "$(id -u)" = "0" ]; }

# Installs Debian's postgresql-15 if it is missing and we may (root with apt-get).
# Returns non-zero when PostgreSQL still can't be had.
pg_throwaway_install() {
  if [ ! -x "$PG_BIN/initdb" ] && _pg_is_root && command -v apt-get >/dev/null 2>&1; then
    echo "Installing PostgreSQL $PG_VERSION (Debian package)…"
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_VERSION" >/dev/null 2>&1
  fi
  [ -x "$PG_BIN/initdb" ]
}

_pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

_pg_run() {
  if _pg_is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Starts a cluster in a new temporary folder; with a database name, creates that database.
# Sets PG_URL to postgres://postgres@127.0.0.1:<port>/<database, default mikrogranty>.
pg_throwaway_start() {
  local database="${1:-mikrogranty}"
  local port="${MIKROGRANTY_PG_PORT:-$(_pg_free_port)}"
  PGTMP="$(mktemp -d /tmp/mikrogranty-pg.XXXXXX)"
  if _pg_is_root; then
    chown postgres "$PGTMP"
  fi
  if _pg_run "$PG_BIN/initdb" -D "$PGTMP/data" -A trust -U postgres >"$PGTMP/initdb.log" 2>&1 &&
     _pg_run "$PG_BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
       -o "-p $port -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
       start >/dev/null; then
    PG_URL="postgres://postgres@127.0.0.1:$port/$database"
    if [ -n "${1:-}" ]; then
      "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database" || { pg_throwaway_stop; return 1; }
    fi
    return 0
  fi
  cat "$PGTMP/initdb.log" "$PGTMP/log" 2>/dev/null | tail -20
  pg_throwaway_stop
  return 1
}

# Stops the cluster and deletes its folder; safe to call twice.
pg_throwaway_stop() {
  if [ -n "$PGTMP" ] && [ -d "$PGTMP" ]; then
    _pg_run "$PG_BIN/pg_ctl" -D "$PGTMP/data" -w -m fast stop >/dev/null 2>&1
    rm -rf "$PGTMP"
  fi
  PGTMP=""
}

# bash scripts/pg_throwaway.sh run <database> -- <command…>
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -u
  if [ "${1:-}" != "run" ] || [ "${3:-}" != "--" ] || [ $# -lt 4 ]; then
    echo "usage: $0 run <database> -- <command…>" >&2
    exit 2
  fi
  database="$2"
  shift 3
  if ! pg_throwaway_install; then
    echo "PostgreSQL $PG_VERSION is not installed ($PG_BIN) and can't be installed here (run as root with apt-get, or apt-get install postgresql-$PG_VERSION)." >&2
    exit 1
  fi
  pg_throwaway_start "$database" || { echo "The throwaway PostgreSQL cluster did not start (see above)." >&2; exit 1; }
  trap pg_throwaway_stop EXIT
  trap 'exit 130' INT TERM
  DATABASE_URL="$PG_URL" "$@"
  exit $?
fi
