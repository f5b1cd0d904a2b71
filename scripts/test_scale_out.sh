#!/usr/bin/env bash
# `make test-scale-out`: the production profile with its real parts on this machine.
# Installs Debian's redis-server if it is missing (as root with apt-get), then runs
# scripts/scale_out.py inside a throwaway PostgreSQL 15 cluster (scripts/pg_throwaway.sh),
# which starts Redis, the S3-compatible server, two gunicorn processes and two task workers,
# walks through them and stops them all. PostgreSQL's cluster and folder are removed by
# pg_throwaway.sh's trap, the rest by scale_out.py, on failure and on Ctrl+C too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== Installing redis-server (Debian package)…"
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1
  fi
  command -v redis-server >/dev/null 2>&1 || {
    echo "FAIL: test-scale-out: redis-server is not installed (apt-get install redis-server)." >&2
    exit 1
  }
fi
[ -x .venv/bin/moto_server ] || {
  echo "FAIL: test-scale-out: moto_server is missing (make install-dev installs moto[server])." >&2
  exit 1
}
# The Debian service (if the package started one) is not used: the run starts its own.
exec bash scripts/pg_throwaway.sh run mikrogranty_scale_out -- "$PY" scripts/scale_out.py "$@"
