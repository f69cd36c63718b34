"""督办 and 站内通知: writes. Every 督办 lands on the case's timeline (the engine's ``case_note``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.models import Assignment, Case
from township.cases.registry import machine_for
from township.cases.services import case_note
from township.command.errors import CommandConflict, CommandError, CommandForbidden
from township.command.models import Notice, Supervision, SupervisionStatus
from township.org.models import Role, RoleGrant, User
from township.org.scoping import has_role

# Who may issue a 督办: the leaders and the command center (CONVENTIONS 督查督办).
LEADING_ROLES: tuple[str, ...] = (Role.LEADER, Role.DISPATCHER, Role.GRID_SUPERVISOR)
MAX_SUPERVISION_DAYS = 30
MAX_RESPONSIBLE = 20


def notice_send(*, recipients: Iterable[User], jurisdiction_id: str, title: str, body: str = "", url: str = "") -> int:
    """Put one message into each recipient's inbox (站内通知)."""
    now = timezone.now()
    rows = [
        Notice(
            jurisdiction_id=jurisdiction_id,
            recipient=user,
            title=title[:200],
            body=body,
            url=url[:300],
            created_at=now,
        )
        for user in {u.pk: u for u in recipients}.values()
    ]
    Notice.objects.bulk_create(rows)
    return len(rows)


def notice_mark_read(*, notice: Notice, actor: User) -> Notice:
    if notice.recipient_id != actor.pk:
        from township.core.errors import NotFound

        raise NotFound()
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def responsible_for(case: Case) -> list[User]:
    """The people answerable for ``case`` now: its active 承办/协办 assignees; else the staff of its active 承办/协办
    departments; else whoever holds a role that moves the case on from its current state in its unit."""
    active = list(
        Assignment.objects.filter(jurisdiction_id=case.jurisdiction_id, case=case, ended_at__isnull=True)
        .select_related("assignee")
        .order_by("role", "id")
    )
    people = [a.assignee for a in active if a.assignee is not None and a.assignee.is_active]
    if people:
        return people[:MAX_RESPONSIBLE]
    departments = [a.department_id for a in active if a.department_id]
    units = [case.jurisdiction_id, case.village_id] if case.village_id else [case.jurisdiction_id]
    grants = RoleGrant.objects.filter(jurisdiction_id__in=units, user__is_active=True)
    if departments:
        grants = grants.filter(department_id__in=departments)
    else:
        try:
            machine = machine_for(case.case_type)
        except LookupError:
            return []
        roles = {r for t in machine.transitions if case.state in t.sources for r in t.roles if r in Role.values}
        if not roles:
            return []
        grants = grants.filter(role__in=sorted(roles))
    ids = list(grants.values_list("user_id", flat=True).distinct()[:MAX_RESPONSIBLE])
    return list(User.objects.filter(pk__in=ids).order_by("id"))


@transaction.atomic
def supervision_issue(*, case: Case, actor: User, instruction: str, due_at: datetime, url: str = "") -> Supervision:
    """督办: an instruction with a deadline on an open case, noted on its timeline, sent to the responsible people."""
    if not has_role(actor, case.jurisdiction_id, LEADING_ROLES):
        raise CommandForbidden("supervise_role_required")
    if case.closed_at is not None:
        raise CommandConflict("supervise_case_closed")
    instruction = (instruction or "").strip()
    if not instruction:
        raise CommandError("supervise_instruction_required")
    now = timezone.now()
    if due_at <= now or due_at > now + timedelta(days=MAX_SUPERVISION_DAYS):
        raise CommandError("supervise_due_invalid")
    supervision = Supervision.objects.create(
        jurisdiction_id=case.jurisdiction_id,
        case=case,
        instruction=instruction[:2000],
        due_at=due_at,
        issued_by=actor,
        issued_at=now,
    )
    people = responsible_for(case)
    supervision.responsible.set(people)
    due_text = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
    case_note(
        case=case,
        actor=actor,
        name="supervise",
        label=_("督办（%(due)s 前答复）") % {"due": due_text},
        data={"supervision": supervision.pk, "due_at": due_at.isoformat(), "responsible": [u.pk for u in people]},
        comment=instruction,
    )
    notice_send(
        recipients=people,
        jurisdiction_id=case.jurisdiction_id,
        title=_("督办：%(number)s，请于 %(due)s 前答复") % {"number": case.number, "due": due_text},
        body=instruction,
        url=url,
    )
    return supervision


def may_answer(supervision: Supervision, actor: User | Any) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return supervision.responsible.filter(pk=actor.pk).exists()


@transaction.atomic
def supervision_answer(*, supervision: Supervision, actor: User, answer: str, url: str = "") -> Supervision:
    """The responsible person's answer: noted on the case's timeline and sent to whoever issued the 督办."""
    locked: Supervision = Supervision.objects.select_for_update().get(
        pk=supervision.pk, jurisdiction_id=supervision.jurisdiction_id
    )
    if locked.status != SupervisionStatus.OPEN:
        raise CommandConflict("supervise_answered")
    if not may_answer(locked, actor):
        raise CommandForbidden("supervise_not_responsible")
    answer = (answer or "").strip()
    if not answer:
        raise CommandError("supervise_answer_required")
    now = timezone.now()
    locked.status = SupervisionStatus.ANSWERED
    locked.answer = answer[:4000]
    locked.answered_by = actor
    locked.answered_at = now
    locked.answered_late = now > locked.due_at
    locked.save(update_fields=["status", "answer", "answered_by", "answered_at", "answered_late"])
    case = locked.case
    case_note(
        case=case,
        actor=actor,
        name="supervise_answer",
        label=_("督办答复（逾期）") if locked.answered_late else _("督办答复"),
        data={"supervision": locked.pk, "late": locked.answered_late},
        comment=answer,
    )
    notice_send(
        recipients=[locked.issued_by],
        jurisdiction_id=locked.jurisdiction_id,
        title=_("督办已答复：%(number)s") % {"number": case.number},
        body=answer,
        url=url,
    )
    return locked
