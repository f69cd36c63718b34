"""一线贯通: every decided application flows on to the enforcement bureau as exactly one supervision task.

``supervision_task_create`` is called by every decision (准予许可, 告知承诺 on the spot, 不予许可) inside the decision's
transaction. The task's purpose and intensity come from ``credit_effects.check_plan`` (the item's risk class, its
容缺/告知承诺 history, the applicant's computed grade); its due date is on the working-day clock
(``core.calendar.agency_add_working_days``; past the holiday table it is provisional and refreshed later), except the
告知承诺 check, which keeps the item's own check period in natural days (``commitment_check_days``).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from township.approval.credit_effects import check_plan, credit_standing
from township.approval.models import (
    AcceptMode,
    Application,
    Decision,
    Kind,
    VerificationMethod,
    VerificationTask,
)


def supervision_task_create(application: Application, *, method: str = "") -> VerificationTask | None:
    """The one supervision task of a decided application (idempotent: a second call returns the first task).
    ``method`` (告知承诺: the method chosen at the decision) overrides the plan's method. A bundle parent is not
    decided itself (each child is) and gets none."""
    if application.kind == Kind.BUNDLE or application.decision not in (Decision.APPROVED, Decision.DENIED):
        return None
    existing: VerificationTask | None = VerificationTask.objects.filter(application=application).first()
    if existing is not None:
        return existing
    from township.cases.services import case_note
    from township.core.calendar import agency_add_working_days

    standing = credit_standing(application.applicant, with_reason=False)
    snap = application.snapshot
    plan = check_plan(
        risk_class=snap.get("risk_class") or "",
        accept_mode=application.accept_mode,
        decision=application.decision,
        grade=standing["grade"],
        listed=standing["listed"] or standing["blacklisted"],
    )
    decided_on = timezone.localdate(application.decided_at or timezone.now())
    working_days: int | None = plan.working_days
    if application.accept_mode == AcceptMode.COMMITMENT and application.decision == Decision.APPROVED:
        from township.approval.services.provisional import commitment_check_due

        due, provisional = commitment_check_due(application, decided_on)
        working_days = None
    else:
        due, provisional = agency_add_working_days(decided_on, plan.working_days)
    task = VerificationTask.objects.create(
        jurisdiction_id=application.jurisdiction_id,
        application=application,
        village=application.village,
        subject=application.applicant,
        method=method if method in VerificationMethod.values else plan.method,
        purpose=plan.purpose,
        level=plan.level,
        risk_class=snap.get("risk_class") or "",
        credit_grade=standing["grade"],
        basis="；".join(plan.reasons),
        due_date=due,
        due_provisional=provisional,
        due_working_days=working_days,
    )
    case_note(
        case=application.case,
        actor=None,
        name="supervision_task",
        label=_("推送执法局事后监管：%(p)s，%(l)s") % {"p": task.get_purpose_display(), "l": task.get_level_display()},
        data={
            "task": task.pk,
            "purpose": task.purpose,
            "level": task.level,
            "due": due.isoformat(),
            "grade": task.credit_grade,
        },
        comment=task.basis,
    )
    return task
