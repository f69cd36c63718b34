"""Where a workload's time goes: its requests run in-process through the WSGI handler of the production profile
(the same settings, middleware and URLs as the HTTP bench, without the server and the socket), timed next to the
baseline view in the same process, then once more under cProfile.

    .venv/bin/python -m bench.httpbench.profile --only transition --requests 300
    .venv/bin/python -m bench.httpbench.profile --only list_100 --top 40 --sort tottime
    .venv/bin/python -m bench.httpbench.profile --only transition --top 0 --callees _compute_reach
    .venv/bin/python -m bench.httpbench.profile --only create_application --top 0 --sql

Uses the database of ``bench.httpbench.run`` (``--pg-url``; run ``--setup-only`` first). Each request takes the next
row of the workload's id file, after the rows earlier runs took (``bench/results/http/<name>.offset``), so a
transition never fires twice on one case.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.httpbench.run import HOST, ROOT, WORK, WORKLOAD_NAMES, build_workloads, environment


def _environ(method: str, path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    path_info, _, query = path.partition("?")
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    for k, v in headers.items():
        key = k.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            env["CONTENT_TYPE"] = v
        else:
            env["HTTP_" + key] = v
    return env


def requester(app: Callable[..., Any], w: Any) -> Callable[[], int]:
    """A function sending the workload's next request through ``app``; answers the status."""
    rows: list[list[str]] = []
    offset_file = WORK / f"{w.name}.offset"
    if w.ids is not None:
        rows = [line.split("\t") for line in Path(w.ids).read_text().splitlines() if line]
        w.offset = int(offset_file.read_text()) if offset_file.exists() else w.offset
    state = {"i": w.offset}
    if rows:  # the offset is kept on disk every 100 requests and at exit, not per request (a file write costs
        # ≈ 0.6 ms, which the in-process timings would count as the server's)
        atexit.register(lambda: offset_file.write_text(str(state["i"])))

    def fill(text: str, fields: list[str]) -> str:
        for n, value in enumerate(fields, start=1):
            text = text.replace("{" + str(n) + "}", value)
        return text

    def send() -> int:
        fields = rows[state["i"] % len(rows)] if rows else []
        state["i"] += 1
        if rows and state["i"] % 100 == 0:
            offset_file.write_text(str(state["i"]))
        statuses: list[int] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            statuses.append(int(status.split()[0]))

        body = fill(w.body, fields).encode()
        result = app(_environ(w.method, fill(w.path, fields), w.headers, body), start_response)
        try:
            for _chunk in result:
                pass
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        return statuses[0]

    return send


def timed(send: Callable[[], int], n: int) -> float:
    """Milliseconds per request over ``n`` requests (after 20 to warm); refuses a non-2xx answer."""
    for _ in range(20):
        status = send()
        if not 200 <= status < 300:
            raise SystemExit(f"HTTP {status}")
    start = time.perf_counter()
    for _ in range(n):
        send()
    return (time.perf_counter() - start) * 1000 / n


def print_statements(send: Callable[[], int], n: int) -> None:
    """The statements of a request, in order, each on one line (cut at 150 characters) after its mean time in
    milliseconds over ``n`` requests (the round trip as the worker sees it: the database, the wire, psycopg)."""
    from django.db import connection

    sent: list[str] = []
    took: dict[int, list[float]] = {}

    def keep(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took.setdefault(len(sent), []).append((time.perf_counter() - start) * 1000)
            sent.append(" ".join(sql.split()))

    with connection.execute_wrapper(keep):
        for _ in range(n):
            sent.clear()
            send()
    for i, sql in enumerate(sent):
        times = took.get(i, [])
        print(f"  {i + 1:2d}. {sum(times) / max(len(times), 1):6.2f} ms  {sql[:150]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", required=True, choices=WORKLOAD_NAMES)
    parser.add_argument("--requests", type=int, default=200, help="requests timed and profiled (default 200)")
    parser.add_argument("--top", type=int, default=30, help="functions printed (default 30)")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime … (default cumulative)")
    parser.add_argument("--callees", help="also print what the functions matching this pattern call (pstats)")
    parser.add_argument(
        "--sql",
        action="store_true",
        help="also print the statements of a request, in order, with their mean time over --requests requests",
    )
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/township_bench_http")
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    env = environment(args.pg_url, 0, 1, 1)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    from bench.httpbench import data

    fx = data.setup(args.scale, lambda *a, **k: None)
    baseline, workloads, _samples = build_workloads(fx)
    app = get_wsgi_application()
    base_ms = timed(requester(app, baseline), args.requests)
    print(f"baseline: {base_ms:.2f} ms per request in-process")
    for name in args.only:
        send = requester(app, workloads[name])
        ms = timed(send, args.requests)
        print(f"{name}: {ms:.2f} ms per request in-process (× {ms / base_ms:.1f} the baseline)")
        if args.sql:
            print_statements(send, args.requests)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            send()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
        stats.print_stats(args.top)
        if args.callees:
            stats.print_callees(args.callees)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
