"""Command-center bench: the 大屏, the warnings center and the evaluation over N cases, next to the baseline.

Data: N cases of a bench machine over every town (白沙镇 10 %) with three years of history — opened evenly over
1,095 days, everything older than 45 days closed (8 % late), so about 2.5 % are open as in a running system — made
set-based inside PostgreSQL (``INSERT … SELECT generate_series``: 10M rows in minutes, no Python per row); 白沙镇's
cases get a lead assignment to one of its departments; then the per-day counts are rebuilt with one ``GROUP BY``
(what the engine keeps current in production). Workloads through the same middleware and test ``Client`` as the
baseline, as 白沙镇's leader (town) and as 江津区's leader (county: every town of the district):

- ``warnings_summary``: ``GET /api/v1/command/warnings/summary`` (six level counts, four breakdowns);
- ``warnings_page``: ``GET /command/warnings/`` (counts, breakdowns, first page of the list);
- ``screen_feed``: ``GET /command/screen/data/`` (the 大屏's JSON: KPIs and trend from the summary table,
  warnings, states, villages, departments, indicators);
- ``evaluation``: computing 白沙镇's month of the bench machine's 按时办结率 (town, departments, people).

    .venv/bin/python bench/run.py command --scale 1000000 --db postgres -n 50 \
        --pg-url postgresql://postgres@127.0.0.1:5432/township_bench_command

(a database of its own: the history differs from the case-engine bench's 60-day mix). SQLite is not supported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from bench.common import Context, Measurement, measure, timed

BAISHA = "500116108"
COUNTY = "500116"  # 江津区
BENCH = "bench"


def _register() -> None:
    from bench.cases_bench import bench_machine
    from township.cases.indicators import on_time_rate
    from township.cases.types import CaseType, find_case_type, register_case_type

    if find_case_type(BENCH) is None:
        register_case_type(CaseType(machine=bench_machine(), indicators=(on_time_rate(BENCH),)))


HISTORY_DAYS = 1095
OPEN_AFTER_DAYS = 45  # older cases are all closed
LATE_SHARE = 0.08


def generate_history(n: int, *, towns: list[str], villages: dict[str, list[str]], tag: int) -> None:
    """``n`` more bench cases, set-based in PostgreSQL: 白沙镇 10 %, the rest evenly over ``towns``."""
    from django.db import connection

    others = [t for t in towns if t != BAISHA]
    share = {BAISHA: n // 10}
    rest = n - share[BAISHA]
    for i, town in enumerate(others):
        share[town] = rest // len(others) + (1 if i < rest % len(others) else 0)
    with connection.cursor() as cursor, _indexes_rebuilt_after(cursor, "cases_case", n >= 1_000_000):
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM org_department WHERE jurisdiction_id = %s", [BAISHA])
        baisha_departments = cursor.fetchone()[0] or []
        cursor.execute("SELECT setseed(0.2026)")
        for town, count in share.items():
            if not count:
                continue
            cursor.execute(
                """
                INSERT INTO cases_case (jurisdiction_id, case_type, village_id, number, title, state, version,
                    opened_at, closed_at, clock_unit, clock_limit, clock_started_at, clock_paused_at,
                    clock_stopped_at, finished_late, due_provisional, due_at, yellow_at, red_at, warning_sent,
                    head_seq, head_hash, updated_at, lead_department_id)
                SELECT %(town)s, %(type)s, v.village, 'H' || %(tag)s || '-' || lpad(g::text, 9, '0'),
                       '基准案件', CASE WHEN c.closed THEN 'done' WHEN r.r3 < 0.15 THEN 'waiting' ELSE 'working' END, 1,
                       o.opened, CASE WHEN c.closed THEN f.finished END, 'working_days', 20, o.opened,
                       CASE WHEN NOT c.closed AND r.r3 < 0.15 THEN o.opened + interval '2 days' END,
                       CASE WHEN c.closed THEN f.finished END, c.closed AND r.r4 < %(late)s, false,
                       o.opened + interval '28 days', o.opened + interval '20 days', o.opened + interval '25 days',
                       '', 1, '', now(),
                       CASE WHEN cardinality(%(departments)s::bigint[]) > 0
                            THEN (%(departments)s::bigint[])[1 + (g %% greatest(1,
                                  cardinality(%(departments)s::bigint[])))] END
                FROM generate_series(1, %(count)s) AS g
                CROSS JOIN LATERAL (SELECT random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                                           random() AS r5, g AS k) AS r
                CROSS JOIN LATERAL (SELECT now() - (r.r1 * %(days)s) * interval '1 day' AS opened) AS o
                CROSS JOIN LATERAL (SELECT (o.opened < now() - %(open_after)s * interval '1 day'
                                            OR r.r2 < 0.4) AS closed) AS c
                CROSS JOIN LATERAL (SELECT CASE WHEN r.r4 < %(late)s THEN o.opened + interval '29 days'
                                           ELSE LEAST(now(), o.opened + (1 + r.r5 * 26) * interval '1 day')
                                           END AS finished) AS f
                CROSS JOIN LATERAL (SELECT CASE WHEN r.r5 < 0.5 AND cardinality(%(villages)s::varchar[]) > 0
                                           THEN (%(villages)s::varchar[])[1 + (r.k %% greatest(1,
                                                 cardinality(%(villages)s::varchar[])))] END AS village) AS v
                """,
                {
                    "town": town,
                    "type": BENCH,
                    "tag": tag,
                    "count": count,
                    "late": LATE_SHARE,
                    "days": HISTORY_DAYS,
                    "open_after": OPEN_AFTER_DAYS,
                    "villages": villages.get(town, []),
                    "departments": baisha_departments if town == BAISHA else [],
                },
            )
        # 白沙镇's cases: a lead assignment to one of its departments (the warnings' and evaluation's breakdowns),
        # kept on the case as the engine's case_assign keeps it (Case.lead_department).
        cursor.execute(
            """
            INSERT INTO cases_assignment (jurisdiction_id, case_id, department_id, role, assigned_at)
            SELECT c.jurisdiction_id, c.id, c.lead_department_id, 'lead', c.opened_at
            FROM cases_case c
            WHERE c.jurisdiction_id = %s AND c.case_type = %s AND c.number LIKE %s
              AND c.lead_department_id IS NOT NULL
            """,
            [BAISHA, BENCH, f"H{tag}-%"],
        )


@contextlib.contextmanager
def _indexes_rebuilt_after(cursor: Any, table: str, enabled: bool) -> Iterator[None]:
    """For millions of rows: drop the table's secondary indexes, load, then build them again (a sorted build is
    several times cheaper than maintaining ten indexes row by row)."""
    if not enabled:
        yield
        return
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           JOIN pg_class c ON c.relname = i.indexname
           JOIN pg_index x ON x.indexrelid = c.oid
           WHERE i.tablename = %s AND NOT x.indisprimary AND NOT x.indisunique""",
        [table],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        for _name, definition in found:
            cursor.execute(definition)


