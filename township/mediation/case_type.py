"""The mediation case type (调解案件) declared to the engine: record, page, actions, menu, facts, intake, indicator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.cases.indicators import period_days, record_rate
from township.cases.types import Action, CaseType, MenuEntry
from township.mediation import forms
from township.mediation.machine import MACHINE, S
from township.mediation.models import Mediation, Outcome, Party
from township.org.models import Role

M = (Role.MEDIATOR,)
VIEW = (Role.MEDIATOR, Role.LEADER)


def _parties_and_mediators(case: Any, actor: Any) -> dict[str, Any]:
    from township.mediation.models import CommitteeMember

    m = MEDIATION_CASE.record_for(case)
    parties = [
        (p.pk, f"{p.name}（{p.get_side_display()}）")
        for p in Party.objects.filter(jurisdiction_id=m.jurisdiction_id, mediation=m)
    ]
    members = CommitteeMember.objects.filter(committee_id=m.committee_id, active=True).select_related("user")
    mediators = [
        (cm.user_id, f"{cm.user.get_full_name() or cm.user.username}（{cm.get_title_display()}）") for cm in members
    ]
    return {"parties": parties, "mediators": mediators}


def _svc(name: str, *keys: str, **rename: str) -> Any:
    """A handler calling ``township.mediation.services.<name>(mediation=…, actor=…, **cleaned)``."""

    def handler(mediation: Mediation, actor: Any, d: dict[str, Any], files: Any) -> Any:
        from township.mediation import services

        kwargs = {k: d.get(k) for k in keys}
        for src, dst in rename.items():
            kwargs[dst] = d.get(src)
        return getattr(services, name)(mediation=mediation, actor=actor, **kwargs)

    return handler


def _str(name: str, *keys: str) -> Any:
    """Like ``_svc`` with text fields defaulting to ''."""

    def handler(mediation: Mediation, actor: Any, d: dict[str, Any], files: Any) -> Any:
        from township.mediation import services

        kwargs = {k: (d.get(k) if d.get(k) is not None else "") for k in keys}
        for k, v in list(kwargs.items()):
            if v == "" and k.endswith(("_on", "_deadline")):
                kwargs[k] = None
        return getattr(services, name)(mediation=mediation, actor=actor, **kwargs)

    return handler


def _consent(mediation: Mediation, actor: Any, d: dict[str, Any], files: Any) -> Any:
    from township.mediation.services import consent_record

    return consent_record(
        mediation=mediation,
        actor=actor,
        party_id=d["party"],
        agreed=d["agreed"],
        on=d.get("on"),
        remark=d.get("remark") or "",
    )


def _confirmation_precheck(mediation: Mediation, actor: Any) -> None:
    from township.mediation.services import confirmation_precheck

    confirmation_precheck(mediation)


ACTIONS = (
    Action(
        "mediation_party",
        _("登记当事人"),
        _str("party_add", "side", "name", "resident_id", "phone", "address"),
        forms.PartyForm,
        roles=M,
        states=(S.APPLIED, S.MEDIATING),
    ),
    Action(
        "mediation_consent",
        _("征询当事人意愿"),
        _consent,
        forms.ConsentForm,
        roles=M,
        states=(S.APPLIED, S.MEDIATING),
        form_kwargs=_parties_and_mediators,
        cite=_("人民调解法第17条"),
        help=_("一方当事人明确拒绝调解的，不得调解"),
    ),
    Action(
        "mediation_appoint",
        _("选定调解员"),
        _svc("mediator_appoint", "mediator", "chosen_by"),
        forms.AppointForm,
        roles=M,
        states=(S.APPLIED, S.MEDIATING),
        form_kwargs=_parties_and_mediators,
        cite=_("人民调解法第19条"),
    ),
    Action(
        "mediation_recuse",
        _("申请回避"),
        _svc("mediator_recuse", "reason", "replacement", party="party_id"),
        forms.RecuseForm,
        roles=M,
        states=(S.APPLIED, S.MEDIATING),
        form_kwargs=_parties_and_mediators,
    ),
    Action("mediation_accept", _("受理调解"), _str("mediation_accept", "comment"), forms.CommentForm, "accept"),
    Action(
        "mediation_extend",
        _("延长调解期限"),
        _svc("mediation_extend", "days", "reason", "parties_agree"),
        forms.ExtendForm,
        roles=M,
        states=(S.MEDIATING,),
        cite=_("最高人民法院关于人民法院特邀调解的规定第27条"),
        help=_("经双方当事人同意，可以延长调解期限"),
    ),
    Action(
        "mediation_session",
        _("调解记录"),
        _str("session_record", "held_on", "place", "present", "summary"),
        forms.SessionForm,
        roles=M,
        states=(S.MEDIATING,),
        cite=_("人民调解法第27条"),
    ),
    Action(
        "mediation_agreement",
        _("制作调解协议书"),
        _str(
            "agreement_draft",
            "facts",
            "issues",
            "responsibilities",
            "content",
            "performance",
            "performance_deadline",
            "reached_on",
        ),
        forms.AgreementDraftForm,
        "reach_agreement",
    ),
    Action(
        "mediation_oral",
        _("记录口头协议"),
        _str("agreement_oral", "content", "performance", "reached_on"),
        forms.OralForm,
        "record_oral",
    ),
    Action(
        "mediation_sign",
        _("登记签署"),
        _str("agreement_sign", "signer", "method", "signed_on"),
        forms.SignForm,
        roles=M,
        states=(S.AGREED,),
        form_kwargs=_parties_and_mediators,
        cite=_("人民调解法第29条"),
    ),
    Action(
        "mediation_seal",
        _("加盖调委会印章（协议生效）"),
        _str("agreement_seal", "sealed_on"),
        forms.SealForm,
        roles=M,
        states=(S.AGREED,),
        cite=_("人民调解法第29条"),
    ),
    Action(
        "mediation_fail",
        _("调解不成，终止调解"),
        _str("mediation_fail", "reason", "told_on"),
        forms.FailForm,
        "fail",
        danger=True,
    ),
    Action(
        "mediation_refer",
        _("引导诉讼（移送诉调对接中心）"),
        _str("mediation_refer_court", "court", "referred_on", "remark"),
        forms.ReferForm,
        "refer_court",
    ),
    Action(
        "mediation_confirmation",
        _("登记共同申请司法确认"),
        _svc("confirmation_apply", "court", "matter", "applied_on", "joint"),
        forms.ConfirmationForm,
        "apply_confirmation",
        precheck=_confirmation_precheck,
        help=_("由双方当事人自协议生效之日起30日内共同向人民法院申请；本中心只准备申请材料并登记，确认与否由法院裁定"),
    ),
    Action(
        "mediation_ruling",
        _("登记法院裁定（外部事件）"),
        _str("ruling_record", "ruling", "ruling_number", "ruled_on", "court", "remark"),
        forms.RulingForm,
        roles=M,
        states=(S.CONFIRMATION_APPLIED,),
        cite=_("民事诉讼法第206条"),
    ),
    Action(
        "mediation_withdraw",
        _("撤回/终止调解"),
        _str("mediation_withdraw", "reason"),
        forms.ReasonForm,
        "withdraw",
        danger=True,
    ),
    Action("mediation_archive", _("立卷归档"), _str("mediation_archive", "comment"), forms.CommentForm, "archive"),
)


def _facts(case: Any) -> dict[str, Any]:
    from township.mediation.selectors import facts

    record = (
        Mediation.objects.filter(jurisdiction_id=case.jurisdiction_id, case_id=case.pk).select_related("case").first()
    )
    return facts(record) if record is not None else {}


def _intake(intake: Any) -> Any:
    from township.mediation.services import mediation_intake

    return mediation_intake(intake)


def _ended(jurisdiction_ids: Any, start: datetime, end: datetime) -> Any:
    first, after = period_days(start, end)
    return Mediation.objects.filter(
        jurisdiction_id__in=list(jurisdiction_ids), ended_on__gte=first, ended_on__lt=after
    ).exclude(outcome__in=["", Outcome.REFUSED])


# 调解成功率, grouped by town, 承办 department and person (the case's lead assignment) like every case indicator.
SUCCESS_RATE = record_rate(
    key="mediation.success_rate",
    label=_("调解成功率"),
    base=_ended,
    success=Q(outcome__in=[Outcome.AGREEMENT_WRITTEN, Outcome.AGREEMENT_ORAL]),
    case_ref="case_id",
    formula=_("达成调解协议（书面或口头）数 / 调解终结数（不含当事人拒绝调解）"),
)
_success_rate = SUCCESS_RATE.compute


MEDIATION_CASE = CaseType(
    machine=MACHINE,
    record=Mediation,
    page="mediation:case",
    actions=ACTIONS,
    menu=(
        MenuEntry(_("调解案件"), "mediation:list", roles=VIEW, order=60),
        MenuEntry(_("调解申请登记"), "mediation:apply", roles=M, order=61),
        MenuEntry(_("人民调解委员会"), "mediation:committees", roles=(*VIEW, Role.ADMINISTRATOR), order=62),
        MenuEntry(_("调解统计"), "mediation:stats", roles=VIEW, order=63),
    ),
    facts=_facts,
    intake=_intake,
    indicators=(SUCCESS_RATE,),
)
