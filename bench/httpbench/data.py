"""Data of the HTTP bench: the demo, then the other benches' generators topped up to the scale, the bench users,
their API tokens and a session, and the id lists the per-request Lua scripts pick from.

Reuses the generators of the in-process benches (PostgreSQL ``COPY`` where they have it), each idempotent by count:

- ``scale`` engine cases of the case-engine bench (``bench/cases_bench.py``: every town, 白沙镇 10 %), then the
  per-day counts rebuilt (``township/cases/counts.py``, what ``manage.py recount_cases`` does);
- ``scale // 10`` grid events with their cases over 江阴's 1,557 generated grids (``bench/grid_bench.py``);
- ``scale // 10`` applications (``bench/approval_bench.py``) and ``scale // 10`` penalty cases with the draw pool of
  100,000 subjects and 1,000 inspectors (``bench/enforcement_bench.py``);
- ``DRAW_PLANS`` undrawn inspection plans, so each draw request has its own plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bench.common import Context, ensure_baseline_table, timed

BAISHA = "500116108"
DRAW_PLANS = 160  # a draw takes about half a second: enough undrawn plans for the warm-up and 3 pairs of 15 s
NEW_CASES = 30_000  # enough 新建 cases for the transition workload's runs (a few hundred requests a second)
TX_TOWNS = 40  # towns where the transition clerk may accept cases (their 新建 cases: NEW_CASES)


def _quiet_ctx(scale: int, out: Any) -> Context:
    return Context(scale=scale, db="postgres", n=1, out=out)


def _staff(username: str, grants: list[tuple[str, str, str]]) -> Any:
    """A bench account that may use the API at once (no forced password change), with these grants."""
    from township.org.models import RoleGrant, User

    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
    if getattr(user, "must_change_password", False):
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    for jurisdiction, role, scope in grants:
        RoleGrant.objects.get_or_create(
            user=user, jurisdiction_id=jurisdiction, role=role, defaults={"data_scope": scope} if scope else {}
        )
    return user


def setup(scale: int, out: Any = print) -> dict[str, Any]:
    """Bring the bench database to ``scale``; returns the users (by role) and facts the workloads need."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from bench import approval_bench, command_bench, enforcement_bench, grid_bench
    from township.cases.counts import rebuild
    from township.cases.models import Case, CaseDayCount
    from township.org.models import DataScope, Jurisdiction, Level, User

    with timed("migrate", out):
        call_command("migrate", verbosity=0)
    if not User.objects.filter(username="clerk").exists():
        with timed("seed_demo", out):
            call_command("seed_demo", verbosity=0)
    ensure_baseline_table()
    before = Case.objects.count()
    with timed("cases (case-engine bench)", out):
        command_bench.setup(_quiet_ctx(scale, out))
    with timed("grid events", out):
        grid_bench.setup(max(10_000, scale // 10))
    with timed("applications", out):
        approval_bench.setup(_quiet_ctx(max(10_000, scale // 10), out))
    with timed("enforcement pool and penalty cases", out):
        enforcement_bench.setup(_quiet_ctx(max(10_000, scale // 10), out))
    if Case.objects.count() != before:
        with timed("per-day counts rebuilt", out):
            rebuild(Case, CaseDayCount)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with timed("draw plans", out):
        plans = _draw_plans(DRAW_PLANS)
    with timed("new cases for the transition workload", out):
        _new_cases(NEW_CASES, out)

    towns = list(Jurisdiction.objects.filter(level=Level.TOWN).order_by("code").values_list("code", flat=True))
    others = [t for t in towns if t != BAISHA]
    # The quietest town (fewest open bench cases) for the workbench's small side.
    open_by_town = dict(
        Case.objects.filter(case_type="bench", closed_at__isnull=True, jurisdiction_id__in=others)
        .values_list("jurisdiction_id")
        .annotate(n=Count("id"))
        .values_list("jurisdiction_id", "n")
    )
    small_town = min(others, key=lambda t: open_by_town.get(t, 0))
    jiangyin = "320281"
    users = {
        "clerk": _staff("bench_clerk", [(BAISHA, "window_clerk", "")]),
        "clerk_small": _staff("bench_clerk_small", [(small_town, "window_clerk", "")]),
        "tx_clerk": _staff("bench_http_tx", [(t, "window_clerk", "") for t in [BAISHA, *others[: TX_TOWNS - 1]]]),
        "leader": _staff("bench_leader", [(BAISHA, "leader", DataScope.ALL)]),
        "dispatcher": _staff("bench_dispatcher", [(jiangyin, "dispatcher", DataScope.UNIT_AND_BELOW)]),
        "patroller": _staff("bench_patroller", [(jiangyin, "grid_patroller", DataScope.UNIT_AND_BELOW)]),
        "officer": _staff("bench_enf_officer", [(BAISHA, "enforcement_officer", ""), (BAISHA, "leader", "")]),
    }
    open_big = Case.objects.filter(case_type="bench", jurisdiction_id=BAISHA, closed_at__isnull=True).count()
    return {
        "users": users,
        "plans": plans,
        "small_town": small_town,
        "open_big": open_big,
        "open_small": open_by_town.get(small_town, 0),
        "tx_towns": _tx_towns(),
        "licence_item": approval_bench._catalog()["licence"].pk,
        "applicant": _applicant_id(),
    }


def _new_cases(wanted: int, out: Any) -> None:
    """Each transition request takes a different case in state 新建 (the history has none: it is generated as
    worked, waiting or done); top them up in the clerk's towns to ``wanted`` before every run."""
    from bench.cases_bench import generate
    from township.cases.models import Case
    from township.org.models import Jurisdiction, Level

    towns = _tx_towns()
    have = Case.objects.filter(case_type="bench", state="new", jurisdiction_id__in=towns).count()
    if have >= wanted:
        return
    villages: dict[str, list[str]] = {}
    for code, parent in Jurisdiction.objects.filter(level=Level.VILLAGE, parent_id__in=towns).values_list(
        "code", "parent_id"
    ):
        villages.setdefault(parent, []).append(code)
    out(f"  {wanted - have:,} new cases in {len(towns)} towns ({have:,} left)")
    generate(wanted - have, towns=towns, villages=villages, out=out, seed=have, state_mix=[("new", 1)])


def _tx_towns() -> list[str]:
    from township.org.models import Jurisdiction, Level

    towns = list(Jurisdiction.objects.filter(level=Level.TOWN).order_by("code").values_list("code", flat=True))
    return [BAISHA, *[t for t in towns if t != BAISHA][: TX_TOWNS - 1]]


def _applicant_id() -> str:
    from township.subjects.models import Subject

    return Subject.objects.filter(name__startswith="基准申请人").order_by("id").first().resident_id


def _draw_plans(n: int) -> list[int]:
    """Keep ``n`` undrawn plans over the bench pool (two departments, 100,000 subjects, 1,000 inspectors)."""
    from bench.enforcement_bench import _departments, _officer
    from township.enforcement import inspection
    from township.enforcement.models import InspectionItem, InspectionPlan

    officer = _officer()
    depts = _departments()
    items = list(InspectionItem.objects.filter(jurisdiction_id=BAISHA, department__in=depts))
    undrawn = list(
        InspectionPlan.objects.filter(jurisdiction_id=BAISHA, name__startswith="HTTP基准计划")
        .exclude(status="drawn")
        .order_by("id")
        .values_list("id", flat=True)
    )
    k = InspectionPlan.objects.filter(name__startswith="HTTP基准计划").count()
    while len(undrawn) < n:
        k += 1
        plan = inspection.inspection_plan_create(
            jurisdiction=BAISHA,
            name=f"HTTP基准计划{k}",
            departments=depts,
            items=items,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            ratios={"A": 0.01, "B": 0.03, "C": 0.05, "D": 0.1},
            actor=officer,
        )
        undrawn.append(plan.pk)
    return undrawn


def api_token(user: Any) -> str:
    from township.org.services import api_token_create

    return api_token_create(user=user, name="http-bench")[1]


def session_cookie(user: Any) -> str:
    """``name=value`` of a signed-in session of ``user`` (for the HTML views and their JSON feeds)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def write_ids(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    """One request's fields per line, tab-separated (the Lua scripts substitute ``{1}``, ``{2}`` …)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(str(v) for v in row) + "\n" for row in rows))
    return path


def new_case_ids(towns: list[str], limit: int) -> list[int]:
    from township.cases.models import Case

    return list(
        Case.objects.filter(case_type="bench", state="new", jurisdiction_id__in=towns)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def grid_points(limit: int = 1557) -> list[tuple[float, float]]:
    """The centre of each of 江阴's third-level grids (inside a grid; the rectangles of the generated grids)."""
    from township.grid.models import Grid

    rows = Grid.objects.filter(code__startswith="320281", level=3).values_list(
        "min_lon", "min_lat", "max_lon", "max_lat"
    )[:limit]
    return [(round((a + c) / 2, 6), round((b + d) / 2, 6)) for a, b, c, d in rows]


def undrawn_plans() -> list[int]:
    from township.enforcement.models import InspectionPlan

    return list(
        InspectionPlan.objects.filter(jurisdiction_id=BAISHA, name__startswith="HTTP基准计划")
        .exclude(status="drawn")
        .order_by("id")
        .values_list("id", flat=True)
    )