def rebuild_day_counts() -> None:
    """``CaseDayCount`` from the cases with one GROUP BY (``township.cases.counts.rebuild`` in SQL, for 10M rows)."""
    from django.conf import settings
    from django.db import connection

    tz = settings.TIME_ZONE
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_casedaycount")
        cursor.execute(
            """
            WITH o AS (
                SELECT jurisdiction_id j, coalesce(village_id, '') v, case_type t,
                       (opened_at AT TIME ZONE %s)::date d, count(*) n
                FROM cases_case GROUP BY 1, 2, 3, 4),
            c AS (
                SELECT jurisdiction_id j, coalesce(village_id, '') v, case_type t,
                       (closed_at AT TIME ZONE %s)::date d, count(*) n, count(*) FILTER (WHERE finished_late) l
                FROM cases_case WHERE closed_at IS NOT NULL GROUP BY 1, 2, 3, 4)
            INSERT INTO cases_casedaycount (jurisdiction_id, village_code, case_type, day, opened, closed, closed_late)
            SELECT coalesce(o.j, c.j), coalesce(o.v, c.v), coalesce(o.t, c.t), coalesce(o.d, c.d),
                   coalesce(o.n, 0), coalesce(c.n, 0), coalesce(c.l, 0)
            FROM o FULL JOIN c ON o.j = c.j AND o.v = c.v AND o.t = c.t AND o.d = c.d
            """,
            [tz, tz],
        )


