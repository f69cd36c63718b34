"""The steps of an item: written notices (sealed), 受理 / 不予受理 / 转送 / 异议, 交办, extension, the written opinion and
its delivery, 办结, 复查 / 复核 with the hearing pause, 终结 by the worker; notices to the petitioner; the access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from township.cases.services import case_assign, case_extend, case_note
from township.cases.types import case_type_for
from township.certificates.services import in_official_language
from township.core.errors import BadInput, DomainError
from township.core.identifiers import is_valid_uscc
from township.org.models import Department, Role, User
from township.org.scoping import has_role
from township.petitions import rules
from township.petitions.errors import Code
from township.petitions.machine import CASE_TYPE, S
from township.petitions.models import (
    AccessLog,
    DocKind,
    Level,
    Outcome,
    Petition,
    PetitionDocument,
    PetitionNotice,
)

REPLY_KIND = {Level.ORIGINAL: DocKind.OPINION, Level.REVIEW: DocKind.REVIEW, Level.RE_REVIEW: DocKind.RE_REVIEW}
REMEDY = {
    Level.ORIGINAL: gettext_lazy(
        "如不服本处理意见，可以自收到本意见书之日起30日内请求原办理机关的上一级机关复查（信访工作条例第35条）。"
    ),
    Level.REVIEW: gettext_lazy(
        "如不服本复查意见，可以自收到本意见书之日起30日内向复查机关的上一级机关请求复核（信访工作条例第36条）。"
    ),
    Level.RE_REVIEW: gettext_lazy(
        "本复核意见为最终意见；信访人以同一事实和理由提出的信访事项，不再受理（信访工作条例第36条第3款）。"
    ),
}


def _fire(petition: Petition, name: str, actor: Any, data: dict[str, Any] | None = None, comment: str = "") -> None:
    case_type_for(CASE_TYPE).fire(petition.case, name, actor, data or {}, comment=comment)


# ---- notices to the petitioner -------------------------------------------------------------------------------


def _notify(petition: Petition, title: str, body: str = "") -> PetitionNotice | None:
    """Record a notice on the item: an in-app message for the petitioner's account, and shown under the 查询码.
    Anonymous items get none (Art 23 ¶2)."""
    if petition.anonymous and petition.petitioner_user_id is None:
        return None
    return PetitionNotice.objects.create(
        jurisdiction_id=petition.jurisdiction_id,
        petition=petition,
        user_id=petition.petitioner_user_id,
        title=str(title)[:200],
        body=str(body),
        created_at=timezone.now(),
    )


# ---- sealed documents ----------------------------------------------------------------------------------------


def issuer(jurisdiction: str) -> Department:
    """The unit that signs: the town's 信访 office (kind ``petition``), else its 党政办 (kind ``office``), with a
    valid USCC. Errors: issuer_missing."""
    for kind in ("petition", "office"):
        for dept in Department.objects.filter(jurisdiction_id=jurisdiction, kind=kind, active=True).order_by("sort"):
            if dept.uscc and is_valid_uscc(dept.uscc):
                return dept
    raise DomainError(
        Code.ISSUER_MISSING, _("本镇尚未登记信访文书的出具单位（信访办或党政办的统一社会信用代码），无法加盖电子印章")
    )


def _addressee(petition: Petition) -> str:
    names = [p.name for p in petition.petitioners.all()]
    return "、".join(names) if names else ""


def _seal(
    petition: Petition,
    kind: str,
    paragraphs: list[str],
    actor: User,
    addressee: str | None = None,
    issued_on: dt.date | None = None,
) -> PetitionDocument:
    from township.certificates.services import document_seal

    dept = issuer(petition.jurisdiction_id)
    seq = PetitionDocument.objects.filter(petition=petition).count() + 1
    number = f"{petition.case.number}-{seq:02d}"
    title = str(DocKind(kind).label)
    day = issued_on or timezone.localdate()
    to = _addressee(petition) if addressee is None else addressee
    sealed = document_seal(
        department=dept,
        kind=f"petition.{kind}",
        title=title,
        number=number,
        addressee=to,
        issued_on=day,
        paragraphs=paragraphs,
        source_case=petition.case,
    )
    return PetitionDocument.objects.create(
        jurisdiction_id=petition.jurisdiction_id,
        petition=petition,
        kind=kind,
        number=number,
        title=title,
        addressee=to,
        paragraphs=paragraphs,
        issued_on=day,
        sealed=sealed,
        unit_name=sealed.key.unit_name,
        created_by=actor,
    )


def _date(day: Any) -> str:
    from township.certificates.pdf import display_date

    return display_date(day)


def _received(petition: Petition) -> str:
    return _date(timezone.localtime(petition.received_at))


# ---- 受理 / 不予受理 / 转送 / 异议 ----------------------------------------------------------------------------------


@transaction.atomic
@in_official_language  # the letter and the notice go to the petitioner in Chinese (sealed)
def petition_accept(*, petition: Petition, actor: User, note: str = "") -> Petition:
    """受理: the written 受理告知书 (none when the name/address is unclear), clock 60 natural days (Art 23, 34).
    Errors: matter_finalized, notice_required, recused, issuer_missing and the engine's."""
    doc = None
    if not petition.anonymous:
        due = timezone.localdate() + dt.timedelta(days=rules.HANDLING_DAYS)
        doc = _seal(
            petition,
            DocKind.ACCEPT,
            [
                _("你（们）于%(received)s提出的信访事项“%(title)s”，本机关已依法受理。")
                % {"received": _received(petition), "title": petition.title},
                _(
                    "本机关将自受理之日起60日内办结，并出具书面处理意见（预计%(due)s前）；"
                    "情况复杂的，经本机关负责人批准可以适当延长，延长期限不超过30日，并告知延期理由（信访工作条例第34条）。"
                )
                % {"due": _date(due)},
                _("你可以凭查询码 %(code)s 查询办理进展和结果。") % {"code": petition.follow_code},
            ],
            actor,
        )
    _fire(
        petition,
        "accept",
        actor,
        {"notice": doc.number if doc else "", "clock": {"unit": "natural_days", "limit": rules.HANDLING_DAYS}},
        comment=note,
    )
    if doc is not None:
        _notify(petition, _("您的信访事项已受理"), "\n".join(doc.paragraphs))
    return petition


