"""Demo 督办 in 白沙镇: the town leader supervises the most overdue open cases; one has been answered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from township.org.models import User

BAISHA = "500116108"


def finish(stdout: Any) -> None:
    """After every app's demo data exists (so there are overdue cases of several types to supervise)."""
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
