#!/usr/bin/env bash
# mypy with a ratchet (make mypy, .ci/run). Configuration: [tool.mypy] in pyproject.toml.
#
#   scripts/mypy.sh          fails on any mypy error that is not in mypy-baseline.txt
#   scripts/mypy.sh --sync   rewrites mypy-baseline.txt from the current errors (= make mypy-baseline)
#
# The baseline holds today's errors outside the strict packages, without line numbers (mypy-baseline), so
# edits elsewhere in a file do not disturb it. Fixing errors never fails the check; refresh the baseline to
# lock the gain in. Only the errors of township.core, township.org and township.cases may never be baselined.
set -uo pipefail
cd "$(dirname "$0")/.."
BASELINE=mypy-baseline.txt
STRICT_CLEAN='^township/(core|org|cases)/'

sync=0
if [ "${1:-}" = "--sync" ]; then sync=1; shift; fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
.venv/bin/mypy "$@" >"$out" 2>&1
rc=$?
if [ "$rc" -gt 1 ]; then  # 1 = type errors found; anything else is mypy itself failing (config, crash)
  cat "$out"
  echo "[mypy] mypy did not run to the end (exit $rc)" >&2
  exit "$rc"
fi

if [ "$sync" = 1 ]; then
  .venv/bin/mypy-baseline sync <"$out" >/dev/null
fi
if grep -Eq "$STRICT_CLEAN" "$BASELINE"; then
  grep -E "$STRICT_CLEAN" "$BASELINE" >&2
  echo "[mypy] township.core and township.org are strict and clean: fix these errors, do not baseline them." >&2
  exit 1
fi
if [ "$sync" = 1 ]; then
  echo "[mypy] $BASELINE now holds $(grep -c . "$BASELINE") errors; commit it with your change."
  exit 0
fi

if ! .venv/bin/mypy-baseline filter --no-colors <"$out"; then
  cat >&2 <<'EOF'

[mypy] FAILED: the errors printed above are new (not in mypy-baseline.txt). Fix them.
       If your change only moved existing errors (a file split or renamed, a message reworded by a
       mypy/django-stubs upgrade), refresh the baseline and commit it:  scripts/mypy.sh --sync
EOF
  exit 1
fi
echo "[mypy] no new errors ($(grep -c . "$BASELINE") in the baseline)"
