"""Approval bench: N applications (default scale 1M on PostgreSQL), then the full lifecycle throughput
(submit → accept → approve → issue → close, through the services with certificate signing) and the
clerk's and approver's worklist latency (p50/p95) through the API and the workbench page.

Data: ``setup(ctx)`` publishes the small Ms Luo catalog in 白沙镇 (if missing), registers a pool of
applicants, and tops the database up to ``ctx.scale`` applications spread over every town (白沙镇 10 %),
states submitted 25 % / awaiting_supplement 5 % / under_review 25 % / closed 45 %, each with its Case,
a hash-chained ``open`` event and the Application row (bulk inserts; COPY on PostgreSQL).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from bench.cases_bench import BATCH, _analyze, _insert, _Quiet, _reserve_ids
from bench.common import Context, Measurement, measure, timed

BAISHA = "500116108"
STATE_MIX = [("submitted", 25), ("awaiting_supplement", 5), ("under_review", 25), ("closed", 45)]
APPLICANTS = 2000


def _staff(username: str, role: str, full_name: str) -> Any:
    from township.org.models import RoleGrant, User

    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    RoleGrant.objects.get_or_create(user=user, jurisdiction_id=BAISHA, role=role)
    return user


def _catalog() -> dict[str, Any]:
    from township.approval.testing import build_catalog
    from township.catalog.models import Item
    from township.org.models import Department, Jurisdiction

    head = _staff("bench_head", "approval_head", "基准负责人")
    town = Jurisdiction.objects.get(pk=BAISHA)
    dept = Department.objects.filter(jurisdiction=town, kind="approval").first()
    if dept is None:
        dept = Department.objects.create(jurisdiction=town, name="行政审批局", kind="approval")
    if not dept.uscc:
        from township.approval.testing import BUREAU_USCC

        dept.uscc = BUREAU_USCC
        dept.save(update_fields=["uscc"])
    existing = {i.name: i for i in Item.objects.filter(jurisdiction_id=BAISHA, implementation_code__startswith="B-")}
    if {"个体工商户登记", "食品经营许可", "社会保险登记"} <= set(existing):
        return {
            "licence": existing["个体工商户登记"],
            "food": existing["食品经营许可"],
            "insurance": existing["社会保险登记"],
        }
    return build_catalog(head, town)


def _applicants() -> list[int]:
    from township.core.identifiers import resident_id_check_char
    from township.subjects.models import Subject

    # resident_id is encrypted (no prefix lookup): the bench applicants are known by their name.
    have = list(Subject.objects.filter(name__startswith="基准申请人").values_list("id", flat=True))
    if len(have) >= APPLICANTS:
        return have[:APPLICANTS]
    rows = []
    for i in range(APPLICANTS):
        body = f"5001161990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
        rid = body + resident_id_check_char(body)
        rows.append(Subject(kind="person", resident_id=rid, name=f"基准申请人{i}"))
    Subject.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    return list(Subject.objects.filter(name__startswith="基准申请人").values_list("id", flat=True))


def generate(n: int, *, towns: list[str], versions: list[Any], subjects: list[int], out: Any) -> None:
    from django.db import transaction
    from django.utils import timezone

    from township.approval.models import Application
    from township.cases.hashing import chain_hash, event_content
    from township.cases.models import Case, CaseCounter, CaseEvent

    rng = random.Random(11 + n)
    now = timezone.now()
    others = [t for t in towns if t != BAISHA] or [BAISHA]
    share = {BAISHA: n // 10}
    rest = n - share[BAISHA]
    for i, town in enumerate(others):
        share[town] = share.get(town, 0) + rest // len(others) + (1 if i < rest % len(others) else 0)
    states = [s for s, w in STATE_MIX for _ in range(w)]
    year = timezone.localtime(now).year
    done = 0
    for town, count in share.items():
        counter, _ = CaseCounter.objects.get_or_create(
            jurisdiction_id=town, case_type="approval_application", year=year
        )
        start_no = counter.last
        for offset in range(0, count, BATCH):
            size = min(BATCH, count - offset)
            ids = _reserve_ids(size)
            cases, events, apps = [], [], []
            for k, pk in enumerate(ids):
                state = rng.choice(states)
                version = rng.choice(versions)
                opened = now - timedelta(days=rng.uniform(0, 60))
                running = state in ("under_review", "closed")
                due = opened + timedelta(days=5, hours=rng.randint(0, 120))
                case = Case(
                    pk=pk,
                    case_type="approval_application",
                    jurisdiction_id=town,
                    number=f"{town[-3:]}审〔{year}〕{start_no + offset + k + 1:07d}",
                    title=version.snapshot["name"],
                    state=state,
                    opened_at=opened,
                    clock_unit="working_days" if running else "",
                    clock_limit=3 if running else None,
                    clock_started_at=opened if running else None,
                    due_at=due if running else None,
                    yellow_at=due - timedelta(days=2) if running else None,
                    red_at=due - timedelta(days=1) if running else None,
                    clock_paused_at=opened if state == "awaiting_supplement" else None,
                    clock_stopped_at=opened + timedelta(days=2) if state == "closed" else None,
                    closed_at=opened + timedelta(days=2) if state == "closed" else None,
                )
                content = event_content(
                    case_id=pk,
                    seq=1,
                    kind="open",
                    name="open",
                    from_state="",
                    to_state="submitted",
                    actor_id=None,
                    at=opened,
                    data={},
                    comment="",
                    jurisdiction_id=town,
                )
                digest = chain_hash("", content)
                case.head_seq, case.head_hash, case.version = 1, digest, 1
                events.append(
                    CaseEvent(
                        case_id=pk,
                        jurisdiction_id=town,
                        seq=1,
                        kind="open",
                        name="open",
                        label="open",
                        to_state="submitted",
                        at=opened,
                        data={},
                        prev_hash="",
                        hash=digest,
                    )
                )
                cases.append(case)
                apps.append(
                    Application(
                        jurisdiction_id=town,
                        case_id=pk,
                        kind="single",
                        applicant_id=rng.choice(subjects),
                        channel=rng.choice(["online", "window", "window", "village_agent"]),
                        item_id=version.item_id,
                        item_version_id=version.pk,
                        title=version.snapshot["name"],
                        received_at=opened,
                        accepted_at=opened if running else None,
                        accept_mode="normal" if running else "",
                        created_at=opened,
                    )
                )
            with transaction.atomic():
                _insert(Case, cases, now)
                _insert(CaseEvent, events, now)
                Application.objects.bulk_create(apps, batch_size=BATCH)
            done += size
            if done // 50000 != (done - size) // 50000:
                out(f"    {done:,}/{n:,} applications")
        CaseCounter.objects.filter(pk=counter.pk).update(last=start_no + count)


def setup(ctx: Context) -> None:
    from township.approval.models import Application
    from township.catalog.selectors import item_version_current
    from township.core.demo import seed as seed_org
    from township.org.models import Jurisdiction, Level

    seed_org(_Quiet())
    catalog = _catalog()
    versions = [item_version_current(catalog[k]) for k in ("licence", "food", "insurance")]
    subjects = _applicants()
    towns = list(Jurisdiction.objects.filter(level=Level.TOWN).order_by("code").values_list("code", flat=True))
    have = Application.objects.count()
    if have < ctx.scale:
        ctx.out(f"  generating {ctx.scale - have:,} applications over {len(towns)} towns ({have:,} present)")
        with timed("generated", ctx.out):
            generate(ctx.scale - have, towns=towns, versions=versions, subjects=subjects, out=ctx.out)
    else:
        ctx.out(f"  {have:,} applications present (scale {ctx.scale:,})")
    _analyze()
    ctx.extra.update(
        catalog=catalog,
        subjects=subjects,
        clerk=_staff("bench_appr_clerk", "window_clerk", "基准窗口"),
        approver=_staff("bench_appr_approver", "approver", "基准审批"),
    )


# --- workloads ---------------------------------------------------------------------------------


def lifecycle(ctx: Context) -> Measurement:
    """submit (window, paper originals) → accept → approve → issue (SM2-signed certificate) → close."""
    from township.approval import services as svc
    from township.subjects.models import Subject

    clerk, approver = ctx.extra["clerk"], ctx.extra["approver"]
    item = ctx.extra["catalog"]["insurance"]
    subjects = list(Subject.objects.filter(pk__in=ctx.extra["subjects"][:200]))
    codes = ["yyzz", "sfz"]

    def run(i: int) -> None:
        subject = subjects[i % len(subjects)]
        app = svc.application_submit(
            actor=clerk, item=item, applicant=subject, channel="window", paper=codes, use_library=False
        )
        svc.application_accept(application=app, actor=clerk)
        svc.application_approve(application=app, actor=approver)

    return measure(run, ctx.n, note="services, one full application per iteration")


def clerk_worklist_api(ctx: Context) -> Measurement:
    """GET /api/v1/approval/worklist/window?limit=20 (待受理/待补正, oldest first) as a 白沙镇 clerk."""
    client = ctx.client(ctx.extra["clerk"])

    def call(_i: int) -> None:
        response = client.get("/api/v1/approval/worklist/window?limit=20")
        assert response.status_code == 200, response.content[:300]

    return measure(call, ctx.n, note="API worklist, 20 rows")


def approver_queue_api(ctx: Context) -> Measurement:
    """GET /api/v1/approval/worklist/review?limit=20 (by due time) as a 白沙镇 approver."""
    client = ctx.client(ctx.extra["approver"])

    def call(_i: int) -> None:
        response = client.get("/api/v1/approval/worklist/review?limit=20")
        assert response.status_code == 200, response.content[:300]

    return measure(call, ctx.n, note="API approver queue, 20 rows")


def window_page(ctx: Context) -> Measurement:
    """GET /approval/window/ (the workbench page with the worklist and the queue panel)."""
    client = ctx.client(ctx.extra["clerk"])

    def call(_i: int) -> None:
        response = client.get("/approval/window/")
        assert response.status_code == 200, response.status_code

    return measure(call, ctx.n, note="HTML workbench")


WORKLOADS = {
    "lifecycle": lifecycle,
    "clerk_worklist_api": clerk_worklist_api,
    "approver_queue_api": approver_queue_api,
    "window_page": window_page,
}