@transaction.atomic
@in_official_language  # the letter and the notice go to the petitioner in Chinese (sealed)
def petition_refuse(*, petition: Petition, actor: User, reason: str) -> Petition:
    """不予受理 with the reasons, in writing (Art 23). Errors: reason_required, notice_required, recused."""
    doc = None
    if not petition.anonymous and reason.strip():
        doc = _seal(
            petition,
            DocKind.REFUSE,
            [
                _("你（们）于%(received)s提出的信访事项“%(title)s”，经审查，本机关不予受理。")
                % {"received": _received(petition), "title": petition.title},
                _("理由：%(reason)s") % {"reason": reason.strip()},
            ],
            actor,
        )
    _fire(petition, "refuse", actor, {"reason": reason, "notice": doc.number if doc else ""}, comment=reason)
    if doc is not None:
        _notify(petition, _("您的信访事项不予受理"), "\n".join(doc.paragraphs))
    return petition


@transaction.atomic
@in_official_language  # the letter and the notice go to the petitioner in Chinese (sealed)
def petition_transfer(*, petition: Petition, actor: User, transfer_to: str, reason: str = "") -> Petition:
    """转送 to the body competent for it, telling the petitioner in writing (Art 22, 23).
    Errors: transfer_target_required, notice_required, recused."""
    doc = None
    target = transfer_to.strip()
    if not petition.anonymous and target:
        doc = _seal(
            petition,
            DocKind.TRANSFER,
            [
                _(
                    "你（们）于%(received)s提出的信访事项“%(title)s”，依照“属地管理、分级负责，谁主管、谁负责”的原则，"
                    "本机关已转送%(target)s处理，请向其查询办理情况。"
                )
                % {"received": _received(petition), "title": petition.title, "target": target},
                *([_("说明：%(note)s") % {"note": reason.strip()}] if reason.strip() else []),
            ],
            actor,
        )
    _fire(petition, "transfer", actor, {"transfer_to": target, "notice": doc.number if doc else ""}, comment=reason)
    Petition.objects.filter(pk=petition.pk).update(transfer_to=target[:100])
    petition.transfer_to = target[:100]
    if doc is not None:
        _notify(petition, _("您的信访事项已转送"), "\n".join(doc.paragraphs))
    return petition


