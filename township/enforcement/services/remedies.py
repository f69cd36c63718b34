"""行政复议 and 行政诉讼 against a penalty decision: what was brought, before whom, and how it ended.

A remedy is a recorded fact of a decided case (no state changes: 行政处罚法第73条 — a 复议 or 诉讼 does not suspend
the decision). Rows are never changed: the result of a pending remedy, or a correction, is a new row replacing the
one before, and each goes on the case's timeline. The 考核 indicator 复议诉讼纠错率 counts the rows nobody replaced
(``case_type.REMEDY_CORRECTED``; docs/evaluation.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.services import case_attach
from township.core.errors import DomainError
from township.enforcement.errors import Code
from township.enforcement.models import PenaltyCase, Remedy
from township.enforcement.services.base import CASE_ROLES, _pc_locked, config_for, require_role, timeline_note

# The results that correct the decision (纠错): it is changed, annulled in whole or part (and possibly to be redone),
# confirmed illegal or void — the same set after which a published decision is withdrawn (行政处罚法第48条).
CORRECTED = (
    Remedy.Result.CHANGED,
    Remedy.Result.ANNULLED,
    Remedy.Result.PARTLY_ANNULLED,
    Remedy.Result.REDO,
    Remedy.Result.ILLEGAL,
    Remedy.Result.VOID,
)


def remedies_current(pc: PenaltyCase) -> Any:
    """The remedies of ``pc`` that no later row replaces, oldest first."""
    return Remedy.objects.filter(
        jurisdiction_id=pc.jurisdiction_id, penalty_case=pc, replaced_by__isnull=True
    ).order_by("received_on", "id")


def _check(pc: PenaltyCase, *, kind: str, received_on: dt.date, decided_on: dt.date | None, result: str) -> None:
    today = timezone.localdate()
    if kind not in Remedy.Kind.values:
        raise DomainError(Code.REMEDY_KIND, _("请选择行政复议或行政诉讼"), field="kind")
    if result and result not in Remedy.Result.values:
        raise DomainError(Code.REMEDY_RESULT, _("结果无效"), field="result")
    if pc.decided_on is None:
        raise DomainError(Code.REMEDY_NO_DECISION, _("本案尚未作出处罚决定，不能登记复议或诉讼"))
    if received_on > today:
        raise DomainError(Code.REMEDY_DATES_INVALID, _("收到日期不能晚于今天"), field="received_on")
    if received_on < pc.decided_on:
        raise DomainError(Code.REMEDY_DATES_INVALID, _("收到日期不能早于处罚决定日期"), field="received_on")
    if bool(result) != (decided_on is not None):
        raise DomainError(
            Code.REMEDY_RESULT_MISSING,
            _("已审结的请同时填写决定或裁判日期和结果；尚未审结的两项均不填"),
            field="result" if decided_on is not None else "decided_on",
        )
    if decided_on is not None and not received_on <= decided_on <= today:
        raise DomainError(Code.REMEDY_DATES_INVALID, _("决定或裁判日期应在收到日期与今天之间"), field="decided_on")


def _replaced(pc: PenaltyCase, pk: int | None) -> Remedy | None:
    if pk is None:
        return None
    row: Remedy | None = (
        Remedy.objects.select_for_update(of=("self",))
        .filter(jurisdiction_id=pc.jurisdiction_id, penalty_case=pc, pk=pk, replaced_by__isnull=True)
        .first()
    )
    if row is None:
        raise DomainError(Code.REMEDY_NOT_CURRENT, _("所选记录不存在或已被更正"), field="replaces")
    return row


@transaction.atomic
def penalty_remedy_record(
    *,
    penalty_case: PenaltyCase,
    actor: Any,
    kind: str,
    received_on: dt.date,
    body: str = "",
    number: str = "",
    decided_on: dt.date | None = None,
    result: str = "",
    note: str = "",
    file: Any = None,
    replaces: int | None = None,
) -> Remedy:
    """Record a 行政复议 or 行政诉讼 against the decision of ``penalty_case`` — pending (no result yet) or decided —
    optionally replacing (correcting) one of its current records, which stays as history. ``body`` defaults to the
    unit's 复议机关 or 管辖法院 (执法设置). Errors: permission_denied, remedy_kind, remedy_result,
    remedy_no_decision, remedy_dates_invalid, remedy_result_missing, remedy_body_required, remedy_not_current,
    and the attachment's (attachment_too_large, attachment_type, attachment_empty)."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, CASE_ROLES)
    _check(pc, kind=kind, received_on=received_on, decided_on=decided_on, result=result)
    if not body.strip():
        cfg = config_for(pc.jurisdiction_id)
        body = cfg.review_body if kind == Remedy.Kind.RECONSIDERATION else cfg.court
    if not body.strip():
        raise DomainError(Code.REMEDY_BODY_REQUIRED, _("请填写复议机关或人民法院"), field="body")
    old = _replaced(pc, replaces)
    attachment = case_attach(case=pc.case, actor=actor, uploaded_file=file, purpose="remedy") if file else None
    remedy = Remedy.objects.create(
        jurisdiction_id=pc.jurisdiction_id,
        penalty_case=pc,
        kind=kind,
        body=body.strip(),
        number=number.strip(),
        received_on=received_on,
        decided_on=decided_on,
        result=result,
        note=note.strip(),
        attachment=attachment,
        replaces=old,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    data: dict[str, Any] = {
        "remedy": remedy.pk,
        "kind": kind,
        "body": remedy.body,
        "number": remedy.number,
        "received_on": received_on.isoformat(),
        "decided_on": decided_on.isoformat() if decided_on else None,
        "result": result,
        "corrected": result in CORRECTED,
    }
    if old is not None:
        data["replaces"] = old.pk
    if attachment is not None:
        data["attachment"] = attachment.pk
    timeline_note(case=pc.case, actor=actor, name="remedy", data=data, comment=remedy.note)
    return remedy


@transaction.atomic
def penalty_remedy_result(
    *,
    penalty_case: PenaltyCase,
    actor: Any,
    remedy: int,
    decided_on: dt.date,
    result: str,
    note: str = "",
    file: Any = None,
) -> Remedy:
    """The result of a pending remedy: a new row with the same 途径, 机关 and 案号 that replaces it. Errors: those of
    :func:`penalty_remedy_record`; remedy_not_current when ``remedy`` is decided or already replaced."""
    pending = Remedy.objects.filter(
        jurisdiction_id=penalty_case.jurisdiction_id, penalty_case=penalty_case, pk=remedy, result=""
    ).first()
    if pending is None:
        raise DomainError(Code.REMEDY_NOT_CURRENT, _("所选记录不存在或已审结"), field="remedy")
    return penalty_remedy_record(
        penalty_case=penalty_case,
        actor=actor,
        kind=pending.kind,
        body=pending.body,
        number=pending.number,
        received_on=pending.received_on,
        decided_on=decided_on,
        result=result,
        note=note,
        file=file,
        replaces=pending.pk,
    )
