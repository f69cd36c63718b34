"""好差评 by the applicant and the rectification of a bad rating (回访, 整改)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from township.approval.errors import Code, denied, error
from township.approval.models import (
    Application,
    Grade,
    Rating,
    RectificationTask,
)
from township.core.errors import NotFound
from township.org.models import Role, User
from township.org.scoping import has_role

# ---- 好差评 --------------------------------------------------------------------------------------------


@transaction.atomic
def application_rate(*, application: Application, actor: User | None, grade: int, text: str = "") -> Rating:
    """好差评 after completion, by the applicant. 不满意/非常不满意 opens a rectification task.
    Errors: rating_not_owner, rating_not_finished, rating_exists, bad_grade, rating_text_required."""
    from township.approval.services.provisional import rectification_dues

    if actor is None or application.applicant_user_id != actor.pk:
        raise denied(Code.RATING_NOT_OWNER)
    if application.case.closed_at is None:
        raise error(Code.RATING_NOT_FINISHED)
    if grade not in Grade.values:
        raise error(Code.BAD_GRADE, field="grade")
    if grade >= Grade.DISSATISFIED and not text.strip():
        raise error(Code.RATING_TEXT_REQUIRED, field="text")
    now = timezone.now()
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                jurisdiction_id=application.jurisdiction_id,
                application=application,
                grade=grade,
                text=text,
                rater=actor,
                created_at=now,
            )
    except IntegrityError:
        raise error(Code.RATING_EXISTS) from None
    if rating.is_bad:
        due, callback, provisional = rectification_dues(timezone.localdate(now))
        RectificationTask.objects.create(
            jurisdiction_id=application.jurisdiction_id,
            rating=rating,
            due_date=due,
            callback_due=callback,
            dates_provisional=provisional,
        )
    return rating


@transaction.atomic
def rectification_callback(*, task: RectificationTask, actor: User, note: str, result: str = "") -> RectificationTask:
    """回访核实 (and, with a result, close the rectification). Errors: permission_denied, note_required."""
    if not has_role(actor, task.jurisdiction_id, [Role.APPROVAL_HEAD, Role.WINDOW_CLERK, Role.APPROVER]):
        raise NotFound()
    if not note.strip():
        raise error(Code.NOTE_REQUIRED, field="note", variant="callback")
    task.callback_at = timezone.now()
    task.callback_by = actor
    task.callback_note = note
    fields = ["callback_at", "callback_by", "callback_note"]
    if result.strip():
        task.result = result
        task.status = "done"
        task.closed_at = timezone.now()
        fields += ["result", "status", "closed_at"]
    task.save(update_fields=fields)
    return task
