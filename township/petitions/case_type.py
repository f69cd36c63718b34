"""The 信访事项 case type declared to the engine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.cases.indicators import case_rate
from township.cases.types import Action, CaseType, MenuEntry, TimedJob, Visible
from township.org.models import Role
from township.petitions import forms
from township.petitions.machine import MACHINE, OFFICERS, OPEN_STATES, S
from township.petitions.models import DocKind, Level, Petition, PetitionDocument, Recusal


def petition_facts(case: Any) -> dict[str, Any]:
    """What the guards read: anonymity, source, receipt date, recused users, a 复核-concluded item of the same
    petitioner and matter, and the delivery of the written replies."""
    from township.core.crypto import blind_index
    from township.petitions.models import Petitioner

    record = getattr(case, "_case_type_record", None) or Petition.objects.filter(case_id=case.pk).first()
    if record is None:
        return {}
    from django.utils import timezone

    docs = {d.kind: d for d in PetitionDocument.objects.filter(petition_id=record.pk).order_by("id")}
    kind = {Level.ORIGINAL: DocKind.OPINION, Level.REVIEW: DocKind.REVIEW, Level.RE_REVIEW: DocKind.RE_REVIEW}[
        Level(record.level)
    ]
    current = docs.get(kind)
    previous = docs.get(DocKind.REVIEW if case.state == S.REVIEWED else DocKind.OPINION)
    people = list(Petitioner.objects.filter(petition_id=record.pk))
    same = ""
    if people:
        who = Q(pk__in=[])
        for p in people:
            if p.resident_id_index:
                who |= Q(petitioners__resident_id_index=p.resident_id_index)
            elif p.phone:
                who |= Q(petitioners__name=p.name, petitioners__phone_index=blind_index(p.phone))
        match = (
            Petition.objects.filter(jurisdiction_id=record.jurisdiction_id, matter_key=record.matter_key)
            .filter(level=Level.RE_REVIEW, case__state=S.FINAL)
            .exclude(pk=record.pk)
            .filter(who)
            .values_list("case__number", flat=True)
            .first()
        )
        same = match or ""
    return {
        "anonymous": record.anonymous,
        "source": record.source,
        "category": record.category,
        "received_on": timezone.localtime(record.received_at).date().isoformat(),
        "recused": list(Recusal.objects.filter(petition_id=record.pk).values_list("user_id", flat=True)),
        "same_matter_final": same,
        "reply_issued": current is not None,
        "reply_delivered_on": current.delivered_on.isoformat() if current and current.delivered_on else "",
        "last_reply_on": previous.delivered_on.isoformat() if previous and previous.delivered_on else "",
    }


# --- actions ---------------------------------------------------------------------------------------------------------


def _svc(name: str, **mapping: str) -> Any:
    def handler(petition: Petition, actor: Any, d: dict[str, Any], files: Any) -> Any:
        from township.petitions import services

        kwargs = {target: d.get(source) for target, source in mapping.items()}
        result = getattr(services, name)(petition=petition, actor=actor, **kwargs)
        services.access_log(petition=petition, actor=actor, kind="act", detail=name)
        return result

    return handler


def _departments(case: Any, actor: Any) -> dict[str, Any]:
    from township.petitions.selectors import departments_of

    return {"departments": departments_of(case.jurisdiction_id)}


def _staff(case: Any, actor: Any) -> dict[str, Any]:
    from township.petitions.selectors import staff_of

    return {"users": staff_of(case.jurisdiction_id)}


def _hearing(start: bool) -> Any:
    def handler(petition: Petition, actor: Any, d: dict[str, Any], files: Any) -> Any:
        from township.petitions.services import petition_hearing

        return petition_hearing(petition=petition, actor=actor, start=start, note=d.get("note") or "")

    return handler


def _reply_missing(petition: Petition, actor: Any) -> bool:
    kind = {Level.ORIGINAL: DocKind.OPINION, Level.REVIEW: DocKind.REVIEW, Level.RE_REVIEW: DocKind.RE_REVIEW}[
        Level(petition.level)
    ]
    return not petition.documents.filter(kind=kind).exists()


def _reply_undelivered(petition: Petition, actor: Any) -> bool:
    return petition.documents.filter(
        kind__in=(DocKind.OPINION, DocKind.REVIEW, DocKind.RE_REVIEW), delivered_on__isnull=True
    ).exists()


def _not_extended(petition: Petition, actor: Any) -> bool:
    return petition.extended_days == 0


REPLY_STATES = (S.ACCEPTED, S.REVIEW, S.RE_REVIEW)

ACTIONS = (
    Action(
        "petition_accept",
        _("受理并出具受理告知书"),
        _svc("petition_accept", note="note"),
        forms.NoteForm,
        "accept",
        cite=_("信访工作条例第23条"),
    ),
    Action(
        "petition_refuse",
        _("不予受理并出具告知书"),
        _svc("petition_refuse", reason="reason"),
        forms.ReasonForm,
        "refuse",
        danger=True,
    ),
    Action(
        "petition_transfer",
        _("转送并出具转送告知书"),
        _svc("petition_transfer", transfer_to="transfer_to", reason="reason"),
        forms.TransferForm,
        "transfer",
    ),
    Action(
        "petition_object",
        _("提出异议（非本机关职责）"),
        _svc("petition_object", reason="reason"),
        forms.ReasonForm,
        "object",
        danger=True,
    ),
    Action(
        "petition_assign",
        _("交办承办部门"),
        _svc("petition_assign", department="department", comment="comment"),
        forms.AssignForm,
        roles=OFFICERS,
        states=(S.ACCEPTED, S.REVIEW, S.RE_REVIEW),
        form_kwargs=_departments,
        cite=_("信访工作条例第22条"),
    ),
    Action(
        "petition_extend",
        _("批准延长办理期限"),
        _svc("petition_extend", days="days", reason="reason"),
        forms.ExtendForm,
        roles=(Role.LEADER,),
        states=(S.ACCEPTED,),
        applies=_not_extended,
        cite=_("信访工作条例第34条"),
    ),
    Action(
        "petition_opinion",
        _("出具书面意见书"),
        _svc("petition_opinion", outcome="outcome", facts="facts", decision="decision", basis="basis"),
        forms.OpinionForm,
        roles=OFFICERS,
        states=REPLY_STATES,
        applies=_reply_missing,
        cite=_("信访工作条例第32条"),
    ),
    Action(
        "petition_deliver",
        _("记录意见书送达"),
        _svc("petition_deliver", delivered_on="delivered_on", method="method"),
        forms.DeliverForm,
        roles=OFFICERS,
        states=REPLY_STATES,
        applies=_reply_undelivered,
        cite=_("信访工作条例第35条"),
    ),
    Action("petition_conclude", _("办结"), _svc("petition_conclude", note="note"), forms.NoteForm, "conclude"),
    Action(
        "petition_answer_review", _("复查办结"), _svc("petition_conclude", note="note"), forms.NoteForm, "answer_review"
    ),
    Action(
        "petition_answer_re_review",
        _("复核办结（终结）"),
        _svc("petition_conclude", note="note"),
        forms.NoteForm,
        "answer_re_review",
    ),
    Action(
        "petition_request_review",
        _("登记复查申请"),
        _svc("petition_request_review", asked_on="asked_on", reason="reason"),
        forms.ReviewRequestForm,
        "request_review",
    ),
    Action(
        "petition_request_re_review",
        _("登记复核申请"),
        _svc("petition_request_review", asked_on="asked_on", reason="reason"),
        forms.ReviewRequestForm,
        "request_re_review",
    ),
    Action("petition_hearing_start", _("举行听证（暂停计时）"), _hearing(True), forms.NoteForm, "hearing_start"),
    Action("petition_hearing_end", _("听证结束（恢复计时）"), _hearing(False), forms.NoteForm, "hearing_end"),
    Action(
        "petition_recuse",
        _("回避声明"),
        _svc("petition_recuse", user="user", reason="reason"),
        forms.RecuseForm,
        roles=OFFICERS,
        states=tuple(s.value for s in S),
        form_kwargs=_staff,
        cite=_("信访工作条例第46条"),
    ),
)


def _finalize(now: datetime) -> dict[str, Any]:
    from township.petitions.services import petition_finalize_due

    return petition_finalize_due(now)


def _intake(intake: Any) -> Any:
    from township.petitions.services import petition_intake

    return petition_intake(intake)


def _visible_inputs(actor: Any) -> tuple[Any, ...]:
    from township.petitions.selectors import hidden_inputs

    return hidden_inputs(actor)


def _visible_of(*inputs: Any) -> Q:
    from township.petitions.selectors import visible_of

    return visible_of(*inputs)


# 按期办结率: items concluded in the period without passing their due time / items concluded in the period; grouped
# by town, 承办 department and person like every case indicator.
ON_TIME = case_rate(
    key="petition_on_time",
    label=_("信访按期办结率"),
    case_type=MACHINE.case_type,
    period_field="clock_stopped_at",
    population=Q(
        petition__level=Level.ORIGINAL,
        state__in=(S.CONCLUDED, S.REVIEW, S.REVIEWED, S.RE_REVIEW, S.HEARING, S.FINAL),
    ),
    success=Q(finished_late=False),
    formula=_("按期办结数 / 办结数"),
)


def _latest_notice(petition: Any) -> str:
    notice = petition.notices.order_by("-created_at", "-id").first()
    return f"{notice.title}：{notice.body}" if notice is not None and notice.body else (notice.title if notice else "")


PETITION = CaseType(
    machine=MACHINE,
    record=Petition,
    page="petitions:case",
    actions=ACTIONS,
    menu=(
        MenuEntry(_("信访事项"), "petitions:list", roles=(*OFFICERS, Role.AUDITOR), order=60),
        MenuEntry(_("信访登记"), "petitions:register", roles=OFFICERS, order=61),
        # Not the auditor: 三员分立 leaves its grant out of reach(LEADER, AUDITOR), so the page is 404 (issue 16 report).
        MenuEntry(_("信访查阅记录"), "petitions:access-log", roles=(Role.LEADER,), order=62),
        MenuEntry(_("我的信访回复"), "petitions:notices", roles=(Role.APPLICANT,), order=63),
    ),
    timed=(TimedJob("petitions.finalize", _finalize, every_seconds=3600),),
    facts=petition_facts,
    visible=Visible(_visible_inputs, _visible_of),
    intake=_intake,
    indicators=(ON_TIME,),
    public_reply=_latest_notice,  # what the petitioner was last told (受理 / 转送 / 意见书 …)
)

__all__ = ["OPEN_STATES", "PETITION", "petition_facts"]
