#!/usr/bin/env bash
# The production server in one command: granian (config/server.py) with the production profile
# (config/settings/production.py). Needs the production environment: SECRET_KEY, ALLOWED_HOSTS,
# DATABASE_URL, … (docs/dev/setup.md, section Production; deploy/township.env.example).
#   1. manage.py check --deploy (prints what is not production-ready; stops on errors);
#   2. migrate (SERVE_MIGRATE=false to skip, e.g. when a release step runs it);
#   3. collectstatic when the collected files are missing or older than static/ or the npm packages;
#   4. exec granian on WEB_BIND (default 127.0.0.1:8000) with WEB_WORKERS processes (default: one per core).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.production}"

"$PY" manage.py check --deploy
if [ "${SERVE_MIGRATE:-true}" = true ]; then
  "$PY" manage.py migrate --noinput
fi

static_root="${STATIC_ROOT:-staticfiles}"
manifest="$static_root/staticfiles.json"
if [ ! -f "$manifest" ] || [ -n "$(find static node_modules/.township-lock.sha256 -newer "$manifest" -print -quit 2>/dev/null)" ]; then
  echo "[serve] collecting static files into $static_root"
  "$PY" manage.py collectstatic --noinput -v0
fi

echo "[serve] granian on ${WEB_BIND:-127.0.0.1:8000} (${DJANGO_SETTINGS_MODULE})"
exec "$PY" -m config.server
