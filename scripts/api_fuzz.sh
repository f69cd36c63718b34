#!/usr/bin/env bash
# Bounded schemathesis pass over the whole OpenAPI document (a step of .ci/run; docs/dev/testing.md).
# Migrates and seeds a throwaway SQLite database with the demo town, then calls every operation in-process
# (WSGI, no server) as the window clerk and as the system administrator, each with a personal API token:
# FUZZ_MAX_EXAMPLES (default 10) deterministic examples per operation and persona, on FUZZ_WORKERS (default 2)
# pytest-xdist workers. Fails on any 5xx, any response whose body does not match its documented schema and any
# undocumented status code (scripts/api_fuzz.py).
#   scripts/api_fuzz.sh                 # the whole document
#   scripts/api_fuzz.sh -k enforcement  # extra arguments go to pytest (here: only operations matching "enforcement")
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
work="$(mktemp -d "${TMPDIR:-/tmp}/township-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

export SQLITE_PATH="$work/fuzz.sqlite3" FUZZ_MEDIA_ROOT="$work/media" DJANGO_SETTINGS_MODULE=config.settings.test
unset DATABASE_URL
echo "[api-fuzz] migrating and seeding $SQLITE_PATH"
"$PY" manage.py migrate -v0
"$PY" manage.py seed_demo --keep-demo-passwords >"$work/seed.log" 2>&1 || { cat "$work/seed.log"; exit 1; }
export FUZZ_MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-10}"
echo "[api-fuzz] schemathesis: $FUZZ_MAX_EXAMPLES examples per operation, as clerk and admin"
# Not the project's pytest set-up (-c /dev/null: no pyproject options): no pytest-django (the database above is
# the app's own), no root conftest.
exec "$PY" -m pytest -c /dev/null --rootdir . -p no:django -p no:cacheprovider --noconftest -q \
  -n "${FUZZ_WORKERS:-2}" scripts/api_fuzz.py "$@"
