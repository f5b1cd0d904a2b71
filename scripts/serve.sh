#!/usr/bin/env bash
# Serves Mikrogranty for development: the task worker (e-mail, PDFs, and the
# hourly housekeeping that prunes old task results) in the background, the web
# server in the foreground. Ctrl+C stops both.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
"$PY" manage.py worker &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null' EXIT INT TERM
echo "Mikrogranty: http://$HOST:$PORT/  (demo accounts: see README.md, password mikrogranty-demo)"
"$PY" manage.py runserver "$HOST:$PORT"
