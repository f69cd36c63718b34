#!/usr/bin/env bash
# Install Township into this checkout: ./.venv (Python packages) and ./node_modules (front-end packages).
# Idempotent: re-running only installs what changed. Needs python3.11 with venv, and Node.js/npm.
# Chromium (browser tests only) and gettext are installed with apt-get when missing and we are root;
# set TOWNSHIP_SKIP_APT=1 to never call apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[install]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[install] %s\033[0m\n' "$*" >&2; exit 1; }

# --- Python 3.11 -------------------------------------------------------------------------------
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      PY="$candidate"; break
    fi
  done
fi
[ -n "$PY" ] || die "Python 3.11 not found. On Debian/Ubuntu: sudo apt-get install python3.11 python3.11-venv"

if [ ! -x .venv/bin/python ]; then
  say "creating virtual environment .venv ($($PY --version))"
  "$PY" -m venv .venv || die "could not create .venv. On Debian/Ubuntu: sudo apt-get install python3.11-venv"
fi

# --- Python packages (pinned) ------------------------------------------------------------------
req_stamp=".venv/.township-requirements.sha256"
req_sum="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$req_stamp" 2>/dev/null || true)" != "$req_sum" ]; then
  say "installing Python packages (requirements-dev.txt)"
  .venv/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
  .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
  echo "$req_sum" > "$req_stamp"
else
  say "Python packages up to date"
fi

# --- Front-end packages from npm (served by Django staticfiles from node_modules) --------------
command -v npm >/dev/null 2>&1 || die "npm not found. On Debian/Ubuntu: sudo apt-get install nodejs npm"
npm_stamp="node_modules/.township-lock.sha256"
npm_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$npm_stamp" 2>/dev/null || true)" != "$npm_sum" ]; then
  say "installing front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_sum" > "$npm_stamp"
else
  say "front-end packages up to date"
fi

# --- Front-end bundles (assets/ -> static/township/build/, esbuild; scripts/build_assets.sh) -----------
assets_stamp="static/township/build/.township-assets.sha256"
assets_sum="$(cat package-lock.json scripts/build_assets.sh assets/*.js | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$assets_stamp" 2>/dev/null || true)" != "$assets_sum" ] || [ ! -f static/township/build/echarts.min.js ]; then
  say "building front-end bundles (scripts/build_assets.sh)"
  scripts/build_assets.sh
  echo "$assets_sum" > "$assets_stamp"
else
  say "front-end bundles up to date"
fi

# --- Translations (.po -> .mo); gettext's msgfmt is needed only when there are .po files -------
if ls locale/*/LC_MESSAGES/*.po township/*/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then
  if ! command -v msgfmt >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && [ -z "${TOWNSHIP_SKIP_APT:-}" ]; then
    say "installing gettext (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null
  fi
  if command -v msgfmt >/dev/null 2>&1; then
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null
  else
    say "gettext (msgfmt) missing: translations not compiled, the UI stays in Chinese (sudo apt-get install gettext)"
  fi
fi
say "done"
