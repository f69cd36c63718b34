"""Bench helpers: timing, a baseline measured in the same run, and the workload contract.

Contract for workload modules (``bench/<name>_bench.py``), discovered by ``bench/run.py <name>``::

    def setup(ctx: Context) -> None: ...          # optional: generate data for ctx.scale (idempotent)
    WORKLOADS = {"transition": fn, ...}            # required: name -> fn(ctx) -> Measurement | dict[str, Measurement]

A workload function gets a ``Context`` (scale, database label, a logged-in test ``Client`` factory,
``ctx.out`` for progress lines) and returns one ``Measurement`` (or several, by name) made with
``measure(fn, n)``. ``run.py`` measures the baseline — a bare Django view doing one insert and one
primary-key select on the same database, through the same middleware, with Django's test ``Client`` —
in the same process right before the workloads, and prints every workload's p50/p95 and throughput
with its ratio to the baseline. Timings belong here, never in unit tests (STYLE §3.4).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

BASELINE_TABLE = "bench_baseline_row"


@dataclass
class Measurement:
    n: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    per_second: float
    note: str = ""

    def ratio_to(self, base: Measurement) -> float:
        """How many times slower than the baseline at the median (1.0 = as fast)."""
        return self.p50_ms / base.p50_ms if base.p50_ms else float("nan")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(fn: Callable[[int], Any], n: int, *, warmup: int = 3, note: str = "") -> Measurement:
    """Call ``fn(i)`` ``n`` times (after ``warmup`` untimed calls); latency percentiles and throughput."""
    for i in range(warmup):
        fn(-1 - i)
    samples: list[float] = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    return Measurement(
        n=n,
        p50_ms=percentile(samples, 50),
        p95_ms=percentile(samples, 95),
        mean_ms=statistics.fmean(samples),
        per_second=n / total if total else float("inf"),
        note=note,
    )


@dataclass
class Context:
    scale: int
    db: str
    n: int  # requests per workload
    out: Callable[[str], None] = print
    extra: dict[str, Any] = field(default_factory=dict)

    def client(self, user: Any = None) -> Any:
        from django.test import Client

        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@contextmanager
def timed(label: str, out: Callable[[str], None] = print) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    out(f"  {label}: {time.perf_counter() - t0:.1f}s")


# --- the baseline ------------------------------------------------------------------------------


def ensure_baseline_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if BASELINE_TABLE in connection.introspection.table_names(cursor):
            return
    with connection.schema_editor() as editor:
        editor.create_model(baseline_model())


_MODEL: Any = None


def baseline_model() -> Any:
    """An unmanaged two-column model (created only in the bench database, never migrated)."""
    global _MODEL
    if _MODEL is None:
        from django.db import models

        class BenchRow(models.Model):
            id = models.BigAutoField(primary_key=True)
            payload = models.CharField(max_length=64)

            class Meta:
                app_label = "core"
                db_table = BASELINE_TABLE
                managed = False

            def __str__(self) -> str:
                return str(self.pk)

        _MODEL = BenchRow
    return _MODEL


def baseline_view(request: Any) -> Any:
    """The bare view: one INSERT and one primary-key SELECT, as JSON."""
    from django.db import transaction
    from django.http import JsonResponse

    model = baseline_model()
    with transaction.atomic():
        row = model.objects.create(payload="baseline")
    got = model.objects.get(pk=row.pk)
    return JsonResponse({"id": got.pk, "payload": got.payload})


def install_baseline_url() -> str:
    """Mount the baseline view in front of the project's URLs; returns its path."""
    import sys
    import types

    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("__bench__/baseline/", baseline_view),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()
    return "/__bench__/baseline/"


def measure_baseline(ctx: Context, user: Any = None) -> Measurement:
    ensure_baseline_table()
    url = install_baseline_url()
    client = ctx.client(user)

    def call(_i: int) -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return measure(call, ctx.n, warmup=10, note="bare view: 1 insert + 1 pk select")


def report(rows: list[tuple[str, Measurement]], base: Measurement, out: Callable[[str], None] = print) -> None:
    out("")
    out(f"{'workload':<38} {'n':>6} {'p50 ms':>9} {'p95 ms':>9} {'req/s':>9} {'p50 ×base':>10} {'p95 ×base':>10}")
    out("-" * 96)
    for name, m in [("baseline (insert + pk select)", base), *rows]:
        out(
            f"{name:<38} {m.n:>6} {m.p50_ms:>9.2f} {m.p95_ms:>9.2f} {m.per_second:>9.1f} "
            f"{m.p50_ms / base.p50_ms:>10.2f} {m.p95_ms / base.p95_ms:>10.2f}"
        )
