#!/usr/bin/env bash
# Township on a real 3-node Citus cluster (issue 19, docs/scaling.md "CI on a real cluster").
#
#   scripts/citus_ci.sh            # needs root (the cluster script runs initdb/pg_ctl as postgres) and ../shared/citus/
#
# Steps: build Citus into the system PostgreSQL 15 (../shared/citus/build.sh, idempotent), start the cluster
# (coordinator 127.0.0.1:55432, workers 55433/55434), create the demo and the test databases with the extension,
# migrate, apply the profile (manage.py citus_profile --apply, twice: the second run must do nothing), seed_demo,
# run the subset of the suite below against the coordinator, smoke-test 白沙镇's pages and API, isolate 白沙镇 to its
# own shard and move it to the other worker, smoke-test again (must be identical), destroy the cluster.
#
# The subset (CITUS_TESTS overrides it): the profile tests, the case engine, grid and approval — the apps whose
# queries the issue measured failing on the cluster, 800 tests — with --reuse-db on a test database that already
# carries the profile (pytest-django would otherwise create a plain database without Citus), 4 shards per table.
# Measured on this 2-core machine (2026-12-05): 789 passed, 15 skipped in 2 min 40 s; the whole script ~7 min.
# Excluded, with the reason:
#   - the other apps' tests (enforcement, catalog, certificates, credit, hotline, …): the whole suite runs about
#     25 CPU-minutes, serially on the cluster longer than the CI budget (.ci/run stays under 30 minutes). Their
#     SQL is held to the cluster's rules by the query-shape check over the whole PostgreSQL pass of .ci/run
#     (TOWNSHIP_QUERY_SHAPE=fail), and their pages and API by the smoke test below (every menu page of eight roles);
#   - tests marked slow (the crawl, the tenancy matrix): minutes each, nothing Citus-specific the above misses;
#   - skipped on the cluster by the tests themselves: test_integrity.py (tampering past the append-only triggers
#     with session_replication_role does not reach the workers' shards) and the live-catalog plan comparison
#     (the catalog carries the profile's composite keys).
# Variables: CITUS_DIR [../shared/citus beside the checkout or its origin]  KEEP_CLUSTER=1 (do not destroy at the end)  CITUS_TESTS (pytest args)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
# ../shared/citus beside the checkout, or beside the repository it was cloned from (a CI clone elsewhere)
origin="$(git config --get remote.origin.url 2>/dev/null || true)"
if [ -z "${CITUS_DIR:-}" ]; then
  CITUS_DIR="$ROOT/../shared/citus"
  if [ ! -d "$CITUS_DIR" ] && [ -n "$origin" ] && [ -d "$origin/../shared/citus" ]; then
    CITUS_DIR="$(cd "$origin/../shared/citus" && pwd)"
  fi
fi
PY="$ROOT/.venv/bin/python"
COORD="postgresql://postgres@127.0.0.1:55432"
# The Citus backend (township/core/db_citus: GROUP BY every selected column; multi-shard writes one shard at a
# time, so a transaction may still write a reference table). The production setting too (docs/scaling.md).
export DB_CITUS=1
BAISHA="500116108"
start=$(date +%s)
say() { printf '\n\033[1m[citus-ci %ss] %s\033[0m\n' "$(($(date +%s) - start))" "$*"; }

if [ ! -x "$CITUS_DIR/build.sh" ] || [ ! -x "$CITUS_DIR/cluster.sh" ]; then
  echo "skipped: $CITUS_DIR/build.sh and cluster.sh are not present (Citus is not packaged for Debian)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "skipped: the Citus cluster needs root (initdb and pg_ctl run as the postgres user)"
  exit 0
fi
CLUSTER="$CITUS_DIR/cluster.sh"
psql_c() { "$CLUSTER" psql -X -q -v ON_ERROR_STOP=1 -d "$1" -tAc "$2"; }

say "build Citus (idempotent)"
"$CITUS_DIR/build.sh"

say "cluster up"
"$CLUSTER" destroy >/dev/null 2>&1 || true
"$CLUSTER" up
cleanup() { [ "${KEEP_CLUSTER:-0}" = 1 ] || { "$CLUSTER" destroy >/dev/null 2>&1 || true; }; }
trap cleanup EXIT

for db in township test_township_citus; do
  "$CLUSTER" db "$db" 2>/dev/null
  # the test database: 4 shards per table rather than 32 (a transactional test's flush truncates every shard)
  [ "$db" = township ] || psql_c postgres "ALTER DATABASE $db SET citus.shard_count = 4"
  say "migrate $db"
  DATABASE_URL="$COORD/$db" "$PY" manage.py migrate -v0
  say "citus_profile --apply on $db"
  DATABASE_URL="$COORD/$db" "$PY" manage.py citus_profile --apply | tail -1
done
say "the profile is idempotent"
DATABASE_URL="$COORD/township" "$PY" manage.py citus_profile --plan | grep -q -- "-- nothing to do"

say "seed_demo on the cluster"
DATABASE_URL="$COORD/township" "$PY" manage.py seed_demo --keep-demo-passwords >/tmp/citus-ci-seed.log
tail -3 /tmp/citus-ci-seed.log

smoke() { DATABASE_URL="$COORD/township" "$PY" scripts/citus_smoke.py 2>/tmp/citus-ci-smoke.err; }

say "smoke test of 白沙镇 before the move"
before="$(smoke)" || { cat /tmp/citus-ci-smoke.err >&2; exit 1; }
echo "$before"

say "isolate 白沙镇 to its own shard, move it to the other worker"
shard="$(psql_c township "SELECT isolate_tenant_to_new_shard('cases_case', '$BAISHA', 'CASCADE')")"
from="$(psql_c township "SELECT nodeport FROM pg_dist_shard_placement WHERE shardid = $shard")"
to=$([ "$from" = 55433 ] && echo 55434 || echo 55433)
psql_c township "SELECT citus_move_shard_placement($shard, '127.0.0.1', $from, '127.0.0.1', $to)"
echo "shard $shard of 白沙镇: worker $from -> $to"
# the split and the move leave the old placements to a deferred cleanup that takes exclusive locks: run it now
# rather than beside the next requests (a distributed deadlock with a reader was seen otherwise)
"$CLUSTER" psql -X -q -v ON_ERROR_STOP=1 -d township -c "CALL citus_cleanup_orphaned_resources()"

say "smoke test of 白沙镇 after the move"
after="$(smoke)" || { cat /tmp/citus-ci-smoke.err >&2; exit 1; }
echo "$after"
[ "$before" = "$after" ] || { echo "the town's smoke test changed after the move" >&2; exit 1; }

say "tests against the coordinator"
# shellcheck disable=SC2206
tests=(${CITUS_TESTS:-tests/test_citus_profile.py township/cases township/grid township/approval})
set +e
DATABASE_URL="$COORD/township" TEST_DB_SUFFIX=citus "$PY" -m pytest "${tests[@]}" --reuse-db -q -p no:xdist \
  -p no:randomly -m "not slow" 2>&1 | tee /tmp/citus-ci-tests.log | tail -25
rc=${PIPESTATUS[0]}
set -e
say "done in $(($(date +%s) - start)) s (tests rc=$rc)"
exit "$rc"
