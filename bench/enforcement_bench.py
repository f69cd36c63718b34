"""Enforcement bench: the 双随机 draw over 100,000 subjects and 1,000 inspectors, and the penalty-case list at scale.

    .venv/bin/python bench/run.py enforcement --scale 1000000 --db postgres

Data (``setup``): 100,000 inspection targets in 白沙镇 with credit classes A 15 % / B 50 % / C 25 % / D 10 %,
1,000 credentialed officers over two departments (市场监管, 应急), 2,000 conflict-of-interest rows; ``ctx.scale``
penalty cases (Case + PenaltyCase, 10 % in 白沙镇, the rest over every town), states spread over the ordinary
procedure, decision deadlines spread ±60 days around today so every warning colour occurs.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from bench.cases_bench import BATCH, _analyze, _insert, _Quiet, _reserve_ids
from bench.common import Context, Measurement, measure, timed

BAISHA = "500116108"
TARGETS = 100_000
INSPECTORS = 1_000
CONFLICTS = 2_000
STATES = [
    ("filed", 10),
    ("investigating", 25),
    ("notified", 15),
    ("reviewed", 5),
    ("decided", 5),
    ("served", 10),
    ("paid", 10),
    ("closed", 10),
    ("archived", 10),
]


def _uscc(n: int) -> str:
    from township.core.identifiers import uscc_check_char

    body = f"91500116MA{n:07d}"
    return body + uscc_check_char(body)


def _departments() -> list[Any]:
    from township.org.models import Department

    out = []
    for name, kind in (("市场监管所（基准）", "market"), ("应急办（基准）", "work_safety")):
        dept, _ = Department.objects.get_or_create(jurisdiction_id=BAISHA, name=name, defaults={"kind": kind})
        out.append(dept)
    return out


def _pool(ctx: Context) -> None:
    from django.db import transaction
    from django.utils import timezone

    from township.enforcement.models import ConflictOfInterest, Credential, InspectionItem, InspectionTarget, Officer
    from township.org.models import RoleGrant, User

    now = timezone.now()
    depts = _departments()
    for d in depts:
        InspectionItem.objects.get_or_create(
            jurisdiction_id=BAISHA, code=f"BENCH-{d.pk}", defaults={"department": d, "name": f"基准抽查事项 {d.name}"}
        )
    have = InspectionTarget.objects.filter(jurisdiction_id=BAISHA).count()
    if have < TARGETS:
        rng = random.Random(11)
        classes = ["A"] * 15 + ["B"] * 50 + ["C"] * 25 + ["D"] * 10
        with timed(f"{TARGETS - have:,} inspection targets", ctx.out):
            for start in range(have, TARGETS, BATCH):
                rows = [
                    InspectionTarget(
                        jurisdiction_id=BAISHA,
                        uscc=_uscc(1_000_000 + i),
                        name=f"基准企业{i}",
                        credit_class=rng.choice(classes),
                        kind="enterprise",
                        address="",
                        active=True,
                    )
                    for i in range(start, min(TARGETS, start + BATCH))
                ]
                with transaction.atomic():
                    InspectionTarget.objects.bulk_create(rows, batch_size=BATCH)
    have = Officer.objects.filter(jurisdiction_id=BAISHA, department__in=depts).count()
    if have < INSPECTORS:
        with timed(f"{INSPECTORS - have:,} inspectors", ctx.out), transaction.atomic():
            users = User.objects.bulk_create(
                [User(username=f"bench_insp{i}", full_name=f"检查员{i}") for i in range(have, INSPECTORS)],
                batch_size=BATCH,
            )
            users = list(
                User.objects.filter(username__startswith="bench_insp")
                .exclude(pk__in=Officer.objects.filter(jurisdiction_id=BAISHA).values("user_id"))
                .order_by("id")
            )
            RoleGrant.objects.bulk_create(
                [RoleGrant(user=u, jurisdiction_id=BAISHA, role="enforcement_officer") for u in users],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
            Officer.objects.bulk_create(
                [
                    Officer(jurisdiction_id=BAISHA, user=u, department=depts[k % 2], created_at=now)
                    for k, u in enumerate(users)
                ],
                batch_size=BATCH,
            )
            officers = list(Officer.objects.filter(jurisdiction_id=BAISHA, user__in=users).order_by("id"))
            Credential.objects.bulk_create(
                [
                    Credential(
                        jurisdiction_id=BAISHA,
                        officer=o,
                        number=f"基准执法证{o.pk}",
                        issuer="重庆市人民政府",
                        valid_from=dt.date(2024, 1, 1),
                        valid_until=dt.date(2029, 12, 31),
                    )
                    for o in officers
                ],
                batch_size=BATCH,
            )
    if ConflictOfInterest.objects.filter(jurisdiction_id=BAISHA).count() < CONFLICTS:
        rng = random.Random(13)
        officer_ids = list(Officer.objects.filter(jurisdiction_id=BAISHA).values_list("id", flat=True))
        target_ids = list(InspectionTarget.objects.filter(jurisdiction_id=BAISHA).values_list("id", flat=True)[:50_000])
        pairs = {(rng.choice(officer_ids), rng.choice(target_ids)) for _ in range(CONFLICTS)}
        ConflictOfInterest.objects.bulk_create(
            [ConflictOfInterest(jurisdiction_id=BAISHA, officer_id=o, target_id=t, relation="基准") for o, t in pairs],
            batch_size=BATCH,
            ignore_conflicts=True,
        )


def _cases(ctx: Context) -> None:
    from django.db import transaction
    from django.utils import timezone

    from township.cases.models import Case
    from township.enforcement.machine import PENALTY_CASE
    from township.enforcement.models import PenaltyCase
    from township.org.models import Jurisdiction, Level

    have = PenaltyCase.objects.count()
    n = ctx.scale - have
    if n <= 0:
        ctx.out(f"  {have:,} penalty cases present (scale {ctx.scale:,})")
        return
    towns = list(Jurisdiction.objects.filter(level=Level.TOWN).order_by("code").values_list("code", flat=True))
    others = [t for t in towns if t != BAISHA] or [BAISHA]
    rng = random.Random(17 + n)
    now = timezone.now()
    today = timezone.localdate()
    states = [s for s, w in STATES for _ in range(w)]
    year = today.year
    with timed(f"{n:,} penalty cases", ctx.out):
        done = 0
        while done < n:
            size = min(BATCH, n - done)
            ids = _reserve_ids(size)
            cases, records = [], []
            for pk in ids:
                town = BAISHA if rng.random() < 0.1 else rng.choice(others)
                state = rng.choice(states)
                filed = now - dt.timedelta(days=rng.uniform(0, 150))
                cases.append(
                    Case(
                        pk=pk,
                        case_type=PENALTY_CASE,
                        jurisdiction_id=town,
                        number=f"{town[-3:]}罚〔{year}〕B{pk:09d}",
                        title=f"基准处罚案件 {pk}",
                        state=state,
                        opened_at=filed,
                        closed_at=filed + dt.timedelta(days=80) if state == "archived" else None,
                    )
                )
                records.append(
                    PenaltyCase(
                        jurisdiction_id=town,
                        case_id=pk,
                        procedure="ordinary",
                        domain=rng.choice(["city", "planning", "market", "work_safety"]),
                        party_kind="person",
                        party_name=f"当事人{pk}",
                        act_date=today - dt.timedelta(days=200),
                        filed_at=filed,
                        decision_due=today + dt.timedelta(days=rng.randint(-60, 60)),
                        investigators=[],
                        legal_review_grounds=[],
                        notice={},
                        discussion={},
                        decision={},
                        instalments={},
                        fine=Decimal("0"),
                        paid_fine=Decimal("0"),
                        paid_late_fine=Decimal("0"),
                    )
                )
            with transaction.atomic():
                _insert(Case, cases, now)
                _insert(PenaltyCase, records, now)
            done += size
            if done // 100_000 != (done - size) // 100_000:
                ctx.out(f"    {done:,}/{n:,}")


def _officer() -> Any:
    from township.org.models import RoleGrant, User

    user, _ = User.objects.get_or_create(username="bench_enf_officer", defaults={"full_name": "基准执法员"})
    RoleGrant.objects.get_or_create(user=user, jurisdiction_id=BAISHA, role="enforcement_officer")
    RoleGrant.objects.get_or_create(user=user, jurisdiction_id=BAISHA, role="leader")
    return user


def setup(ctx: Context) -> None:
    from township.core.demo import seed as seed_org

    seed_org(_Quiet())
    _pool(ctx)
    _cases(ctx)
    _analyze()
    ctx.extra["officer"] = _officer()


def draw(ctx: Context) -> Measurement:
    """One plan over two departments drawn end to end: snapshot of 100k subjects + 1k inspectors, SHA-256, draw,
    store ~10k joint visits."""
    from township.enforcement import inspection
    from township.enforcement.models import InspectionItem

    officer = ctx.extra["officer"]
    depts = _departments()
    items = list(InspectionItem.objects.filter(jurisdiction_id=BAISHA, department__in=depts))

    def once(i: int) -> None:
        plan = inspection.inspection_plan_create(
            jurisdiction=BAISHA,
            name=f"基准计划{i}",
            departments=depts,
            items=items,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            ratios={"A": 0.01, "B": 0.03, "C": 0.05, "D": 0.1},
            actor=officer,
        )
        inspection.inspection_plan_draw(plan=plan, actor=officer, seed=f"bench-{i}")

    return measure(once, max(1, min(ctx.n, 5)), warmup=1, note=f"{TARGETS:,} subjects, {INSPECTORS:,} inspectors")


def draw_pure(ctx: Context) -> Measurement:
    """The pure draw alone (no database) over the same snapshot, to separate compute from I/O."""
    from township.enforcement import draw as drawing
    from township.enforcement.inspection import build_snapshot
    from township.enforcement.models import InspectionPlan

    plan = InspectionPlan.objects.filter(jurisdiction_id=BAISHA, status="drawn").order_by("-id").first()
    if plan is None:
        raise SystemExit("run the draw workload first")
    snap = build_snapshot(plan, dt.date(2026, 6, 1))
    return measure(lambda i: drawing.draw(snap, f"pure-{i}"), max(3, min(ctx.n, 10)), warmup=1)


def case_list(ctx: Context) -> dict[str, Measurement]:
    """The officer's case list (API page of 50, keyset) and the HTML list, plus a warning filter."""
    client = ctx.client(ctx.extra["officer"])

    def api(i: int) -> None:
        assert client.get("/api/v1/enforcement/cases?limit=50").status_code == 200

    def api_red(i: int) -> None:
        assert client.get("/api/v1/enforcement/cases?limit=50&warning=red").status_code == 200

    def html(i: int) -> None:
        assert client.get("/enforcement/cases/").status_code == 200

    return {
        "case_list_api": measure(api, ctx.n),
        "case_list_api_red": measure(api_red, ctx.n),
        "case_list_html": measure(html, ctx.n),
    }


