#!/usr/bin/env bash
# Install, migrate, load the demo town (白沙镇), start the timed-work worker in the background and
# the web server on http://127.0.0.1:8000 (PORT to change it). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
PY=.venv/bin/python
PORT="${PORT:-8000}"
# The demo runs with DEBUG on (runserver then serves the static files itself); the default is off.
# Production: scripts/serve.sh (docs/dev/setup.md, section Production).
export DEBUG="${DEBUG:-true}"

echo "[demo] migrating the database (${DATABASE_URL:-SQLite: township.sqlite3})"
$PY manage.py migrate --noinput
# --keep-demo-passwords: the printed demo passwords keep working (a demo on your own machine). Without it
# (a shared or production-like set-up) every demo account must change its password at first sign-in.
$PY manage.py seed_demo --keep-demo-passwords

worker_pid=""
if $PY manage.py help worker >/dev/null 2>&1; then
  log="${TMPDIR:-/tmp}/township-worker.log"
  $PY manage.py worker >"$log" 2>&1 &
  worker_pid=$!
  echo "[demo] worker running in the background (pid $worker_pid, log $log)"
else
  echo "[demo] no 'worker' command in this version: timed work (deadline warnings) is not running"
fi
cleanup() { if [ -n "$worker_pid" ]; then kill "$worker_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

echo "[demo] open http://127.0.0.1:${PORT}/ and sign in with one of the logins above (Ctrl-C to stop)"
$PY manage.py runserver "127.0.0.1:${PORT}"