@transaction.atomic
@in_official_language  # the letter and the notice go to the petitioner in Chinese (sealed)
def petition_object(*, petition: Petition, actor: User, reason: str, today: dt.date | None = None) -> Petition:
    """Not ours: the objection to the sending body within 5 working days of receipt, with reasons (Art 23 ¶3).
    Errors: objection_direct, objection_late, reason_required, recused."""
    data: dict[str, Any] = {"reason": reason}
    if today is not None:
        data["today"] = today.isoformat()
    _seal(
        petition,
        DocKind.OBJECTION,
        [
            _("贵机关转送（交办）的信访事项“%(title)s”（本机关%(received)s收到），经审查不属于本机关职责范围。")
            % {"title": petition.title, "received": _received(petition)},
            _("理由：%(reason)s") % {"reason": reason.strip()},
            _("依照《信访工作条例》第二十三条第三款，特提出异议，请予重新确定处理机关。"),
        ],
        actor,
        addressee=petition.sender_body,
    )
    _fire(petition, "object", actor, data, comment=reason)
    Petition.objects.filter(pk=petition.pk).update(objection_reason=reason.strip())
    petition.objection_reason = reason.strip()
    return petition


# ---- 交办 within the town, extension ------------------------------------------------------------------------------


@transaction.atomic
def petition_assign(*, petition: Petition, actor: User, department: Any, comment: str = "") -> Petition:
    """交办 the item to a department of the town (谁主管、谁负责, Art 22). Errors: department_invalid."""
    dept = Department.objects.filter(jurisdiction_id=petition.jurisdiction_id, pk=int(department or 0)).first()
    if dept is None:
        raise BadInput("department_invalid", _("请选择承办部门"), field="department")
    case_assign(case=petition.case, actor=actor, department=dept, role="lead", comment=comment)
    Petition.objects.filter(pk=petition.pk).update(handling_department=dept)
    petition.handling_department = dept
    return petition


@transaction.atomic
@in_official_language  # the letter and the notice go to the petitioner in Chinese (sealed)
def petition_extend(*, petition: Petition, actor: User, days: int, reason: str) -> Petition:
    """One extension of at most 30 days, approved by the head (领导), the reason told in writing (Art 34).
    Errors: extension_head_only, extension_twice, extension_too_long, reason_required."""
    head = has_role(actor, petition.jurisdiction_id, (Role.LEADER,), petition.village_id)
    rules.extension_allowed(already=petition.extended_days, days=int(days or 0), reason=reason or "", head=head)
    case_extend(case=petition.case, actor=actor, amount=int(days), reason=reason.strip(), approved_by=actor)
    Petition.objects.filter(pk=petition.pk).update(extended_days=int(days), extension_reason=reason.strip()[:300])
    petition.extended_days = int(days)
    petition.extension_reason = reason.strip()[:300]
    if not petition.anonymous:
        doc = _seal(
            petition,
            DocKind.EXTENSION,
            [
                _(
                    "你（们）提出的信访事项“%(title)s”，因%(reason)s，经本机关负责人批准，办理期限延长%(days)s日"
                    "（至%(due)s）（信访工作条例第34条）。"
                )
                % {
                    "title": petition.title,
                    "reason": reason.strip(),
                    "days": int(days),
                    "due": _date(timezone.localtime(petition.case.due_at)),
                },
            ],
            actor,
        )
        _notify(petition, _("您的信访事项办理期限已延长"), "\n".join(doc.paragraphs))
    return petition


# ---- the written opinion and its delivery --------------------------------------------------------------------------


@transaction.atomic
@in_official_language  # the letter and the notice go to the petitioner in Chinese (sealed)
def petition_opinion(*, petition: Petition, actor: User, outcome: str, facts: str, basis: str, decision: str) -> Any:
    """The written 信访处理意见书 (复查/复核意见书 at those levels): the request, facts and reasons, the decision and
    its legal basis, and the remedy (Art 32; 山东 Art 41). Errors: opinion_exists, invalid_input."""
    kind = REPLY_KIND[Level(petition.level)]
    if outcome not in Outcome.values:
        raise BadInput("invalid_input", _("请选择处理意见"), field="outcome")
    if not (facts.strip() and basis.strip() and decision.strip()):
        raise BadInput("invalid_input", _("意见书须写明事实和理由、处理意见及其依据"), field="basis")
    if PetitionDocument.objects.filter(petition=petition, kind=kind).exists():
        raise DomainError(Code.OPINION_EXISTS, _("本层级的书面意见已出具"))
    request = petition.request.strip() or petition.title
    doc = _seal(
        petition,
        kind,
        [
            _("信访请求：%(request)s") % {"request": request},
            _("事实和理由：%(facts)s") % {"facts": facts.strip()},
            _("处理意见：%(outcome)s。%(decision)s")
            % {"outcome": Outcome(outcome).label, "decision": decision.strip()},
            _("依据：%(basis)s") % {"basis": basis.strip()},
            str(REMEDY[Level(petition.level)]),
        ],
        actor,
    )
    Petition.objects.filter(pk=petition.pk).update(outcome=outcome)
    petition.outcome = outcome
    case_note(case=petition.case, actor=actor, name="opinion", label=str(doc.title), data={"number": doc.number})
    return doc


