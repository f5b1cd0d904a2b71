#!/usr/bin/env bash
# The whole suite: lint, then pytest on SQLite, on a throwaway PostgreSQL 15
# cluster, and the browser tests in Debian's Chromium. Where PostgreSQL or
# Chromium can't be had, says so in one line and goes on; with
# MIKROGRANTY_REQUIRE_ALL_SUITES=1 (set by .ci/run) that is a failure.
set -u
cd "$(dirname "$0")/.."
VENV=.venv
REQUIRE_ALL="${MIKROGRANTY_REQUIRE_ALL_SUITES:-0}"
RESULTS=var/test-results
PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.xml
status=0

skip_or_fail() {
  echo "NOT RUN: $1"
  if [ "$REQUIRE_ALL" = "1" ]; then
    echo "  (MIKROGRANTY_REQUIRE_ALL_SUITES=1: every suite must run, so this is a failure)"
    status=1
  fi
}

is_root() { [ "$(id -u)" = "0" ]; }

echo "== ruff"
"$VENV/bin/ruff" check . || status=1

echo "== pytest on SQLite"
env -u DATABASE_URL "$VENV/bin/pytest" --ignore=tests/e2e -q -p no:cacheprovider \
  --junitxml="$RESULTS/sqlite.xml" || status=1

echo "== pytest on PostgreSQL $PG_VERSION"
if [ ! -x "$PG_BIN/initdb" ] && is_root && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PostgreSQL $PG_VERSION (Debian package)…"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_VERSION" >/dev/null 2>&1
fi
if [ -x "$PG_BIN/initdb" ]; then
  PGTMP="$(mktemp -d /tmp/mikrogranty-pg.XXXXXX)"
  PGPORT="${MIKROGRANTY_PG_PORT:-55433}"
  PG_RUN=()
  if is_root; then
    chown postgres "$PGTMP"
    PG_RUN=(runuser -u postgres --)
  fi
  stop_pg() { "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -w -m fast stop >/dev/null 2>&1; rm -rf "$PGTMP"; }
  trap stop_pg EXIT
  if "${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PGTMP/data" -A trust -U postgres >"$PGTMP/initdb.log" 2>&1 &&
     "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
       -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
       start >/dev/null; then
    DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/mikrogranty" \
      "$VENV/bin/pytest" --ignore=tests/e2e -q -p no:cacheprovider \
      --junitxml="$RESULTS/postgresql.xml" || status=1
  else
    cat "$PGTMP/initdb.log" "$PGTMP/log" 2>/dev/null | tail -20
    skip_or_fail "PostgreSQL suite — the throwaway cluster did not start (see above)."
  fi
  stop_pg
  trap - EXIT
else
  skip_or_fail "PostgreSQL suite — $PG_BIN not found and it can't be installed here (run as root with apt-get, or apt-get install postgresql-$PG_VERSION)."
fi

echo "== browser tests (Playwright + Chromium + axe-core)"
if [ ! -x /usr/bin/chromium ] && is_root && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium (Debian package)…"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1
fi
if [ ! -f node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --silent >/dev/null 2>&1 || npm install --no-audit --no-fund --silent >/dev/null 2>&1
fi
if [ ! -x /usr/bin/chromium ]; then
  skip_or_fail "browser suite — /usr/bin/chromium not found (apt-get install chromium)."
elif [ ! -f node_modules/axe-core/axe.min.js ]; then
  skip_or_fail "browser suite — axe-core not installed (needs npm: npm ci)."
else
  env -u DATABASE_URL "$VENV/bin/pytest" tests/e2e -q -p no:cacheprovider \
    --junitxml="$RESULTS/browser.xml" || status=1
fi

"$VENV/bin/python" scripts/summarise_junit.py "$RESULTS"/*.xml
exit $status
