"""Review and decision: special procedures (Art 45), extension (Art 42), 准予/不予许可, the certificate (Art 44)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.approval import rules
from township.approval.errors import Code, denied, error
from township.approval.machine import APPLICATION, S
from township.approval.models import (
    Application,
    Channel,
    Decision,
)
from township.approval.services.common import (
    _after_terminal,
    _due_text,
    _notify_applicant,
    issuer_department,
)
from township.approval.services.supervision import supervision_task_create
from township.cases.models import EventKind
from township.cases.services import case_extend
from township.cases.types import case_type_for
from township.org.models import Department, Role, User
from township.org.scoping import has_role

# ---- review and decision -------------------------------------------------------------------------------


@transaction.atomic
def application_special_start(*, application: Application, actor: User | None, reason: str, note: str = "") -> None:
    """听证/检验检测/鉴定/专家评审: the time is not counted (Art 45) and is told to the applicant."""
    case_type_for(APPLICATION).fire(
        application.case, "start_special", actor, {"pause_reason": reason, "pause_note": note}, comment=note
    )
    from township.cases.models import ClockPause

    label = dict(ClockPause.Reason.choices).get(reason, reason)
    _notify_applicant(
        application,
        _("特别程序告知：%(t)s") % {"t": application.title},
        _("因%(r)s，所需时间不计入办理期限。%(n)s") % {"r": label, "n": note},
    )


@transaction.atomic
def application_special_end(*, application: Application, actor: User | None, note: str = "") -> None:
    case_type_for(APPLICATION).fire(application.case, "end_special", actor, comment=note)


@transaction.atomic
def application_extend(*, application: Application, actor: User | None, days: int, reason: str) -> Application:
    """Art 42: extend by at most 10 working days in total, approved by the head, told to the applicant.
    Errors: extension_head_required, extension_too_long, extension_reason_required, extension_state."""
    if actor is None or not has_role(actor, application.jurisdiction_id, [Role.APPROVAL_HEAD]):
        raise denied(Code.EXTENSION_HEAD_REQUIRED)
    if not reason.strip():
        raise error(Code.EXTENSION_REASON_REQUIRED, field="reason")
    case = application.case
    if case.state not in (S.UNDER_REVIEW, S.SPECIAL_PROCEDURE) or case.due_at is None:
        raise error(Code.EXTENSION_STATE)
    if case.clock_unit != "working_days":
        raise error(Code.EXTENSION_STATE, variant="unit")
    used = sum(int(e.data.get("amount") or 0) for e in case.events.filter(kind=EventKind.EXTEND).only("data"))
    if days <= 0 or used + days > rules.MAX_EXTENSION_WORKING_DAYS:
        raise error(Code.EXTENSION_TOO_LONG, field="days", n=rules.MAX_EXTENSION_WORKING_DAYS, u=used)
    case_extend(case=case, actor=actor, amount=days, reason=reason, approved_by=actor)
    _tell_extension(application, actor, days=days, reason=reason)
    return application


def extension_channel(application: Application) -> str:
    """How the applicant is told of an extension (Art 42: every applicant, whatever the channel of filing): an
    online message to an account holder; otherwise the printed 延期告知书, handed over by the village agent who filed
    it or at the window."""
    if application.applicant_user_id:
        return "online"
    if application.channel == Channel.VILLAGE_AGENT:
        return "village_agent"
    return "window"


EXTENSION_CHANNEL_LABELS = {
    "online": _("网上消息（申请人账户）"),
    "village_agent": _("纸质延期告知书，由代办员转交"),
    "window": _("纸质延期告知书，由综合窗口送达"),
}


def _tell_extension(application: Application, actor: User | None, *, days: int, reason: str) -> None:
    """行政许可法 Art 42: the extension is told to the applicant — a sealed 延期告知书 among the application's documents
    (downloadable, printable for the agent or the window) and a recorded 告知 on the timeline with its channel; all in
    the official language (``certificates.services.official_language``), whatever the approver's page is in."""
    from township.certificates.services import official_language

    with official_language():
        _tell_extension_now(application, actor, days=days, reason=reason)