def draw_stored_verified(ctx: Context) -> Measurement:
    """Issue 18: a draw over 100,000 subjects and 1,000 inspectors stored end to end (snapshot, SHA-256, draw, the
    ~7,600 visits, the plan), each one then reproduced from its seed by ``inspection_plan_verify`` (not timed)."""
    from township.enforcement import inspection
    from township.enforcement.models import InspectionItem, InspectionPlan

    officer = ctx.extra["officer"]
    depts = _departments()
    items = list(InspectionItem.objects.filter(jurisdiction_id=BAISHA, department__in=depts))
    plans: list[Any] = []

    def once(i: int) -> None:
        plan = inspection.inspection_plan_create(
            jurisdiction=BAISHA,
            name=f"基准计划（存储）{i}",
            departments=depts,
            items=items,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            ratios={"A": 0.01, "B": 0.03, "C": 0.05, "D": 0.1},
            actor=officer,
        )
        plans.append(inspection.inspection_plan_draw(plan=plan, actor=officer, seed=f"bench-stored-{i}"))

    m = measure(once, max(1, min(ctx.n, 5)), warmup=1)
    for plan in plans:
        ok, problems = inspection.inspection_plan_verify(InspectionPlan.objects.get(pk=plan.pk))
        assert ok, problems
    visits = len(plans[-1].result["visits"]) if plans else 0
    m.note = f"{TARGETS:,} subjects, {INSPECTORS:,} inspectors, {visits:,} visits stored; verify_draw OK"
    return m


WORKLOADS = {"draw": draw, "draw_pure": draw_pure, "draw_stored_verified": draw_stored_verified, "case_list": case_list}