def setup(ctx: Context) -> None:
    from bench.cases_bench import _analyze, _Quiet
    from township.cases.models import Case
    from township.core.demo import seed as seed_org
    from township.org.models import DataScope, Jurisdiction, Level, Role, RoleGrant, User

    if ctx.db != "postgres":
        raise SystemExit("the command bench generates its history inside PostgreSQL (--db postgres)")
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
            generate_history(ctx.scale - have, towns=towns, villages=villages, tag=have)
        with timed("per-day counts rebuilt", ctx.out):
            rebuild_day_counts()
    else:
        ctx.out(f"  {have:,} bench cases present (scale {ctx.scale:,})")
    with timed("analyze", ctx.out):
        _analyze()
    with timed("vacuum cases (visibility map: index-only scans, as autovacuum keeps it in production)", ctx.out):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM cases_case")
    open_n = Case.objects.filter(case_type=BENCH, closed_at__isnull=True).count()
    ctx.out(f"  open bench cases: {open_n:,} ({100 * open_n / max(1, ctx.scale):.1f} %)")
    leader, _ = User.objects.get_or_create(username="bench_leader", defaults={"full_name": "基准镇长"})
    RoleGrant.objects.get_or_create(
        user=leader, jurisdiction_id=BAISHA, role=Role.LEADER, defaults={"data_scope": DataScope.ALL}
    )
    county_leader, _ = User.objects.get_or_create(username="bench_county", defaults={"full_name": "基准区领导"})
    RoleGrant.objects.get_or_create(
        user=county_leader,
        jurisdiction_id=COUNTY,
        role=Role.LEADER,
        defaults={"data_scope": DataScope.UNIT_AND_BELOW},
    )
    clerk, _ = User.objects.get_or_create(username="bench_clerk", defaults={"full_name": "基准窗口"})
    RoleGrant.objects.get_or_create(user=clerk, jurisdiction_id=BAISHA, role=Role.WINDOW_CLERK)
    ctx.extra["clerk"] = clerk
    ctx.extra["leader"] = leader
    ctx.extra["county_leader"] = county_leader


def _get(ctx: Context, url: str, who: str = "leader") -> Measurement:
    client = ctx.client(ctx.extra[who])

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


def screen_feed_county(ctx: Context) -> Measurement:
    return _get(ctx, f"/command/screen/data/?unit={COUNTY}", "county_leader")


def warnings_summary_county(ctx: Context) -> Measurement:
    return _get(ctx, "/api/v1/command/warnings/summary", "county_leader")


def cockpit_feed(ctx: Context) -> Measurement:
    return _get(ctx, "/command/cockpit/data/?theme=approval")


def screen_village(ctx: Context) -> Measurement:
    from township.org.models import Jurisdiction

    village = Jurisdiction.objects.filter(parent_id=BAISHA).order_by("code").values_list("code", flat=True).first()
    return _get(ctx, f"/command/screen/data/?unit={village}")


WORKLOADS: dict[str, Any] = {
    "warnings_summary": warnings_summary,
    "warnings_summary_county": warnings_summary_county,
    "warnings_page": warnings_page,
    "screen_feed": screen_feed,
    "screen_feed_county": screen_feed_county,
    "screen_village": screen_village,
    "cockpit_feed": cockpit_feed,
    "evaluation": evaluation,
}