def _tell_extension_now(application: Application, actor: User | None, *, days: int, reason: str) -> None:
    from township.approval.selectors import document_content
    from township.approval.services.common import document_seal_if_possible
    from township.cases.services import case_note

    case = application.case
    channel = extension_channel(application)
    content = document_content(application, "extension")
    sealed = document_seal_if_possible(application, "extension", content)
    if channel == "online":
        _notify_applicant(
            application,
            _("办理期限延长告知：%(t)s") % {"t": application.title},
            _("经审批负责人批准，办理期限延长%(d)s个工作日，新期限为%(due)s。理由：%(r)s")
            % {"d": days, "due": _due_text(case), "r": reason},
        )
    case_note(
        case=case,
        actor=actor,
        name="extension_told",
        label=_("延期告知（%(c)s）") % {"c": EXTENSION_CHANNEL_LABELS[channel]},
        data={
            "channel": channel,
            "days": days,
            "due": _due_text(case),
            "document": "extension",
            "seal_code": sealed.code if sealed is not None else None,
        },
        comment=reason,
    )


@transaction.atomic
def application_approve(
    *, application: Application, actor: User | None, comment: str = "", issue: bool = True
) -> Application:
    """准予许可, then (by default) the certificate is issued and the application closed.
    Errors: gap_outstanding, role_required, transition_not_allowed, issuer_missing."""
    now = timezone.now()
    case_type_for(APPLICATION).fire(application.case, "approve", actor, {"opinion": comment}, comment=comment)
    application.decision = Decision.APPROVED
    application.decision_reason = comment
    application.decided_at = now
    application.decided_by = actor
    application.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
    _notify_applicant(application, _("准予许可：%(t)s") % {"t": application.title})
    supervision_task_create(application)  # 一线贯通: the decision flows on to the enforcement bureau
    if issue:
        application_issue(application=application, actor=actor)
    return application


@transaction.atomic
def application_deny(
    *, application: Application, actor: User | None, reason: str, rights: str | None = None
) -> Application:
    """不予许可 with reasons and the 复议/诉讼 rights (Art 38). Errors: reason_required, rights_required."""
    if rights is None:
        rights = rules.default_rights_text(application.jurisdiction.name)
    now = timezone.now()
    case_type_for(APPLICATION).fire(
        application.case, "deny", actor, {"reason": reason, "rights": rights}, comment=reason
    )
    application.decision = Decision.DENIED
    application.decision_reason = reason
    application.decided_at = now
    application.decided_by = actor
    application.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
    _notify_applicant(application, _("不予许可：%(t)s") % {"t": application.title}, f"{reason}\n{rights}")
    supervision_task_create(application)  # 一线贯通: 无证经营巡查
    _after_terminal(application)
    return application


def _certificate_type(app: Application, issuer: Department) -> tuple[str, str, str]:
    """(type code, name, material type code) of the item's result (审批结果)."""
    from township.approval.selectors import result_material_type

    snap = app.snapshot
    name = snap.get("result_name") or snap.get("name") or app.title
    mt = result_material_type({**snap, "result_name": name})
    material_code = mt.code if mt else f"item{app.item_id}"
    seq = (mt.pk if mt else (app.item_id or 0)) % 1000
    return f"{issuer.uscc.upper()}{seq:03d}", name, material_code


@transaction.atomic
def application_issue(*, application: Application, actor: User | None) -> Application:
    """制发证照 (Art 44): sealed, signed certificate into the holder's library; the application closes."""
    from township.certificates.services import certificate_issue

    issuer = issuer_department(application)
    type_code, type_name, material_code = _certificate_type(application, issuer)
    cert = certificate_issue(
        holder=application.applicant,
        type_code=type_code,
        type_name=type_name,
        department=issuer,
        actor=actor,
        data={
            "item": application.snapshot.get("name", application.title),
            "item_code": application.snapshot.get("implementation_code", ""),
            "case_number": application.case.number,
            "holder_address": application.applicant.address,
        },
        material_type_code=material_code,
        source_case=application.case,
        source_app="approval",
    )
    application.certificate = cert
    application.save(update_fields=["certificate"])
    case_type_for(APPLICATION).fire(application.case, "issue", actor, {"certificate": cert.identifier})
    case_type_for(APPLICATION).fire(application.case, "close", actor)
    _notify_applicant(
        application,
        _("证照已签发：%(n)s") % {"n": type_name},
        _("证照标识 %(i)s，已存入您的证照库") % {"i": cert.identifier},
    )
    _after_terminal(application)
    return application
