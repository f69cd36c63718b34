#!/usr/bin/env bash
# Run the whole test suite (SQLite by default; DATABASE_URL=postgresql://… for PostgreSQL).
# Installs what is missing first. Extra arguments go to pytest. "No tests ran" (exit 5) is a failure.
# Runs on 2 workers (pytest-xdist) unless told otherwise; see docs/dev/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh

# Browser (e2e) tests drive Debian's Chromium; install it when missing and we are root.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && [ -z "${TOWNSHIP_SKIP_APT:-}" ] && command -v apt-get >/dev/null 2>&1; then
    echo "[test] installing chromium and chromium-driver for the browser tests (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-wqy-microhei >/dev/null
  else
    echo "[test] WARNING: chromium not found; browser tests will fail. Install it: sudo apt-get install chromium chromium-driver" >&2
  fi
fi

# Parallel run with pytest-xdist: one test database per worker (pytest-django adds _gw0, _gw1… to its name).
# TEST_WORKERS overrides the count (default: the CPUs, at most 2); passing -n/--numprocesses or -p no:xdist
# yourself leaves it to you.
xdist=()
own=0
for arg in "$@"; do
  case "$arg" in
    -n | -n* | --numprocesses | --numprocesses=* | *no:xdist) own=1 ;;
  esac
done
if [ "$own" = 0 ]; then
  workers="${TEST_WORKERS:-$(nproc 2>/dev/null || echo 1)}"
  if [ -z "${TEST_WORKERS:-}" ] && [ "$workers" -gt 2 ]; then workers=2; fi
  # worksteal: an idle worker takes queued tests from a busy one (the slow tests, sorted first by conftest.py, would
  # otherwise all land in the first worker's initial chunk and run there at the end)
  if [ "$workers" -gt 1 ]; then xdist=(-n "$workers" --dist worksteal); fi
fi

echo "[test] database: ${DATABASE_URL:-SQLite}; workers: ${xdist[1]:-1}"
set +e
.venv/bin/python -m pytest ${xdist[@]+"${xdist[@]}"} "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
  echo "[test] FAILED: pytest collected no tests (exit code 5)" >&2
  exit 1
fi
# Tests timed in a browser (marker serial) are skipped on xdist workers: they run here, alone, on a quiet machine.
# TOWNSHIP_SERIAL=skip leaves them out (the CI's PostgreSQL pass: they are measured once, in the SQLite pass).
if [ "${#xdist[@]}" -gt 0 ] && [ "${TOWNSHIP_SERIAL:-run}" != skip ]; then
  echo "[test] timed tests (marker serial), alone"
  set +e
  .venv/bin/python -m pytest -p no:xdist -m serial "$@"
  src=$?
  set -e
  # 5: the arguments selected no timed test (a single module, say): nothing to run alone.
  if [ "$src" != 0 ] && [ "$src" != 5 ]; then rc=$src; fi
fi
exit "$rc"
