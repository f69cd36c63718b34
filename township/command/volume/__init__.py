"""A year of life in 白沙镇 (``seed_demo --volume town``): thousands of cases of every type, each lived through the
services at its own dates, so timelines, due dates, warnings, per-day counts and every summary stay consistent.

Each case's life runs under a travelling clock (time-machine): the services stamp ``timezone.now()``, so the clock
is moved to every step's moment. A step that would fall after the real present is not taken: the case stays where
it is (recent cases are open, a few already overdue). Deterministic (one seeded ``random.Random``), idempotent (the
run is marked done by its 12345 orders' external numbers, written last), and run after the normal demo.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from township.command.volume.base import MARKER, SCALES, TOWN, Clock, Life, Scale, World
from township.command.volume.cases import seed_applications, seed_events, seed_penalties
from township.command.volume.voices import seed_mediations, seed_opinions, seed_orders, seed_petitions
from township.core.errors import DomainError
from township.org.models import Jurisdiction, Role, RoleGrant, User

__all__ = ["MARKER", "SCALES", "TOWN", "Scale", "seed_volume", "volume_done"]

# --------------------------------------------------------------------------------------------- today, 督办, the run

FIELD_ROLES = (Role.ENFORCEMENT_OFFICER, Role.GRID_PATROLLER)


def seed_positions(world: World, tally: Counter[str]) -> None:
    """Today's tracks of the town's officers and grid workers: a loop each, from 08:00 to now (every 10 minutes)."""
    from township.command.positions import positions_record

    rng, now = world.rng, world.clock.real_now
    users = list(
        User.objects.filter(
            pk__in=RoleGrant.objects.filter(jurisdiction=world.town, role__in=FIELD_ROLES).values("user_id")
        ).order_by("username")
    )
    morning = now.replace(hour=8, minute=0, second=0, microsecond=0)
    if morning >= now:
        morning = now - timedelta(hours=3)
    steps = max(2, min(60, int((now - morning).total_seconds() // 600)))
    for n, user in enumerate(users):
        lon0, lat0 = rng.uniform(106.07, 106.19), rng.uniform(29.02, 29.12)
        radius = rng.uniform(0.003, 0.01)
        points = [
            {
                "client_id": f"vol-{user.username}-{now:%Y%m%d}-{i}",
                "at": (morning + (now - morning) * i / steps).isoformat(),
                "lon": lon0 + radius * math.cos(i / steps * 2 * math.pi + n),
                "lat": lat0 + radius * 0.7 * math.sin(i / steps * 2 * math.pi + n),
                "accuracy": rng.choice((5, 8, 10, 15)),
            }
            for i in range(steps + 1)
        ]
        try:
            with transaction.atomic():
                positions_record(actor=user, points=points, jurisdiction=TOWN)
            tally["positions"] += len(points)
        except DomainError:
            tally["positions: skipped"] += 1


def seed_supervisions(world: World, tally: Counter[str]) -> None:
    """督办 by the town leader on the most overdue open cases (one answered)."""
    from township.cases.selectors import case_list
    from township.command.present import case_page
    from township.command.services import supervision_answer, supervision_issue

    leader = world.user("leader")
    overdue = (
        case_list(actor=leader)
        .filter(jurisdiction_id=TOWN, closed_at__isnull=True, due_at__lt=world.clock.real_now)
        .order_by("due_at", "id")[:8]
    )
    for i, case in enumerate(overdue):
        try:
            with transaction.atomic():
                s = supervision_issue(
                    case=case,
                    actor=leader,
                    instruction="该件已超办理期限，请承办人员说明原因，限期办结并答复。",
                    due_at=world.clock.real_now + timedelta(days=2 + i % 3),
                    url=case_page(case),
                )
                responsible = list(s.responsible.all())
                if i % 3 == 0 and responsible:
                    supervision_answer(supervision=s, actor=responsible[0], answer="已联系当事人，三日内办结。")
            tally["督办"] += 1
        except DomainError:
            tally["督办: skipped"] += 1


def seed_evaluations(world: World, tally: Counter[str], months: int = 6) -> None:
    """考核 of the months before last, computed and published (last month is the command demo's own, published by
    its ``finish`` after the volume), so the rankings and their history show the year."""
    from township.command.evaluation import evaluation_compute, evaluation_publish
    from township.command.models import EvaluationPeriod

    leader = world.user("leader")
    first = world.clock.real_now.date().replace(day=1)
    month = first
    for _n in range(months + 1):
        month = (month - timedelta(days=1)).replace(day=1)
        if (
            month == (first - timedelta(days=1)).replace(day=1)
            or EvaluationPeriod.objects.filter(jurisdiction_id=TOWN, month=month).exists()
        ):
            continue
        try:
            with transaction.atomic():
                evaluation_publish(
                    actor=leader, period=evaluation_compute(actor=leader, jurisdiction=world.town, month=month)
                )
            tally["考核 months published"] += 1
        except DomainError:
            tally["考核: skipped"] += 1


def volume_done() -> bool:
    from township.hotline.selectors import order_queryset

    operator = User.objects.filter(username="hotline").first()
    return order_queryset(actor=operator).filter(external_no__startswith=MARKER).exists()


def seed_volume(stdout: Any, scale: str = "town", seed: int = 2026) -> Counter[str]:
    """Generate the year (see the module's docstring). Returns what was made, by kind."""
    try:
        import time_machine
    except ImportError:  # a development package (requirements-dev.txt)
        stdout.write("volume: time-machine 未安装，无法按日期回放一年的案件（pip install -r requirements-dev.txt）\n")
        return Counter()
    if scale not in SCALES:
        raise ValueError(scale)
    if not Jurisdiction.objects.filter(pk=TOWN).exists() or volume_done():
        stdout.write("volume: 白沙镇的一年数据已生成（或白沙镇不存在），跳过\n")
        return Counter()
    size, tally = SCALES[scale], Counter[str]()
    Life.tally = Counter()
    started = time.perf_counter()
    real_now = timezone.now()
    rng = random.Random(seed)
    parts: list[tuple[str, Callable[[World], None]]] = [
        ("审批办件", lambda w: seed_applications(w, size.applications, tally)),
        ("网格事件", lambda w: seed_events(w, size.events, tally)),
        ("行政处罚", lambda w: seed_penalties(w, size.penalties, size.summaries, tally)),
        ("社情民意", lambda w: seed_opinions(w, size.opinions, tally)),
        ("信访", lambda w: seed_petitions(w, size.petitions, tally)),
        ("人民调解", lambda w: seed_mediations(w, size.mediations, tally)),
        ("12345工单", lambda w: seed_orders(w, size.orders, tally)),  # last: its orders mark the run as done
    ]
    # One transaction per case (not one for the run: the apps' on-commit work, e.g. the grid's day buckets, stays
    # small); an interrupted run is best started again on a fresh database.
    with time_machine.travel(real_now, tick=False) as traveller:
        world = World(rng, Clock(traveller, real_now))
        for label, run in parts:
            t0 = time.perf_counter()
            run(world)
            stdout.write(f"volume: {label} 完成（{time.perf_counter() - t0:.1f} 秒）\n")
    with transaction.atomic():
        seed_positions(world, tally)
        seed_supervisions(world, tally)
        seed_evaluations(world, tally)
        _finish(stdout)
    tally.update(Life.tally)
    stdout.write("volume: " + "，".join(f"{k} {v}" for k, v in sorted(tally.items())) + "\n")
    stdout.write(f"volume: 白沙镇一年数据（{scale}）用时 {time.perf_counter() - started:.1f} 秒\n")
    return tally


def _finish(stdout: Any) -> None:
    """The per-day counts recounted from the cases (they were kept by the services; this only proves it cheaply)
    and the new timelines sealed in a checkpoint."""
    from township.cases.counts import rebuild
    from township.cases.integrity import checkpoint_create, heads_unsealed
    from township.cases.models import Case, CaseDayCount

    rebuild(Case, CaseDayCount)
    if heads_unsealed():
        cp = checkpoint_create()
        stdout.write(f"volume: timeline checkpoint {cp.pk}: {cp.seal_count} case(s) sealed\n")
