"""The HTTP bench's own checks (fast, no server): wrk's output parsed, the ratio table, the Lua script, and the bench
URLconf serving the baseline with its statement count.

    .venv/bin/pytest bench/httpbench/test_runner.py -q
"""

from __future__ import annotations

import json
import math

import pytest

from bench.httpbench.load import Row, Workload, WrkResult, _ms, lua_script, parse_wrk, table

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:8191/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.37ms   12.02ms 151.44ms   78.61%
    Req/Sec   193.96     32.27   252.00     70.00%
  Latency Distribution
     50%   39.85ms
     75%   46.12ms
     90%   55.78ms
     99%    1.02s
  966 requests in 5.01s, 1.20MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    192.81
Transfer/sec:    245.06KB
"""


def test_parse_wrk_reads_rate_latencies_and_errors() -> None:
    r = parse_wrk(WRK_OUTPUT)
    assert r.requests == 966
    assert r.rps == pytest.approx(192.81)
    assert r.p50_ms == pytest.approx(39.85)
    assert r.p99_ms == pytest.approx(1020.0)
    assert (r.non2xx, r.socket_errors, r.timeouts) == (7, 5, 3)
    assert r.errors == 12


def test_parse_wrk_without_errors_and_units() -> None:
    r = parse_wrk("  50%  812.00us\n  99%    2.00m\n  10 requests in 1.00s, 1KB read\nRequests/sec:  10.00\n")
    assert (r.p50_ms, r.p99_ms, r.errors, r.requests) == (pytest.approx(0.812), 120_000.0, 0, 10)
    assert math.isnan(_ms("garbage"))


def _pair(base: float, work: float) -> tuple[WrkResult, WrkResult]:
    return WrkResult(requests=10, rps=base, p50_ms=1, p99_ms=2), WrkResult(requests=5, rps=work, p50_ms=3, p99_ms=9)


def test_row_takes_the_median_of_the_pairwise_ratios() -> None:
    # Per-pair ratios 0.5, 0.25, 0.4 → median 0.4 (not the ratio of the median rates, 45/100 = 0.45).
    row = Row("transition", [_pair(100, 50), _pair(200, 50), _pair(50, 20)], conns=8, statements="16")
    assert row.rate_ratio == pytest.approx(0.4)
    assert row.cost_ratio == pytest.approx(2.5)
    assert (row.rps, row.base_rps, row.p99_ms, row.requests) == (50, 100, 9, 15)
    md = table([row])
    assert md.splitlines()[0].startswith("| workload | conns | req/s | baseline req/s | rate ÷ baseline")
    assert "| transition | 8 | 50.0 | 100.0 | 40% | 2.50 |" in md
    assert "| 16 |" in md


def test_row_counts_errors_of_both_sides() -> None:
    base, work = _pair(10, 10)
    base.non2xx, work.socket_errors = 1, 2
    assert Row("x", [(base, work)]).errors == 3


def test_lua_script_substitutes_fields_per_request(tmp_path) -> None:
    ids = tmp_path / "ids.tsv"
    ids.write_text("1\t2\n")
    w = Workload("t", "/a/{1}?b={2}", "POST", '{"x": "{1}"}', {"Authorization": "Bearer x"}, ids, offset=17)
    lua = lua_script(w)
    assert "local i = 17\n" in lua  # a later run starts after the rows the earlier runs took
    assert "wrk.method = [==[POST]==]" in lua
    assert "wrk.headers[ [==[Authorization]==] ] = [==[Bearer x]==]" in lua
    assert str(ids) in lua and "request = function()" in lua
    plain = lua_script(Workload("g", "/g/"))
    assert "request = function" not in plain and "wrk.body" not in plain


@pytest.mark.django_db(transaction=True)
def test_bench_urlconf_serves_the_baseline_with_its_statement_count(client, settings) -> None:
    from django.db import connection

    from bench.common import BASELINE_TABLE, baseline_model, ensure_baseline_table
    from bench.httpbench.urls import BASELINE_PATH

    settings.ROOT_URLCONF = "bench.httpbench.urls"
    settings.MIDDLEWARE = ["bench.httpbench.middleware.StatementCountMiddleware", *settings.MIDDLEWARE]
    ensure_baseline_table()
    try:
        response = client.get(BASELINE_PATH)
        assert response.status_code == 200
        body = json.loads(response.content)
        assert body["payload"] == "baseline"
        # 1 INSERT + 1 primary-key SELECT; SQLite's BEGIN IMMEDIATE counts as transaction control.
        assert response["X-Statements"] == "2"
        assert response["X-Statements-Tx"] == ("1" if connection.vendor == "sqlite" else "0")
        assert client.get("/__bench__/nope/").status_code == 404
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(baseline_model())
        assert BASELINE_TABLE not in connection.introspection.table_names()
