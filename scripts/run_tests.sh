#!/usr/bin/env bash
# The whole suite: lint, then pytest on SQLite, on a throwaway PostgreSQL 15
# cluster, and the browser tests in Debian's Chromium. Where PostgreSQL, Chromium
# or Java (for the Nu Html Checker) can't be had, says so in one line and goes on; with
# MIKROGRANTY_REQUIRE_ALL_SUITES=1 (set by .ci/run) that is a failure.
set -u
cd "$(dirname "$0")/.."
VENV=.venv
REQUIRE_ALL="${MIKROGRANTY_REQUIRE_ALL_SUITES:-0}"
RESULTS=var/test-results
# pg_throwaway_install/start/stop, PG_VERSION, PG_BIN and PG_URL.
. scripts/pg_throwaway.sh
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.xml
status=0

is_root() { [ "$(id -u)" = "0" ]; }

skip_or_fail() {
  echo "NOT RUN: $1"
  if [ "$REQUIRE_ALL" = "1" ]; then
    echo "  (MIKROGRANTY_REQUIRE_ALL_SUITES=1: every suite must run, so this is a failure)"
    status=1
  fi
}

# The tests read PDFs back with poppler's pdftotext/pdfinfo/pdffonts.
if ! command -v pdfinfo >/dev/null 2>&1 && is_root && command -v apt-get >/dev/null 2>&1; then
  echo "Installing poppler-utils (Debian package)…"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null 2>&1
fi
command -v pdfinfo >/dev/null 2>&1 || echo "poppler-utils is missing (apt-get install poppler-utils): PDF tests will fail."

# The Nu Html Checker (npm package vnu-jar) checks the pages' HTML, in the SQLite suite
# (tests/test_html_valid.py) and on every page the browser tests visit; it runs on Java.
if ! command -v java >/dev/null 2>&1 && is_root && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Java (Debian package default-jre-headless)…"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null 2>&1
fi
command -v java >/dev/null 2>&1 || echo "Java is missing (apt-get install default-jre-headless): the HTML checks can't run."
# The test tools from npm (package.json): axe-core and vnu-jar. No install scripts: vnu-jar's
# would download a Java of its own, and Debian's is used instead.
if { [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; } \
  && command -v npm >/dev/null 2>&1; then
  npm ci --ignore-scripts --no-audit --no-fund --silent >/dev/null 2>&1 \
    || npm install --ignore-scripts --no-audit --no-fund --silent >/dev/null 2>&1
fi

echo "== ruff"
"$VENV/bin/ruff" check . || status=1

echo "== import contracts (import-linter, [tool.importlinter] in pyproject.toml)"
"$VENV/bin/lint-imports" --no-cache --no-logo || status=1

# The SQLite and PostgreSQL suites run side by side (a machine with two cores
# does both in the time of the slower); each has its own temporary folder, and
# the PostgreSQL suite's output is printed once it is done.
pg_pid=""
pg_log="$RESULTS/postgresql.log"
if pg_throwaway_install; then
  if pg_throwaway_start; then
    trap pg_throwaway_stop EXIT
    echo "== pytest on PostgreSQL $PG_VERSION (started; its output follows the SQLite suite's)"
    DATABASE_URL="$PG_URL" \
      "$VENV/bin/pytest" --ignore=tests/e2e -q -p no:cacheprovider --basetemp=var/pytest-postgresql \
      --junitxml="$RESULTS/postgresql.xml" >"$pg_log" 2>&1 &
    pg_pid=$!
  else
    skip_or_fail "PostgreSQL suite — the throwaway cluster did not start (see above)."
  fi
else
  skip_or_fail "PostgreSQL suite — $PG_BIN not found and it can't be installed here (run as root with apt-get, or apt-get install postgresql-$PG_VERSION)."
fi

# The browser suite runs beside them too: on two cores the three finish in about the time
# the two database suites alone would take one after the other (its output follows).
browser_pid=""
browser_log="$RESULTS/browser.log"
echo "== browser tests (Playwright + Chromium + axe-core; started, output follows)"
if [ ! -x /usr/bin/chromium ] && is_root && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium (Debian package)…"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1
fi
if [ ! -x /usr/bin/chromium ]; then
  skip_or_fail "browser suite — /usr/bin/chromium not found (apt-get install chromium)."
elif [ ! -f node_modules/axe-core/axe.min.js ]; then
  skip_or_fail "browser suite — axe-core not installed (needs npm: npm ci)."
elif ! command -v java >/dev/null 2>&1 || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  skip_or_fail "browser suite — the Nu Html Checker needs Java and vnu-jar (apt-get install default-jre-headless; npm ci)."
else
  env -u DATABASE_URL "$VENV/bin/pytest" tests/e2e -q -p no:cacheprovider --basetemp=var/pytest-browser \
    --junitxml="$RESULTS/browser.xml" >"$browser_log" 2>&1 &
  browser_pid=$!
fi

echo "== pytest on SQLite"
env -u DATABASE_URL "$VENV/bin/pytest" --ignore=tests/e2e -q -p no:cacheprovider --basetemp=var/pytest-sqlite \
  --junitxml="$RESULTS/sqlite.xml" || status=1

if [ -n "$pg_pid" ]; then
  wait "$pg_pid" || status=1
  echo "== pytest on PostgreSQL $PG_VERSION"
  cat "$pg_log"
  pg_throwaway_stop
  trap - EXIT
fi

if [ -n "$browser_pid" ]; then
  wait "$browser_pid" || status=1
  echo "== browser tests (Playwright + Chromium + axe-core)"
  cat "$browser_log"
fi

"$VENV/bin/python" scripts/summarise_junit.py "$RESULTS"/*.xml
exit $status
