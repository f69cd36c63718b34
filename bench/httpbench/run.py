"""The HTTP bench: every workload of issue 18 through the production server (granian, ``config/server.py``, the
production profile) over loopback, each next to the bare baseline view on the same server and database in the
same run, loaded in turn (A B A B …) by wrk, as ratios.

    .venv/bin/python -m bench.httpbench.run --scale 100000 --workers 2 --seconds 5 --pairs 3     # = make bench-http
    .venv/bin/python -m bench.httpbench.run --scale 100000 --only transition --only map          # some workloads
    .venv/bin/python -m bench.httpbench.run --list

Database: ``--pg-url`` (default ``township_bench_http``; created when missing), brought to ``--scale`` by
``bench/httpbench/data.py``. Settings: ``bench.httpbench.settings`` (production + the baseline's URL + ``X-Statements``).
Each workload: a warm-up of baseline and workload, one sampled request for its statement count, then ``--pairs``
pairs of ``--seconds`` each (baseline, workload) at the workload's connection count. The table gives the medians
over the pairs; *rate ÷ baseline* is the median of the per-pair ratios and *× baseline* its inverse (the cost of one
request in baseline requests). The reads run first, the writes after them (``RUN_ORDER``: the rows a write leaves
would slow the reads measured after it); the table keeps the issue's order. Results:
``bench/results/http-<scale>.md`` and ``.json``. The writes' rows stay in the database: for the lists' figures after
several runs, generate it again (``--setup-only`` on a new ``--pg-url``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "http"
HOST = "127.0.0.1"
PROTO = {"X-Forwarded-Proto": "https", "Host": HOST}
JIANGYIN_BBOX = "119.95,31.65,120.60,31.98"

WORKLOAD_NAMES = [
    "transition",
    "create_grid_event",
    "create_application",
    "create_clue",
    "list_100",
    "map_4000",
    "map_4000_built",
    "screen_feed",
    "cockpit_feed",
    "warnings_summary",
    "command_evaluation",
    "grid_evaluation",
    "point_to_grid",
    "draw",
    "workbench_small",
    "workbench_big",
]
# Run after the reads: their rows stay in the database. The grid reports are newest and 待受理, so an open-states
# list walking the points newest first skips them (at 9,000 of them the list's query took 2.5 ms, not 0.1 ms).
WRITES = ("transition", "create_grid_event", "create_application", "create_clue", "draw")
RUN_ORDER = [n for n in WORKLOAD_NAMES if n not in WRITES] + [n for n in WORKLOAD_NAMES if n in WRITES]


def environment(pg_url: str, port: int, workers: int, threads: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.httpbench.settings",
        DATABASE_URL=pg_url,
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        # Fixed, so the personal data the demo encrypted stays readable from one run to the next (bench data only).
        PERSONAL_DATA_KEY=env.get("BENCH_PERSONAL_DATA_KEY") or "township-http-bench-only-personal-data-key-0001",
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_PROXY_SSL_HEADER="true",
        STATIC_ROOT=str(RESULTS / "staticfiles"),
        DEBUG="false",
        LOG_LEVEL="WARNING",
        WEB_ACCESS_LOG="false",
        WEB_BIND=f"{HOST}:{port}",
        WEB_WORKERS=str(workers),
        WEB_THREADS=str(threads),
        PYTHONPATH=str(ROOT),
    )
    return env


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 9):
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {preferred}–{preferred + 8}")


def request(port: int, method: str, path: str, headers: dict[str, str], body: str = "") -> tuple[int, Any, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers={**PROTO, **headers})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "config.server"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"granian exited ({proc.returncode}); see {log}")
        try:
            if request(port, "GET", "/__bench__/baseline/", {})[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit(f"granian did not answer within 180 s; see {log}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a granian whose workers are still starting may ignore SIGTERM
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def build_workloads(fx: dict[str, Any]) -> tuple[Any, dict[str, Any], dict[str, tuple[str, ...]]]:
    """The baseline, the workloads of issue 18 by name, and one sample row (fields) per id-driven workload."""
    from bench.httpbench import data
    from bench.httpbench.load import Workload

    users = fx["users"]
    tok = {k: {"Authorization": f"Bearer {data.api_token(u)}"} for k, u in users.items()}
    cookie = {"Cookie": data.session_cookie(users["leader"])}
    js = {"Content-Type": "application/json"}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    month = time.strftime("%Y-%m")
    samples: dict[str, tuple[str, ...]] = {}

    def ids(name: str, rows: list[tuple[Any, ...]]) -> Path:
        if len(rows) < 2:
            raise SystemExit(f"{name}: not enough rows for the per-request ids ({len(rows)})")
        samples[name] = tuple(str(v) for v in rows[0])
        return data.write_ids(WORK / f"{name}.tsv", rows[1:])

    points = data.grid_points()
    baseline = Workload("baseline", "/__bench__/baseline/", headers=PROTO)
    w = [
        Workload(
            "transition",
            "/api/v1/cases/{1}/transitions",
            "POST",
            '{"name": "bench_accept"}',
            {**PROTO, **tok["tx_clerk"], **js},
            ids("transition", [(i,) for i in data.new_case_ids(fx["tx_towns"], 50_000)]),
            conns=8,
            target="≥ 50 % of the rate; ≤ 8 statements",
            note="受理 new → working, a different case per request",
        ),
        Workload(
            "create_grid_event",
            "/api/v1/grid/events",
            "POST",
            "event_class=200110&lon={1}&lat={2}&description=HTTP%E5%9F%BA%E5%87%86",
            {**PROTO, **tok["patroller"], **form},
            ids("create_grid_event", points),
            target="≤ 3×; ≤ 10 statements",
            note="report through the API (locate, case open, timeline)",
        ),
        Workload(
            "create_application",
            "/api/v1/approval/applications",
            "POST",
            json.dumps({"item_ids": [fx["licence_item"]], "applicant": fx["applicant"]}),
            {**PROTO, **tok["clerk"], **js},
            target="≤ 3×; ≤ 10 statements",
        ),
        Workload(
            "create_clue",
            "/api/v1/enforcement/clues",
            "POST",
            json.dumps({"jurisdiction": data.BAISHA, "source": "complaint", "summary": "HTTP基准案源"}),
            {**PROTO, **tok["officer"], **js},
            target="≤ 3×; ≤ 10 statements",
        ),
        Workload(
            "list_100",
            "/api/v1/grid/events?state=dispatched,handling&limit=100",
            headers={**PROTO, **tok["dispatcher"]},
            target="≤ 2×; constant statements",
            note="grid events of a county dispatcher, status-filtered, page of 100",
        ),
        Workload(
            "map_4000",
            f"/api/v1/grid/map?limit=4000&bbox={JIANGYIN_BBOX}&format=columns",
            headers={**PROTO, **tok["dispatcher"]},
            target="≤ 4×",
            note="the compact encoding the map pages load (format=columns); the same answer polled: its ETag's stamp, "
            "then the body cached in the process",
        ),
        Workload(
            "map_4000_built",
            f"/api/v1/grid/map?limit=4000&bbox={JIANGYIN_BBOX.replace('120.60', '120.60{1}')}&format=columns",
            headers={**PROTO, **tok["dispatcher"]},
            ids=ids("map_4000_built", [(f"{i:05d}",) for i in range(1, 60_000)]),
            target="≤ 4×",
            note="the same 4,000 points, a different box edge per request (120.6000001 …): every answer built",
        ),
        Workload("screen_feed", "/command/screen/data/", headers={**PROTO, **cookie}, target="≤ 200 ms at 10M"),
        Workload("cockpit_feed", "/command/cockpit/data/", headers={**PROTO, **cookie}, target="≤ 200 ms at 10M"),
        Workload(
            "warnings_summary",
            "/api/v1/command/warnings/summary",
            headers={**PROTO, **tok["leader"]},
            target="≤ 200 ms at 10M",
        ),
        Workload(
            "command_evaluation",
            "/api/v1/command/evaluation/compute",
            "POST",
            json.dumps({"unit": data.BAISHA, "month": month}),
            {**PROTO, **tok["leader"], **js},
            conns=1,
            target="≤ 200 ms at 10M",
            note="考核: compute 白沙镇's month (town, departments, people)",
        ),
        Workload(
            "grid_evaluation",
            "/api/v1/grid/evaluation?by=town",
            headers={**PROTO, **tok["dispatcher"]},
            conns=1,
            target="≤ 200 ms at 10M",
            note="grid evaluation of the county by town",
        ),
        Workload(
            "point_to_grid",
            "/api/v1/grid/locate?lon={1}&lat={2}",
            headers=PROTO,
            ids=ids("point_to_grid", points),
            target="no extra query per lookup",
            note="public locate endpoint, a different grid centre per request",
        ),
        Workload(
            "draw",
            "/api/v1/enforcement/plans/{1}/draw",
            "POST",
            "",
            {**PROTO, **tok["officer"]},
            ids("draw", [(p,) for p in data.undrawn_plans()]),
            conns=1,
            min_seconds=15,
            target="≤ 1 s end to end",
            note="100,000 subjects, 1,000 inspectors, stored",
        ),
        Workload(
            "workbench_small",
            "/api/v1/cases/workbench?limit=20",
            headers={**PROTO, **tok["clerk_small"]},
            target="small vs big within 1.5×",
            note=f"{fx['open_small']:,} open bench cases in the town",
        ),
        Workload(
            "workbench_big",
            "/api/v1/cases/workbench?limit=20",
            headers={**PROTO, **tok["clerk"]},
            target="small vs big within 1.5×",
            note=f"{fx['open_big']:,} open bench cases in 白沙镇",
        ),
    ]
    return baseline, {x.name: x for x in w}, samples


def sample_statements(port: int, w: Any, fields: tuple[str, ...] | None) -> tuple[str, int]:
    """One request of the workload outside the load: its ``X-Statements`` (``n (+k tx)``: k transaction-control statements besides) and status."""
    path, body = w.path, w.body
    for k, v in enumerate(fields or (), start=1):
        path, body = path.replace(f"{{{k}}}", v), body.replace(f"{{{k}}}", v)
    headers = {k: v for k, v in w.headers.items() if k not in PROTO}
    status, got, content = request(port, w.method, path, headers, body)
    total, tx = got.get("X-Statements", "?"), got.get("X-Statements-Tx", "0")
    if status >= 300:
        print(f"    sample {w.name}: HTTP {status} {content[:300]!r}")
    return (f"{total} (+{tx} tx)" if tx not in ("0", "?") else str(total)), status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=100_000, help="engine cases (default 100000)")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="application threads per worker (default 2)")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per run of a pair (default 5)")
    parser.add_argument("--pairs", type=int, default=3, help="A B pairs per workload (default 3)")
    parser.add_argument("--port", type=int, default=8191, help="first port to try (default 8191)")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/township_bench_http")
    parser.add_argument("--only", action="append", help="run only these workloads (repeatable)")
    parser.add_argument("--setup-only", action="store_true", help="generate the data and stop")
    parser.add_argument("--list", action="store_true", help="list the workloads")
    args = parser.parse_args()
    if args.list:
        print("\n".join(WORKLOAD_NAMES))
        return 0
    unknown = set(args.only or ()) - set(WORKLOAD_NAMES)
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")

    sys.path.insert(0, str(ROOT))
    from bench.run import prepare_database

    prepare_database("postgres", args.pg_url)
    port = free_port(args.port)
    env = environment(args.pg_url, port, args.workers, args.threads)
    os.environ.update({k: v for k, v in env.items() if k not in ("PYTHONPATH",)})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.httpbench import data
    from bench.httpbench.load import Row, run_wrk, table

    print(
        f"bench http · scale {args.scale:,} · {args.pg_url} · granian {args.workers}×{args.threads} · "
        f"{args.pairs} pairs of {args.seconds:g} s · Python {platform.python_version()}"
    )
    fx = data.setup(args.scale, print)
    if args.setup_only:
        return 0
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    baseline, workloads, samples = build_workloads(fx)
    connections.close_all()

    proc = start_server(env, port, WORK / "granian.log")
    base_url = f"http://{HOST}:{port}"
    rows: list[Row] = []
    try:
        for name in RUN_ORDER:
            if args.only and name not in args.only:
                continue
            w = workloads[name]
            b = type(baseline)(**{**baseline.__dict__, "conns": w.conns})
            started = time.monotonic()
            if name != "draw":  # warm both (imports, connections, caches); a draw is one per plan
                run_wrk(base_url, b, 2, WORK)
                run_wrk(base_url, w, 2, WORK)
            statements, status = sample_statements(port, w, samples.get(name))
            pairs = [
                (run_wrk(base_url, b, args.seconds, WORK), run_wrk(base_url, w, args.seconds, WORK))
                for _ in range(args.pairs)
            ]
            row = Row(name, pairs, conns=w.conns, statements=statements, target=w.target, note=w.note)
            rows.append(row)
            print(
                f"  {name}: {row.rps:,.1f} req/s vs baseline {row.base_rps:,.1f} → {row.rate_ratio:.0%} "
                f"(× {row.cost_ratio:.2f}), p50 {row.p50_ms:.1f} ms, statements {statements}, errors {row.errors}, "
                f"sample HTTP {status} [{time.monotonic() - started:.0f}s]",
                flush=True,
            )
    finally:
        stop_server(proc)

    rows.sort(key=lambda r: WORKLOAD_NAMES.index(r.name))  # the table in the order
    text = table(rows)
    print("\n" + text)
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        print("\n" + "\n".join(notes))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"http-{args.scale}"
    stem.with_suffix(".md").write_text(text + "\n\n" + "\n".join(notes) + "\n")
    stem.with_suffix(".json").write_text(
        json.dumps(
            {
                "scale": args.scale,
                "workers": args.workers,
                "threads": args.threads,
                "seconds": args.seconds,
                "rows": [
                    {
                        "name": r.name,
                        "conns": r.conns,
                        "rps": r.rps,
                        "base_rps": r.base_rps,
                        "rate_ratio": r.rate_ratio,
                        "statements": r.statements,
                        "pairs": [[asdict(b), asdict(x)] for b, x in r.pairs],
                    }
                    for r in rows
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"\nwritten {stem.relative_to(ROOT)}.md / .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
