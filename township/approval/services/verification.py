"""Post-approval supervision tasks (一线贯通; the 告知承诺 check among them), the interface for enforcement: the
checks and their outcomes; findings become clues, every final outcome writes its credit record."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.approval.errors import Code, error
from township.approval.models import (
    Application,
    SupervisionPurpose,
    VerificationOutcome,
    VerificationStatus,
    VerificationTask,
)
from township.approval.services.common import (
    VERIFY_ROLES,
    _notify_applicant,
)
from township.cases.services import case_note
from township.core.errors import NotFound
from township.org.models import Jurisdiction, User
from township.org.scoping import has_role

# ---- 告知承诺 post-approval verification (interface for enforcement) ---------------------------------


def verification_tasks_open(*, actor: User | None, jurisdiction: str | Jurisdiction) -> Any:
    """Open verification tasks of a jurisdiction the actor may work on (enforcement, approvers), by due date."""
    code = getattr(jurisdiction, "pk", jurisdiction)
    return (
        VerificationTask.objects.for_actor(actor, VERIFY_ROLES)
        .filter(jurisdiction_id=code, status__in=[VerificationStatus.OPEN, VerificationStatus.RECTIFYING])
        .select_related("application__case", "subject")
        .prefetch_related("application__certificate")  # may be the county's: read by id, not joined (Citus)
        .order_by("due_date", "id")
    )


@transaction.atomic
def verification_task_complete(
    *,
    task: VerificationTask,
    actor: User | None,
    note: str,
    passed: bool | None = None,
    outcome: str = "",
    rectify_days: int = 0,
) -> VerificationTask:
    """Record a 告知承诺 check (安阳条例 Art 57; 国办发〔2020〕42号) with its ``outcome``:

    - ``met``: done (``passed=True`` means the same);
    - ``rectify``: the conditions are not met — the applicant is ordered to rectify within ``rectify_days`` working
      days and the task stays open for the re-check; nothing is revoked and nothing goes into the credit file;
    - ``not_rectified`` (only after ``rectify``): the licence is revoked and the case reaches enforcement as a clue;
    - ``false``: a false pledge — the licence is revoked, a false-commitment credit record is written (which bars
      告知承诺 until repaired) and enforcement gets a clue.

    Errors: permission_denied, verification_done, note_required, outcome_required, rectify_days, outcome_order."""
    if actor is not None and not has_role(actor, task.jurisdiction_id, VERIFY_ROLES, task.village_id):
        raise NotFound()
    task = VerificationTask.objects.select_for_update().get(jurisdiction_id=task.jurisdiction_id, pk=task.pk)
    if task.status not in (VerificationStatus.OPEN, VerificationStatus.RECTIFYING):
        raise error(Code.VERIFICATION_DONE)
    if passed and not outcome:
        outcome = VerificationOutcome.MET
    if outcome not in VerificationOutcome.values:
        raise error(Code.OUTCOME_REQUIRED, field="outcome")
    if outcome != VerificationOutcome.MET and not (note or "").strip():
        raise error(Code.NOTE_REQUIRED, field="note", variant="verification")
    if outcome == VerificationOutcome.NOT_RECTIFIED and task.status != VerificationStatus.RECTIFYING:
        raise error(Code.OUTCOME_ORDER, field="outcome")
    if outcome == VerificationOutcome.RECTIFY and task.status == VerificationStatus.RECTIFYING:
        raise error(Code.OUTCOME_ORDER, field="outcome", variant="again")
    if outcome == VerificationOutcome.FALSE and task.purpose not in (
        SupervisionPurpose.COMMITMENT,
        SupervisionPurpose.GAP,
    ):
        raise error(Code.OUTCOME_PURPOSE, field="outcome")
    now = timezone.now()
    app = Application.objects.select_related("case", "applicant").get(
        jurisdiction_id=task.jurisdiction_id, pk=task.application_id
    )
    task.outcome = outcome
    task.note = note
    if outcome == VerificationOutcome.RECTIFY:
        from township.core.calendar import add_working_days

        if not 1 <= int(rectify_days or 0) <= 60:
            raise error(Code.RECTIFY_DAYS, field="rectify_days")
        task.status = VerificationStatus.RECTIFYING
        task.rectify_by = add_working_days(timezone.localdate(now), int(rectify_days))
        task.save(update_fields=["status", "outcome", "note", "rectify_by"])
        _verification_note(app, actor, task, note)
        _notify_applicant(
            app,
            _("承诺核查：请限期整改：%(t)s") % {"t": app.title},
            _("核查发现：%(n)s。请于%(d)s前整改到位，逾期未整改或整改后仍不符合条件的，依法撤销许可。")
            % {"n": note, "d": task.rectify_by.isoformat()},
        )
        return task
    task.status = VerificationStatus.PASSED if outcome == VerificationOutcome.MET else VerificationStatus.FAILED
    task.completed_at = now
    task.completed_by = actor
    task.save(update_fields=["status", "outcome", "note", "completed_at", "completed_by"])
    _verification_note(app, actor, task, note)
    if outcome in (VerificationOutcome.FALSE, VerificationOutcome.NOT_RECTIFIED):
        from township.certificates.services import certificate_revoke

        reason = _("告知承诺事后核查不通过：%(n)s") % {"n": note}
        if app.certificate_id and app.certificate.status != "revoked":
            certificate_revoke(certificate=app.certificate, actor=actor, reason=reason, source_case=app.case)
        _outcome_credit_record(app, task, actor, reason)
        # 审管联动: the failed check reaches the enforcement team as a clue (案源).
        from township.enforcement.services import clue_create_from_verification

        clue_create_from_verification(
            jurisdiction=app.jurisdiction_id, source_case=app.case, subject=app.applicant, actor=None, summary=reason
        )
        _notify_applicant(app, _("承诺核查不通过，证照已撤销：%(t)s") % {"t": app.title}, note)
    else:
        _outcome_credit_record(
            app, task, actor, _("事后监管核查符合：%(n)s") % {"n": note or task.get_purpose_display()}
        )
    return task


# What each final outcome writes into the credit file (every outcome writes its record; 限期整改 is not final):
# (kind, severity). 虚假承诺: serious (NDRC Order 36 tiers; DOMAIN2 §5.1 — a false pledge excludes 告知承诺 until
# repaired); not rectified: the licence is withdrawn for unmet conditions, general; met: a positive record.
OUTCOME_CREDIT = {
    VerificationOutcome.MET: ("positive", "minor"),
    VerificationOutcome.NOT_RECTIFIED: ("penalty", "general"),
    VerificationOutcome.FALSE: ("false_commitment", "serious"),
}


def _outcome_credit_record(app: Application, task: VerificationTask, actor: User | None, reason: str) -> None:
    from township.credit.services import credit_record_create

    kind, severity = OUTCOME_CREDIT[VerificationOutcome(task.outcome)]
    credit_record_create(
        subject=app.applicant,
        kind=kind,
        reason=reason,
        actor=actor,
        jurisdiction=app.jurisdiction_id,
        source_case=app.case,
        source_app="approval",
        severity=severity,
    )


def _verification_note(app: Application, actor: User | None, task: VerificationTask, note: str) -> None:
    if app.case.closed_at is None:
        case_note(
            case=app.case,
            actor=actor,
            name="commitment_verified",
            label=_("承诺核查"),
            data={"outcome": task.outcome, "method": task.method, "rectify_by": str(task.rectify_by or "")},
            comment=note,
        )
