"""Timed work and what follows an event: overdue escalation (called by the worker), the end of approved
postponements, 督办 (supervision) and the handover of an event to enforcement as a clue."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.models import Case, EventKind
from township.cases.services import case_note
from township.core.errors import DomainError, PermissionRefused
from township.grid.errors import Code
from township.grid.machine import CASE_TYPE, TIMED_STATES, S
from township.grid.models import Escalation, Event, Handover
from township.grid.services._common import HANDOVER_ROLES
from township.grid.services.events import event_postpone_end
from township.org.models import Role, User
from township.org.scoping import has_role

# =============================================================================================
# Escalation (called by the worker)
# =============================================================================================


def grid_escalate_overdue(now: datetime | None = None, *, limit: int = 1000) -> int:
    """Escalate overdue steps: level 1 warns the town's grid supervisor; level 2 (still overdue after
    another full step limit) goes to the leader of the next level up. Idempotent; returns rows created.
    """
    now = now or timezone.now()
    cases = list(
        Case.objects.filter(
            case_type=CASE_TYPE,
            state__in=TIMED_STATES,
            closed_at__isnull=True,
            clock_paused_at__isnull=True,
            clock_stopped_at__isnull=True,
            due_at__lt=now,
        )
        .select_related("jurisdiction")
        .order_by("due_at", "id")[:limit]
    )
    if not cases:
        return 0
    events = {e.case_id: e for e in Event.objects.filter(case__in=cases).only("id", "case_id", "jurisdiction_id")}
    done = set(Escalation.objects.filter(case__in=cases).values_list("case_id", "step_started_at", "level"))
    created = 0
    for case in cases:
        event = events.get(case.pk)
        if event is None or case.clock_started_at is None:
            continue
        step_span = case.due_at - case.clock_started_at
        levels = [1]
        if now > case.due_at + max(step_span, timedelta(hours=1)):
            levels.append(2)
        for level in levels:
            if (case.pk, case.clock_started_at, level) in done:
                continue
            if level == 1:
                to_role, to_jur = Role.GRID_SUPERVISOR, case.jurisdiction
            else:
                to_role = Role.LEADER
                to_jur = case.jurisdiction.parent or case.jurisdiction
            try:
                with transaction.atomic():
                    Escalation.objects.create(
                        jurisdiction_id=case.jurisdiction_id,
                        event=event,
                        case=case,
                        level=level,
                        state=case.state,
                        step_started_at=case.clock_started_at,
                        due_at=case.due_at,
                        to_role=to_role,
                        to_jurisdiction=to_jur,
                        at=now,
                    )
                    label = _("超期预警（督导员）") if level == 1 else _("超期升级（上一级）")
                    case_note(
                        case=case,
                        actor=None,
                        kind=EventKind.SYSTEM,
                        name="escalate",
                        label=label,
                        data={
                            "level": level,
                            "state": case.state,
                            "due_at": case.due_at.isoformat(),
                            "to_role": str(to_role),
                            "to_jurisdiction": to_jur.pk,
                        },
                    )
                created += 1
            except IntegrityError:
                continue  # another worker did it
    return created


def grid_postponements_end(now: datetime | None = None, *, limit: int = 500) -> int:
    """End the approved postponements whose working days have passed: the event returns to 处置中 and its clock
    resumes (run by the worker with the escalations). Idempotent; returns how many ended."""
    now = now or timezone.now()
    ended = 0
    for event in Event.objects.filter(
        case__state=S.POSTPONED, postponed_until__lt=now, case__case_type=CASE_TYPE
    ).select_related("case")[:limit]:
        try:
            event_postpone_end(event=event, actor=None, comment=_("延期届满，恢复处置"))
            ended += 1
        except DomainError:  # another worker ended it first
            continue
    return ended


def escalation_supervise(*, escalation: Escalation, actor: User, instruction: str) -> Escalation:
    """督办: the addressee of an escalation writes an instruction; it goes on the event's timeline for the handler.
    Once per escalation. Errors: not_addressee, instruction_required, already_supervised."""
    if not has_role(actor, escalation.to_jurisdiction_id, [escalation.to_role]):
        raise PermissionRefused(Code.NOT_ADDRESSEE, _("该超期事件不是升级给您的，不能督办"))
    instruction = (instruction or "").strip()
    if not instruction:
        raise DomainError(Code.INSTRUCTION_REQUIRED, _("请填写督办意见"), field="instruction")
    now = timezone.now()
    with transaction.atomic():
        claimed = Escalation.objects.filter(
            pk=escalation.pk, jurisdiction_id=escalation.jurisdiction_id, supervised_at__isnull=True
        ).update(supervised_at=now, supervised_by=actor, instruction=instruction)
        if not claimed:
            raise DomainError(Code.ALREADY_SUPERVISED, _("该超期事件已督办，请刷新后查看"))
        case_note(
            case=escalation.case,
            actor=actor,
            name="supervise",
            label=_("督办"),
            data={"escalation": escalation.pk, "level": escalation.level, "state": escalation.state},
            comment=instruction,
        )
    escalation.refresh_from_db()
    return escalation


# =============================================================================================
# Handover to enforcement
# =============================================================================================


def _deliver_clue(event: Event, actor: User, reason: str) -> str | None:
    """The one call site of the enforcement capability; None while it is not installed.

    Permission was checked by ``grid_event_to_clue``; the clue is created as a system call from the
    grid app (actor=None) so that grid heads and supervisors may hand over as well.
    """
    from django.apps import apps

    if not apps.is_installed("township.enforcement"):
        return None
    try:
        from township.enforcement.services import clue_create_from_grid_event
    except ImportError:
        return None
    clue = clue_create_from_grid_event(
        jurisdiction=event.jurisdiction_id,
        event_case=event.case,
        actor=None,
        summary=f"{event.event_class.name}：{event.description}\n{_('移交理由')}：{reason}",
        location={
            "lon": event.lon,
            "lat": event.lat,
            "address": event.address,
            "grid": event.grid.code if event.grid_id else None,
        },
    )
    return str(getattr(clue, "number", "") or getattr(clue, "pk", "") or "")


@transaction.atomic
def grid_event_to_clue(*, event: Event, actor: User, reason: str) -> Handover:
    """Turn an event into an enforcement clue (案源); recorded and listed even before enforcement exists."""
    if not (reason or "").strip():
        raise DomainError(Code.REASON_REQUIRED, _("请填写移交理由"), field="reason")
    if not has_role(actor, event.jurisdiction_id, HANDOVER_ROLES):
        raise PermissionRefused(Code.ROLE_REQUIRED, _("您没有移交执法的权限"))
    if Handover.objects.filter(jurisdiction_id=event.jurisdiction_id, event=event).exists():
        raise DomainError(Code.HANDOVER_EXISTS, _("该事件已移交执法"))
    ref = _deliver_clue(event, actor, reason)
    handover = Handover.objects.create(
        jurisdiction_id=event.jurisdiction_id,
        event=event,
        reason=reason,
        actor=actor,
        at=timezone.now(),
        delivered=ref is not None,
        clue_ref=ref or "",
    )
    case_note(
        case=event.case,
        actor=actor,
        name="handover",
        label=_("移交执法"),
        data={"handover": handover.pk, "clue": ref or ""},
        comment=reason,
    )
    return handover
