"""The command center's demo in 白沙镇: 督办, a published evaluation, a file review and today's positions."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from township.org.models import User

BAISHA = "500116108"


def finish(stdout: Any) -> None:
    """After every app's demo data exists: 督办 on urgent cases, last month's evaluation, a file review, today's
    positions. Each part is skipped when it exists (a second seed_demo changes nothing)."""
    seed_supervisions(stdout)
    seed_evaluation(stdout)
    seed_file_review(stdout)
    seed_positions(stdout)
    seed_patrol_positions(stdout)


def seed_supervisions(stdout: Any) -> None:
    """The town leader supervises the most urgent open case of each type; one 督办 has been answered."""
    from township.cases.models import Case
    from township.command.models import Supervision
    from township.command.present import case_page
    from township.command.services import supervision_answer, supervision_issue

    if Supervision.objects.filter(jurisdiction_id=BAISHA).exists():
        return
    leader = User.objects.filter(username="leader").first()
    if leader is None:
        return
    now = timezone.now()
    picked: list[Case] = []
    for case_type in (
        Case.objects.filter(jurisdiction_id=BAISHA, closed_at__isnull=True, due_at__isnull=False)
        .values_list("case_type", flat=True)
        .distinct()
    ):
        case = (
            Case.objects.filter(
                jurisdiction_id=BAISHA, case_type=case_type, closed_at__isnull=True, due_at__isnull=False
            )
            .order_by("due_at", "id")
            .first()
        )
        if case is not None:
            picked.append(case)
    made = 0
    for i, case in enumerate(sorted(picked, key=lambda c: (c.due_at or now, c.pk))[:4]):
        s = supervision_issue(
            case=case,
            actor=leader,
            instruction="该件临近或已超办理期限，请承办人员说明进展，于期限内办结并答复。",
            due_at=now + timedelta(days=2 + i),
            url=case_page(case),
        )
        made += 1
        responsible = list(s.responsible.all())
        if i == 0 and responsible:
            supervision_answer(supervision=s, actor=responsible[0], answer="已联系当事人，本周内办结。")
    stdout.write(f"command: {made} 督办 in 白沙镇\n")


def _month_start(day: Any) -> Any:
    return day.replace(day=1)


def seed_evaluation(stdout: Any) -> None:
    """Last month's evaluation of 白沙镇, computed and published (so the page and the 大屏 show a frozen month)."""
    from township.command.evaluation import evaluation_compute, evaluation_publish
    from township.command.models import EvaluationPeriod
    from township.org.models import Jurisdiction

    leader = User.objects.filter(username="leader").first()
    town = Jurisdiction.objects.filter(code=BAISHA).first()
    if leader is None or town is None:
        return
    last = _month_start(_month_start(timezone.localdate()) - timedelta(days=1))
    if EvaluationPeriod.objects.filter(jurisdiction=town, month=last).exists():
        return
    period = evaluation_publish(actor=leader, period=evaluation_compute(actor=leader, jurisdiction=town, month=last))
    stdout.write(f"command: evaluation of 白沙镇 for {last:%Y-%m} published ({period.scores.count()} figures)\n")


def seed_file_review(stdout: Any) -> None:
    """A 案卷评查 of the closed case files of the type with the most closed cases in 白沙镇 over the last year."""
    from django.db.models import Count

    from township.cases.models import Case
    from township.command.models import FileReviewPlan
    from township.command.review import review_plan_create
    from township.core.errors import DomainError
    from township.org.models import Jurisdiction

    if FileReviewPlan.objects.filter(jurisdiction_id=BAISHA).exists():
        return
    leader = User.objects.filter(username="leader").first()
    town = Jurisdiction.objects.filter(code=BAISHA).first()
    top = (
        Case.objects.filter(jurisdiction_id=BAISHA, closed_at__isnull=False)
        .values("case_type")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if leader is None or town is None or top is None:
        return
    today = timezone.localdate()
    try:
        plan = review_plan_create(
            actor=leader,
            jurisdiction=town,
            title=f"{today:%Y}年度案卷评查（演示）",
            case_type=top["case_type"],
            closed_from=today - timedelta(days=365),
            closed_to=today,
            count=min(5, top["n"]),
            reviewers_per_file=1,
            seed=f"baisha-{today:%Y}-demo",
        )
    except DomainError as e:  # e.g. no reviewer free of conflicts in the demo
        stdout.write(f"command: no file review drawn ({e.message})\n")
        return
    stdout.write(f"command: file review of {plan.items.count()} files drawn (seed {plan.seed})\n")


def seed_positions(stdout: Any) -> None:
    """Today's patrol positions of the demo patroller and officer (a loop around the town centre)."""
    import math

    from township.command.models import LastPosition
    from township.command.positions import positions_record

    now = timezone.now()
    for username, lon0, lat0 in (("patroller", 106.128, 29.071), ("officer", 106.118, 29.066)):
        user = User.objects.filter(username=username).first()
        if user is None or LastPosition.objects.filter(user=user).exists():
            continue
        points = []
        for i in range(24):
            angle = i / 24 * 2 * math.pi
            points.append(
                {
                    "client_id": f"demo-{username}-{now:%Y%m%d}-{i}",
                    "at": (now - timedelta(minutes=5 * (24 - i))).isoformat(),
                    "lon": lon0 + 0.006 * math.cos(angle),
                    "lat": lat0 + 0.004 * math.sin(angle),
                    "accuracy": 10,
                }
            )
        try:
            positions_record(actor=user, points=points)
        except Exception as e:  # noqa: BLE001 - a demo account without a field role in one town
            stdout.write(f"command: no positions for {username} ({e})\n")


def seed_patrol_positions(stdout: Any) -> None:
    """Today's patrols of the grid demo (尚村镇) also reached the positions API, as the phone app sends each batch to
    both: the 大屏 shows those patrollers' last positions and today's tracks. Skipped for anyone who has one."""
    from township.command.models import LastPosition
    from township.command.positions import positions_record
    from township.grid.selectors import patrol_points_since

    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    sent = 0
    for (user_id, town), points in patrol_points_since(start).items():
        user = User.objects.filter(pk=user_id).first()
        if user is None or LastPosition.objects.filter(user=user).exists():
            continue
        batch = [
            {"client_id": f"patrol-point-{pk}", "at": at.isoformat(), "lon": lon, "lat": lat}
            for pk, at, lon, lat in points
            if at <= timezone.now()
        ]
        if batch:
            sent += positions_record(actor=user, points=batch[:500], jurisdiction=town).accepted
    stdout.write(f"command: {sent} patrol positions sent to the 大屏\n")
