#!/usr/bin/env bash
# Fails when a Python file outside migrations and tests is longer than MAX lines (default 800): split it
# by aggregate (services/ package re-exporting its public names, see docs/case-engine.md) rather than grow it.
#   scripts/max_lines.sh [MAX]     (= make max-lines; a step of .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
max="${1:-800}"
over=0
while IFS= read -r file; do
  [ -f "$file" ] || continue  # tracked but deleted in the work tree
  n=$(wc -l <"$file")
  if [ "$n" -gt "$max" ]; then
    printf '  %5d  %s\n' "$n" "$file"
    over=$((over + 1))
  fi
done < <(git ls-files --cached --others --exclude-standard -- '*.py' |
  grep -Ev '(^|/)(migrations|tests)/|(^|/)(test_[^/]*|conftest)\.py$' | sort -u)
if [ "$over" -gt 0 ]; then
  echo "[max-lines] FAILED: the $over Python file(s) above have more than $max lines (migrations and tests excepted)" >&2
  exit 1
fi
echo "[max-lines] every Python file outside migrations and tests has at most $max lines"