@transaction.atomic
def petition_deliver(*, petition: Petition, actor: User, delivered_on: dt.date, method: str = "") -> Any:
    """Record the delivery of the current level's written reply; the 复查/复核 window runs from it (Art 35).
    Errors: opinion_not_delivered (no reply yet), delivery_date_invalid."""
    kind = REPLY_KIND[Level(petition.level)]
    doc = PetitionDocument.objects.filter(petition=petition, kind=kind).first()
    if doc is None:
        raise DomainError(Code.OPINION_NOT_DELIVERED, _("尚未出具书面意见书"))
    if delivered_on < doc.issued_on or delivered_on > timezone.localdate():
        raise BadInput(Code.DELIVERY_DATE_INVALID, _("送达日期须在出具日期之后且不晚于今天"), field="delivered_on")
    PetitionDocument.objects.filter(pk=doc.pk).update(delivered_on=delivered_on, delivery_method=method[:32])
    case_note(
        case=petition.case,
        actor=actor,
        name="delivered",
        label=_("%(t)s已送达") % {"t": doc.title},
        data={"number": doc.number, "delivered_on": delivered_on.isoformat(), "method": method},
    )
    _notify(petition, _("%(t)s") % {"t": doc.title}, "\n".join(doc.paragraphs))
    return doc


@transaction.atomic
def petition_conclude(*, petition: Petition, actor: User, note: str = "") -> Petition:
    """办结 (or the 复查 / 复核 answer): only with the written reply delivered. Errors: opinion_not_delivered."""
    names: dict[str, str] = {S.ACCEPTED: "conclude", S.REVIEW: "answer_review", S.RE_REVIEW: "answer_re_review"}
    name = names.get(str(petition.case.state), "conclude")
    _fire(petition, name, actor, {}, comment=note)
    return petition


petition_answer_review = petition_conclude


@transaction.atomic
def petition_request_review(*, petition: Petition, actor: User, asked_on: dt.date, reason: str = "") -> Petition:
    """Record the petitioner's 复查 (after 办结) or 复核 (after 复查) request, made within 30 days of receiving the
    written reply; the answer is due within 30 days (Art 35, 36). Errors: review_late, review_no_reply."""
    if asked_on > timezone.localdate():
        raise BadInput("asked_in_future", _("申请日期不能晚于今天"), field="asked_on")
    second = petition.case.state == S.REVIEWED
    _fire(
        petition,
        "request_re_review" if second else "request_review",
        actor,
        {"asked_on": asked_on.isoformat(), "clock": {"unit": "natural_days", "limit": rules.REVIEW_ANSWER_DAYS}},
        comment=reason,
    )
    level = Level.RE_REVIEW if second else Level.REVIEW
    Petition.objects.filter(pk=petition.pk).update(level=level, outcome="")
    petition.level = level
    petition.outcome = ""
    return petition


@transaction.atomic
def petition_hearing(*, petition: Petition, actor: User, start: bool, note: str = "") -> Petition:
    """复核 hearing: the clock stops while it runs (Art 36 ¶2: hearing time not counted)."""
    _fire(petition, "hearing_start" if start else "hearing_end", actor, {"pause_note": note}, comment=note)
    return petition


def petition_finalize_due(now: dt.datetime) -> dict[str, Any]:
    """Timed work: items whose 复查/复核 window passed with no request end 终结."""
    from township.cases.errors import TransitionRefused

    done = 0
    today = timezone.localdate(now)
    for petition in Petition.objects.filter(case__state__in=(S.CONCLUDED, S.REVIEWED)).select_related("case"):
        try:
            with transaction.atomic():
                _fire(petition, "finalize", None, {"today": today.isoformat()})
            done += 1
        except TransitionRefused:
            continue
    return {"finalized": done}


# ---- the access log ------------------------------------------------------------------------------------------------


def access_log(*, petition: Petition, actor: Any, kind: str, detail: str = "", ip: str | None = None) -> None:
    """Every access to an item is logged: who, when, what (Art 46(5))."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    AccessLog.objects.create(
        jurisdiction_id=petition.jurisdiction_id,
        petition=petition,
        user=actor,
        at=timezone.now(),
        kind=kind,
        detail=detail[:200],
        ip=ip or None,
    )
