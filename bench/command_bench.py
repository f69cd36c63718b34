"""Command-center bench: the 大屏, the warnings center and the evaluation over N cases, next to the baseline.

Data: the case-engine bench's generator (``bench/cases_bench.py``: N cases of a bench machine over every town,
白沙镇 10 %), then the per-day counts rebuilt from them (what the engine keeps current in production). Workloads, as
白沙镇's leader through the same middleware and test ``Client`` as the baseline:

- ``warnings_summary``: ``GET /api/v1/command/warnings/summary`` (six level counts, four breakdowns);
- ``warnings_page``: ``GET /command/warnings/`` (counts, breakdowns, first page of the list);
- ``screen_feed``: ``GET /command/screen/data/`` (the 大屏's JSON: KPIs and trend from the summary table,
  warnings, states, villages, departments, indicators);
- ``evaluation``: computing 白沙镇's month of the bench machine's 按时办结率 (town, departments, people).

    .venv/bin/python bench/run.py command --scale 1000000 --db postgres -n 50
"""

from __future__ import annotations

from typing import Any

from bench.common import Context, Measurement, measure, timed

BAISHA = "500116108"
BENCH = "bench"


def _register() -> None:
    from bench.cases_bench import bench_machine
    from township.cases.indicators import on_time_rate
    from township.cases.types import CaseType, find_case_type, register_case_type

    if find_case_type(BENCH) is None:
        register_case_type(CaseType(machine=bench_machine(), indicators=(on_time_rate(BENCH),)))


def setup(ctx: Context) -> None:
    from bench.cases_bench import _analyze, _Quiet, generate
    from township.cases.counts import rebuild
    from township.cases.models import Case, CaseDayCount
    from township.core.demo import seed as seed_org
    from township.org.models import DataScope, Jurisdiction, Level, Role, RoleGrant, User

    _register()
    seed_org(_Quiet())
    towns = list(Jurisdiction.objects.filter(level=Level.TOWN).order_by("code").values_list("code", flat=True))
    villages: dict[str, list[str]] = {}
    for code, parent in Jurisdiction.objects.filter(level=Level.VILLAGE).values_list("code", "parent_id"):
        villages.setdefault(parent, []).append(code)
    have = Case.objects.filter(case_type=BENCH).count()
    if have < ctx.scale:
        ctx.out(f"  generating {ctx.scale - have:,} bench cases over {len(towns)} towns ({have:,} present)")
        with timed("generated", ctx.out):
            generate(ctx.scale - have, towns=towns, villages=villages, out=ctx.out)
        with timed("per-day counts rebuilt", ctx.out):
            rebuild(Case, CaseDayCount)
    else:
        ctx.out(f"  {have:,} bench cases present (scale {ctx.scale:,})")
    _analyze()
    leader, _ = User.objects.get_or_create(username="bench_leader", defaults={"full_name": "基准镇长"})
    RoleGrant.objects.get_or_create(
        user=leader, jurisdiction_id=BAISHA, role=Role.LEADER, defaults={"data_scope": DataScope.ALL}
    )
    clerk, _ = User.objects.get_or_create(username="bench_clerk", defaults={"full_name": "基准窗口"})
    RoleGrant.objects.get_or_create(user=clerk, jurisdiction_id=BAISHA, role=Role.WINDOW_CLERK)
    ctx.extra["clerk"] = clerk
    ctx.extra["leader"] = leader


def _get(ctx: Context, url: str) -> Measurement:
    client = ctx.client(ctx.extra["leader"])

    def call(_i: int) -> None:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)

    return measure(call, ctx.n)


def warnings_summary(ctx: Context) -> Measurement:
    return _get(ctx, "/api/v1/command/warnings/summary")


def warnings_page(ctx: Context) -> Measurement:
    return _get(ctx, "/command/warnings/")


def screen_feed(ctx: Context) -> Measurement:
    return _get(ctx, "/command/screen/data/")


def evaluation(ctx: Context) -> Measurement:
    from django.utils import timezone

    from township.command.evaluation import evaluation_compute
    from township.command.models import EvaluationPeriod
    from township.org.models import Jurisdiction

    town = Jurisdiction.objects.get(code=BAISHA)
    month = timezone.localdate().replace(day=1)

    def call(_i: int) -> None:
        evaluation_compute(actor=ctx.extra["leader"], jurisdiction=town, month=month)

    result = measure(call, max(5, ctx.n // 10))
    EvaluationPeriod.objects.filter(jurisdiction=town, month=month).delete()
    return result


WORKLOADS: dict[str, Any] = {
    "warnings_summary": warnings_summary,
    "warnings_page": warnings_page,
    "screen_feed": screen_feed,
    "evaluation": evaluation,
}
