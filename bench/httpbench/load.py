"""Load generation with wrk, its output parsed, and the ratio table (pure functions; tested in test_runner.py).

A ``Workload`` is one HTTP request shape. Per-request values (a different case id per transition, a point per
report) come from a file of tab-separated fields, one request per line: the Lua script substitutes ``{1}``, ``{2}``
… in the path and the body with the fields of the next line (cycling). wrk runs one thread (``-t1``), so the line
counter is shared by all its connections and no two requests take the same line until the file wraps; the next
wrk run of the same workload starts after the rows the earlier runs took (``Workload.offset``).
"""

from __future__ import annotations

import re
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

WRK = "/usr/bin/wrk"


@dataclass
class Workload:
    name: str
    path: str
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    ids: Path | None = None  # tab-separated fields per request, substituted for {1}, {2} …
    conns: int = 4
    min_seconds: float = 0.0  # slow workloads (a draw) run longer than the round's seconds
    target: str = ""  # the target, printed beside the ratio
    note: str = ""
    offset: int = 0  # rows of ``ids`` already taken by earlier wrk runs (each run is a new Lua state)


@dataclass
class WrkResult:
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    non2xx: int = 0
    socket_errors: int = 0
    timeouts: int = 0

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


def _ms(text: str) -> float:
    """wrk's latency notation (``812.00us``, ``3.41ms``, ``1.20s``, ``2.00m``) in milliseconds."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str) -> WrkResult:
    """Requests/sec, the 50 % and 99 % latencies (``--latency``), non-2xx responses and socket errors."""
    r = WrkResult()
    for line in output.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "Requests/sec:":
            r.rps = float(words[1])
        elif words[0] == "50%":
            r.p50_ms = _ms(words[1])
        elif words[0] == "99%":
            r.p99_ms = _ms(words[1])
        elif "requests in" in line:
            r.requests = int(words[0])
        elif words[0] == "Non-2xx" or line.startswith("Bench non-2xx:"):
            r.non2xx = max(r.non2xx, int(words[-1]))
        elif words[0] == "Socket" and words[1] == "errors:":
            counts = dict(re.findall(r"(connect|read|write|timeout) (\d+)", line))
            r.socket_errors = sum(int(v) for v in counts.values())
            r.timeouts = int(counts.get("timeout", 0))
    return r


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


# Counts every response outside 2xx (wrk's own count lets 3xx through: a redirect to HTTPS would pass as served).
STATUS_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
bad = 0
function response(status, headers, body) if status < 200 or status >= 300 then bad = bad + 1 end end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("bad") end
  io.write("Bench non-2xx: " .. n .. "\\n")
end
"""


def lua_script(w: Workload) -> str:
    """The wrk script of a workload: method, headers, body, the per-request substitution from ``w.ids``, and the
    count of responses outside 2xx."""
    headers = "\n".join(f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in w.headers.items())
    head = f"wrk.method = {_lua_string(w.method)}\n{headers}\n"
    if w.body:
        head += f"wrk.body = {_lua_string(w.body)}\n"
    head += STATUS_LUA
    if w.ids is None:
        return head
    return (
        head
        + f"""
local rows = {{}}
for line in io.lines({_lua_string(str(w.ids))}) do
  local fields = {{}}
  for value in string.gmatch(line, "[^\\t]+") do fields[#fields + 1] = value end
  rows[#rows + 1] = fields
end
local path_t, body_t = {_lua_string(w.path)}, {_lua_string(w.body)}
local i = {w.offset}
local function fill(t, fields)
  return (string.gsub(t, "{{(%d+)}}", function(k) return fields[tonumber(k)] end))
end
request = function()
  i = i + 1
  local fields = rows[((i - 1) % #rows) + 1]
  local body = nil
  if body_t ~= "" then body = fill(body_t, fields) end
  return wrk.format(nil, fill(path_t, fields), nil, body)
end
"""
    )


class WrkError(RuntimeError):
    """wrk could not run the workload (a script error, no server)."""


def run_wrk(base_url: str, w: Workload, seconds: float, script_dir: Path, timeout_s: int = 60) -> WrkResult:
    script_dir.mkdir(parents=True, exist_ok=True)
    script = script_dir / (re.sub(r"\W+", "_", w.name) + ".lua")
    script.write_text(lua_script(w))
    duration = max(1, round(max(seconds, w.min_seconds)))
    # The URL's path is only used without a script's request(); with one, wrk takes its paths.
    url = base_url + (w.path if w.ids is None else "/")
    cmd = [WRK, "-t1", f"-c{w.conns}", f"-d{duration}s", f"--timeout={timeout_s}s", "--latency", "-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=duration + timeout_s + 30, check=False)
    if out.returncode != 0 or "Requests/sec" not in out.stdout or out.stderr.strip():
        raise WrkError(f"wrk failed on {w.name}: {out.stderr.strip() or out.stdout.strip()}"[:2000])
    result = parse_wrk(out.stdout)
    # Every request sent took a row: the completed ones and at most one in flight per connection at the end.
    w.offset += result.requests + w.conns
    return result


@dataclass
class Row:
    """One workload against the baseline, over the A B A B pairs of a round."""

    name: str
    pairs: list[tuple[WrkResult, WrkResult]]  # (baseline, workload)
    conns: int = 0
    statements: str = ""
    target: str = ""
    note: str = ""

    @property
    def rps(self) -> float:
        return statistics.median(w.rps for _, w in self.pairs)

    @property
    def base_rps(self) -> float:
        return statistics.median(b.rps for b, _ in self.pairs)

    @property
    def rate_ratio(self) -> float:
        """The workload's rate as a share of the baseline's: median of the per-pair ratios (0.5 = half as fast)."""
        return statistics.median((w.rps / b.rps) if b.rps else float("nan") for b, w in self.pairs)

    @property
    def cost_ratio(self) -> float:
        """× baseline: how many baseline requests one workload request costs (1 / rate ratio)."""
        r = self.rate_ratio
        return 1 / r if r else float("inf")

    @property
    def p50_ms(self) -> float:
        return statistics.median(w.p50_ms for _, w in self.pairs)

    @property
    def p99_ms(self) -> float:
        return max(w.p99_ms for _, w in self.pairs)

    @property
    def errors(self) -> int:
        return sum(w.errors for _, w in self.pairs) + sum(b.errors for b, _ in self.pairs)

    @property
    def requests(self) -> int:
        return sum(w.requests for _, w in self.pairs)


HEADER = (
    "| workload | conns | req/s | baseline req/s | rate ÷ baseline | × baseline | p50 ms | p99 ms | requests "
    "| errors | statements | target |"
)


def table(rows: list[Row]) -> str:
    """The Markdown ratio table (what docs/performance.md records)."""
    lines = [HEADER, "| " + " | ".join(["---"] + ["---:"] * 10 + ["---"]) + " |"]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.conns} | {r.rps:,.1f} | {r.base_rps:,.1f} | {r.rate_ratio:.0%} | {r.cost_ratio:.2f} "
            f"| {r.p50_ms:,.1f} | {r.p99_ms:,.1f} | {r.requests:,} | {r.errors} | {r.statements or '–'} "
            f"| {r.target} |"
        )
    return "\n".join(lines)
