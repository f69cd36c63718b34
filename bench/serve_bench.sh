#!/usr/bin/env bash
# Application servers side by side (docs/performance.md, "Application server"): gunicorn (sync workers, the
# app preloaded) and granian (WSGI, one application thread per worker like a sync worker), both started with
# WORKERS processes under the production profile, then loaded in turn (A B A B …, PAIRS pairs of SECONDS
# each per workload) by wrk (apt-get install wrk) over loopback with CONNS connections, so a drift of the
# machine's speed hits both alike.
#   usage: bench/serve_bench.sh [WORKERS=2] [PAIRS=5] [SECONDS=5] [CONNS=8]
# granian is pinned (requirements.txt); gunicorn, the runner-up, is not: .venv/bin/pip install gunicorn==27.0.1.
# Needs the production environment of a demo database (migrate + seed_demo, collectstatic; see
# docs/performance.md) and BENCH_TOKEN, a personal API token of the clerk. Workloads: the login page (no
# database), the same with Connection: close (a proxy without upstream keep-alive), the clerk's API
# workbench (GET /api/v1/cases/workbench, PostgreSQL), a static file (whitenoise, gzip).
# Prints one line per run; the summary gives each workload's median requests/s and the median of the
# pairwise ratios granian ÷ gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS="${1:-2}" PAIRS="${2:-5}" SECONDS_EACH="${3:-5}" CONNS="${4:-8}"
BIN="$(dirname "${PY:-.venv/bin/python}")"
: "${BENCH_TOKEN:?set BENCH_TOKEN to a personal API token of the demo clerk}"
export DJANGO_SETTINGS_MODULE=config.settings.production SECURE_PROXY_SSL_HEADER=true WEB_ACCESS_LOG=false LOG_LEVEL=WARNING
A_PORT=8191 B_PORT=8192
# Steady state: no worker recycling, no access log in either server.
"$BIN/gunicorn" --bind "127.0.0.1:$A_PORT" --workers "$WORKERS" --worker-class sync --preload \
  config.wsgi:application >"${TMPDIR:-/tmp}/serve-bench-gunicorn.log" 2>&1 &
a_pid=$!
"$BIN/granian" --interface wsgi --host 127.0.0.1 --port "$B_PORT" --workers "$WORKERS" --blocking-threads 1 --no-ws \
  config.wsgi:application >"${TMPDIR:-/tmp}/serve-bench-granian.log" 2>&1 &
b_pid=$!
trap 'kill -TERM $a_pid $b_pid 2>/dev/null; wait $a_pid $b_pid 2>/dev/null' EXIT

proto='X-Forwarded-Proto: https'
for port in $A_PORT $B_PORT; do
  for _ in $(seq 1 150); do curl -sf -o /dev/null -H "$proto" "http://127.0.0.1:$port/accounts/login/" && break; sleep 0.2; done
done
css=$(curl -s -H "$proto" "http://127.0.0.1:$A_PORT/accounts/login/" | grep -o '/static/township/app\.[0-9a-f]*\.css' | head -1)

load() {  # port workload seconds -> "rps p50 p99 errors"
  local url="http://127.0.0.1:$1" extra=()
  case $2 in
    page) url+=/accounts/login/ ;;
    close) url+=/accounts/login/; extra=(-H 'Connection: close') ;;
    api) url+=/api/v1/cases/workbench; extra=(-H "Authorization: Bearer $BENCH_TOKEN") ;;
    static) url+=$css; extra=(-H 'Accept-Encoding: gzip') ;;
  esac
  wrk -t1 -c"$CONNS" -d"$3"s --latency -H "$proto" "${extra[@]}" "$url" | awk '
    /Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2}
    /Non-2xx|Socket errors/ {err=err $0 ";"} END {print rps, p50, p99, (err == "" ? "-" : err)}'
}

for workload in page close api static; do  # warm every worker of both (imports, connections)
  load $A_PORT $workload 2 >/dev/null; load $B_PORT $workload 2 >/dev/null
done
results=()
for workload in page close api static; do
  for i in $(seq 1 "$PAIRS"); do
    a=$(load $A_PORT $workload "$SECONDS_EACH"); b=$(load $B_PORT $workload "$SECONDS_EACH")
    echo "workers=$WORKERS $workload pair $i: gunicorn $a | granian $b"
    results+=("$workload ${a%% *} ${b%% *}")
  done
done
printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
rows = {}
for line in sys.stdin:
    w, a, b = line.split()
    rows.setdefault(w, []).append((float(a), float(b)))
print(f"summary (workers='"$WORKERS"', median of {len(next(iter(rows.values())))} pairs): workload, gunicorn req/s, granian req/s, granian/gunicorn")
for w, pairs in rows.items():
    ratio = statistics.median(b / a for a, b in pairs if a)
    print(f"  {w:7} {statistics.median(a for a, _ in pairs):9.1f} {statistics.median(b for _, b in pairs):9.1f}  x{ratio:.2f}")
'
