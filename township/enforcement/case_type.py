"""The enforcement case types declared to the engine: the ordinary and the summary penalty procedure (issue 10).

Every step a person takes on a penalty case is an :class:`~township.cases.types.Action` here: the same button on the
enforcement case page and the generic one, one operation ``POST /api/v1/cases/{id}/actions/{name}``. An action that
fires an edge takes its roles and states from the machine; one that only writes a record (调查取证, 陈述申辩, 延长
办案期限…) names them itself. Handlers call the services, which fire the edge with this case type's authority.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from township.cases.indicators import on_time_rate, period_days, record_rate
from township.cases.types import Action, CaseType, MenuEntry
from township.core.errors import DomainError
from township.enforcement import facts as penalty_facts
from township.enforcement import forms, selectors, services
from township.enforcement.errors import Code
from township.enforcement.machine import PENALTY_MACHINE, SUMMARY_MACHINE, SummaryState
from township.enforcement.machine import PenaltyState as S
from township.enforcement.models import PenaltyCase, Remedy
from township.org.models import Role

STAFF = (Role.ENFORCEMENT_OFFICER, Role.LEGAL_REVIEWER, Role.LEADER)
OFFICER = (Role.ENFORCEMENT_OFFICER.value,)
OFFICER_OR_HEAD = (Role.ENFORCEMENT_OFFICER.value, Role.LEADER.value)
HEAD = (Role.LEADER.value,)

STAFF_VALUES = tuple(r.value for r in STAFF)
DECIDED = (S.DECIDED, S.SERVED, S.OVERDUE, S.ENFORCEMENT, S.PAID, S.CLOSED)
INVESTIGATION = (S.FILED, S.INVESTIGATING, S.NOTIFIED, S.HEARD)
OPEN = (S.FILED, S.INVESTIGATING, S.NOTIFIED, S.HEARD, S.HEARING_REQUESTED, S.HEARING_SCHEDULED, S.REVIEWED)


# --- form arguments ---------------------------------------------------------------------------------------------


def _people(case: Any, actor: Any) -> dict[str, Any]:
    """The people of the case's unit for the person fields (nobody outside it can be chosen)."""
    return {"jurisdictions": [case.jurisdiction_id]}


def _record(case: Any) -> PenaltyCase:
    from township.cases.types import case_type_for

    record: PenaltyCase = case_type_for(case.case_type).record_for(case)
    return record


def _pending(case: Any, actor: Any) -> dict[str, Any]:
    return {"pending": selectors.preservation_pending_choices(penalty_case=_record(case))}


def _grounds(case: Any, actor: Any) -> dict[str, Any]:
    pc = _record(case)
    return {"initial": {"grounds": pc.legal_review_grounds, "major_case": pc.major_case}}


def _certificates(case: Any, actor: Any) -> dict[str, Any]:
    return {"certificates": selectors.revocable_certificate_choices(penalty_case=_record(case))}


def _remedies(case: Any, actor: Any) -> dict[str, Any]:
    return {"current": selectors.remedy_choices(penalty_case=_record(case))}


def _pending_remedies(case: Any, actor: Any) -> dict[str, Any]:
    return {"pending": selectors.remedy_choices(penalty_case=_record(case), pending=True)}


def _staff(pc: PenaltyCase, pk: int, field: str = "approved_by") -> Any:
    return selectors.staff_user(jurisdiction=pc.jurisdiction_id, pk=pk, field=field)


def _files(files: Any) -> list[Any]:
    return files.getlist("files") if files else []


# --- prechecks: the facts that must hold before a button can succeed --------------------------------------------


# --- applies: hide a step with nothing to act on ---------------------------------------------------------------


def _has_pending_preservation(pc: PenaltyCase, actor: Any) -> bool:
    return bool(selectors.preservation_pending_choices(penalty_case=pc))


def _unpublished(pc: PenaltyCase, actor: Any) -> bool:
    d = services.disclosure_for(pc)
    return d is not None and d.published_at is None


def _published(pc: PenaltyCase, actor: Any) -> bool:
    d = services.disclosure_for(pc)
    return d is not None and d.published_at is not None and d.withdrawn_at is None


def _has_pending_remedy(pc: PenaltyCase, actor: Any) -> bool:
    return bool(services.remedies_current(pc).filter(result="").exists())


def _cash_to_hand_over(pc: PenaltyCase, actor: Any) -> None:
    from township.enforcement import rules

    rules.check_cash_to_hand_over(
        collected_on_spot=pc.collected_on_spot, handed_over=pc.cash_handed_over_on is not None
    )


# --- handlers: (penalty case, actor, cleaned data, files) → the service -----------------------------------------


def _investigate(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_investigate(penalty_case=pc, actor=a, comment=d.get("comment", ""))


def _act(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_act_record(
        penalty_case=pc,
        kind=d["kind"],
        at=d["at"],
        place=d["place"],
        officers=d["officers"],
        actor=a,
        summary=d.get("summary", ""),
        files=_files(f),
    )


def _preservation(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.preservation_start(
        penalty_case=pc,
        goods=d["goods"],
        started_on=d["started_on"],
        place=d.get("place", ""),
        officers=d["officers"],
        approved_by=_staff(pc, d["approved_by"]),
        actor=a,
    )


def _preservation_decide(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.preservation_decide(
        preservation=selectors.preservation_pending_get(penalty_case=pc, pk=d["preservation"]),
        outcome=d["outcome"],
        decided_on=d["decided_on"],
        actor=a,
    )


def _notice(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_notice(
        penalty_case=pc,
        actor=a,
        types=d["types"],
        fine=d.get("fine") or 0,
        facts=d["facts"],
        reasons=d["reasons"],
        basis=d["basis"],
        served_on=d["served_on"],
        mode=d["mode"],
        consent_signed=d["consent_signed"],
        received_on=d.get("received_on"),
    )


def _statement(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_statement_record(
        penalty_case=pc,
        actor=a,
        statement=d["statement"],
        review=d["review"],
        waived=d["waived"],
        hearing_waived=d["hearing_waived"],
    )


def _hearing_request(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_hearing_request(penalty_case=pc, requested_on=d["requested_on"], actor=a)


def _hearing_schedule(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_hearing_schedule(
        penalty_case=pc,
        notice_on=d["notice_on"],
        hearing_on=d["hearing_on"],
        chair=_staff(pc, d["chair"], "chair"),
        place=d["place"],
        actor=a,
    )


def _hearing_hold(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_hearing_hold(penalty_case=pc, record=d["record"], actor=a, party_absent=d["party_absent"])


def _review(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_review(penalty_case=pc, actor=a, opinion=d["opinion"], passed=d["passed"])


def _review_grounds(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_review_grounds_set(
        penalty_case=pc, actor=a, grounds=d["grounds"], major_case=d["major_case"], reason=d["reason"]
    )


def _discussion(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_discussion_record(
        penalty_case=pc,
        actor=a,
        participants=[p.strip() for p in d["participants"].replace("，", ",").split(",") if p.strip()],
        conclusion=d["conclusion"],
        held_on=d["held_on"],
    )


def _extend(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_extend(
        penalty_case=pc, days=d["days"], reason=d["reason"], approved_by=_staff(pc, d["approved_by"]), actor=a
    )


def _decide(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    named = d.get("certificates") or []
    return services.penalty_decide(
        penalty_case=pc,
        actor=a,
        types=d["types"],
        fine=d.get("fine") or 0,
        certificates=selectors.revocable_certificates(penalty_case=pc, pks=named) if named else [],
    )


def _serve(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_serve(
        penalty_case=pc,
        actor=a,
        mode=d["mode"],
        sent_on=d["sent_on"],
        consent_signed=d["consent_signed"],
        witness=d.get("witness", ""),
        received_on=d.get("received_on"),
    )


def _pay(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_pay(
        penalty_case=pc, actor=a, paid_on=d["paid_on"], amount=d["amount"], late_amount=d.get("late_amount") or 0
    )


def _overdue(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_mark_overdue(penalty_case=pc, actor=a)


def _instalment(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_instalment_approve(
        penalty_case=pc,
        until=d["until"],
        instalments=d["instalments"],
        reason=d["reason"],
        approved_by=_staff(pc, d["approved_by"]),
        actor=a,
    )


def _demand(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_demand(penalty_case=pc, actor=a, served_on=d["served_on"])


def _enforce(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_apply_enforcement(
        penalty_case=pc, actor=a, applied_on=d["applied_on"], court=d.get("court", "")
    )


def _drop(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_drop(penalty_case=pc, actor=a, reason=d["reason"])


def _close(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_close(penalty_case=pc, actor=a, report=d["report"])


def _archive(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_archive(penalty_case=pc, actor=a)


def _disclose(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    from township.enforcement.disclosure import disclosure_publish

    disclosure = services.disclosure_for(pc)
    if disclosure is None:
        raise DomainError(Code.DISCLOSURE_NOT_PUBLISHED, _("本案没有待公示的处罚决定"))
    return disclosure_publish(disclosure=disclosure, actor=a)


def _disclosure_withdraw(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    from township.enforcement.disclosure import disclosure_withdraw

    return disclosure_withdraw(penalty_case=pc, reason=d["reason"], actor=a, varied_on=d.get("varied_on"))


def _document(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    from township.enforcement.documents import document_generate

    return document_generate(penalty_case=pc, kind=d["kind"], actor=a)


def _file(files: Any) -> Any:
    return files.get("file") if files else None


def _remedy(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_remedy_record(
        penalty_case=pc,
        actor=a,
        kind=d["kind"],
        body=d.get("body", ""),
        number=d.get("number", ""),
        received_on=d["received_on"],
        decided_on=d.get("decided_on"),
        result=d.get("result", ""),
        note=d.get("note", ""),
        file=_file(f),
        replaces=d.get("replaces"),
    )


def _remedy_result(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.penalty_remedy_result(
        penalty_case=pc,
        actor=a,
        remedy=d["remedy"],
        decided_on=d["decided_on"],
        result=d["result"],
        note=d.get("note", ""),
        file=_file(f),
    )


def _collect(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.summary_collect_on_spot(
        penalty_case=pc, actor=a, receipt_number=d["receipt_number"], hard_to_enforce=d["hard_to_enforce"]
    )


def _summary_pay(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.summary_pay(penalty_case=pc, actor=a, paid_on=d["paid_on"], amount=d["amount"])


def _hand_over(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.summary_cash_hand_over(penalty_case=pc, actor=a, handed_over_on=d["handed_over_on"])


def _summary_record(pc: PenaltyCase, a: Any, d: dict[str, Any], f: Any) -> Any:
    return services.summary_record(penalty_case=pc, actor=a)


# 行政复议 and 行政诉讼 against the decision: recorded facts of a decided case (行政处罚法第73条: no state change).
REMEDY_CITE = _("行政处罚法第73条；行政复议法第63条至第69条；行政诉讼法第69条至第77条")


def remedy_actions(prefix: str, states: Sequence[str]) -> tuple[Action, Action]:
    """登记复议/诉讼 and 登记复议/诉讼结果 for a case type (action names are unique across case types)."""
    return (
        Action(
            f"{prefix}_remedy",
            _("登记行政复议、行政诉讼"),
            _remedy,
            form=forms.RemedyForm,
            roles=STAFF_VALUES,
            states=tuple(states),
            form_kwargs=_remedies,
            cite=REMEDY_CITE,
            help=_("复议机关、人民法院受理或作出决定、裁判后登记；登记错误的，选择“更正的记录”重新登记，原记录保留。"),
        ),
        Action(
            f"{prefix}_remedy_result",
            _("登记复议、诉讼结果"),
            _remedy_result,
            form=forms.RemedyResultForm,
            roles=STAFF_VALUES,
            states=tuple(states),
            form_kwargs=_pending_remedies,
            applies=_has_pending_remedy,
            cite=REMEDY_CITE,
        ),
    )


# --- the ordinary procedure -------------------------------------------------------------------------------------

PENALTY_ACTIONS = (
    Action("penalty_investigate", _("开始调查"), _investigate, transition="investigate"),
    Action(
        "penalty_act",
        _("调查取证"),
        _act,
        form=forms.ActForm,
        roles=OFFICER,
        states=INVESTIGATION,
        form_kwargs=_people,
        cite=_("行政处罚法第42条、第47条、第55条"),
    ),
    Action(
        "penalty_preservation",
        _("先行登记保存"),
        _preservation,
        form=forms.PreservationForm,
        roles=OFFICER,
        states=INVESTIGATION,
        form_kwargs=_people,
        cite=_("行政处罚法第56条"),
    ),
    Action(
        "penalty_preservation_decide",
        _("保存物品处理决定"),
        _preservation_decide,
        form=forms.PreservationDecideForm,
        roles=OFFICER_OR_HEAD,
        states=OPEN,
        form_kwargs=_pending,
        applies=_has_pending_preservation,
        cite=_("行政处罚法第56条"),
    ),
    Action("penalty_notice", _("事先告知"), _notice, form=forms.NoticeForm, transition="notify"),
    Action(
        "penalty_statement",
        _("陈述申辩"),
        _statement,
        form=forms.StatementForm,
        roles=OFFICER,
        states=(S.NOTIFIED, S.HEARD),
        cite=_("行政处罚法第45条"),
    ),
    Action(
        "penalty_hearing_request",
        _("听证申请"),
        _hearing_request,
        form=forms.HearingRequestForm,
        transition="request_hearing",
    ),
    Action(
        "penalty_hearing_schedule",
        _("听证通知"),
        _hearing_schedule,
        form=forms.HearingScheduleForm,
        transition="schedule_hearing",
        form_kwargs=_people,
    ),
    Action("penalty_hearing_hold", _("举行听证"), _hearing_hold, form=forms.HearingHoldForm, transition="hold_hearing"),
    Action("penalty_review", _("法制审核"), _review, form=forms.ReviewForm, transition="review"),
    Action(
        "penalty_review_grounds",
        _("法制审核情形"),
        _review_grounds,
        form=forms.ReviewGroundsForm,
        roles=OFFICER_OR_HEAD,
        states=OPEN,
        form_kwargs=_grounds,
        cite=_("行政处罚法第57条、第58条"),
    ),
    Action(
        "penalty_discussion",
        _("集体讨论"),
        _discussion,
        form=forms.DiscussionForm,
        roles=HEAD,
        states=(S.NOTIFIED, S.HEARD, S.REVIEWED),
        cite=_("行政处罚法第57条"),
    ),
    Action(
        "penalty_extend",
        _("延长办案期限"),
        _extend,
        form=forms.ExtendForm,
        roles=OFFICER_OR_HEAD,
        states=OPEN,
        form_kwargs=_people,
        cite=_("行政处罚法第60条"),
    ),
    Action(
        "penalty_decide",
        _("作出处罚决定"),
        _decide,
        form=forms.DecideForm,
        transition="decide",
        form_kwargs=_certificates,
    ),
    Action("penalty_serve", _("送达决定书"), _serve, form=forms.ServeForm, transition="serve"),
    Action("penalty_pay", _("缴纳罚款"), _pay, form=forms.PayForm, transition="pay"),
    Action("penalty_overdue", _("登记逾期未缴"), _overdue, transition="mark_overdue"),
    Action(
        "penalty_instalment",
        _("批准暂缓或分期缴纳"),
        _instalment,
        form=forms.InstalmentForm,
        roles=OFFICER_OR_HEAD,
        states=(S.SERVED, S.OVERDUE),
        form_kwargs=_people,
        cite=_("行政处罚法第66条"),
    ),
    Action(
        "penalty_demand",
        _("催告"),
        _demand,
        form=forms.DemandForm,
        roles=OFFICER_OR_HEAD,
        states=(S.OVERDUE,),
        cite=_("行政强制法第35条、第54条"),
    ),
    Action("penalty_enforce", _("申请法院强制执行"), _enforce, form=forms.EnforceForm, transition="apply_enforcement"),
    Action("penalty_drop", _("撤销立案"), _drop, form=forms.DropForm, transition="drop", danger=True),
    Action("penalty_close", _("结案"), _close, form=forms.CloseForm, transition="close"),
    Action("penalty_close_performed", _("结案（无罚款）"), _close, form=forms.CloseForm, transition="close_performed"),
    Action("penalty_archive", _("归档"), _archive, transition="archive"),
    Action(
        "penalty_disclose",
        _("公示（个人信息已脱敏）"),
        _disclose,
        roles=STAFF_VALUES,
        states=DECIDED,
        applies=_unpublished,
        cite=_("行政处罚法第48条"),
    ),
    Action(
        "penalty_disclosure_withdraw",
        _("撤下公示"),
        _disclosure_withdraw,
        form=forms.DisclosureWithdrawForm,
        roles=STAFF_VALUES,
        states=DECIDED,
        applies=_published,
        danger=True,
        cite=_("行政处罚法第48条"),
    ),
    Action(
        "penalty_document",
        _("生成文书"),
        _document,
        form=forms.DocumentForm,
        roles=STAFF_VALUES,
        states=(*OPEN, *DECIDED),
        success=_("文书已生成"),
    ),
    *remedy_actions("penalty", DECIDED),
)

# --- the summary procedure (简易程序: on_spot → paid → recorded) ------------------------------------------------

SUMMARY_ACTIONS = (
    Action("summary_collect", _("当场收缴"), _collect, form=forms.CollectForm, transition="collect_on_spot"),
    Action("summary_pay", _("登记银行缴款"), _summary_pay, form=forms.SummaryPayForm, transition="pay"),
    Action(
        "summary_hand_over",
        _("罚款交至行政机关"),
        _hand_over,
        form=forms.HandOverForm,
        roles=OFFICER_OR_HEAD,
        states=(SummaryState.PAID,),
        precheck=_cash_to_hand_over,
        cite=_("行政处罚法第71条"),
    ),
    Action("summary_record", _("报所属行政机关备案"), _summary_record, transition="record"),
    *remedy_actions("summary", (SummaryState.ON_SPOT, SummaryState.PAID)),
)


def _reviewed(units: Sequence[str], start: datetime, end: datetime) -> QuerySet[PenaltyCase]:
    first, after = period_days(start, end)
    return PenaltyCase.objects.filter(
        jurisdiction_id__in=list(units), reviewed_on__gte=first, reviewed_on__lt=after
    ).exclude(review_passed__isnull=True)


# 法制审核通过率 (行政处罚法 Art 58): cases whose legal review passed / cases reviewed in the period, by the review date.
LEGAL_REVIEW_PASSED = record_rate(
    key="legal_review_passed",
    label=_("法制审核通过率"),
    base=_reviewed,
    success=Q(review_passed=True),
    case_ref="case_id",
    formula=_("法制审核通过的案件数 / 期间内完成法制审核的案件数"),
)


def _remedies_decided(units: Sequence[str], start: datetime, end: datetime) -> QuerySet[Remedy]:
    first, after = period_days(start, end)
    return Remedy.objects.filter(
        jurisdiction_id__in=list(units),
        decided_on__gte=first,
        decided_on__lt=after,
        replaced_by__isnull=True,
    ).exclude(result="")


# 复议诉讼纠错率: remedies whose result changed, annulled (wholly or partly, with or without an order to redo),
# confirmed illegal or void the decision / remedies decided in the period (by the decision or judgment date), the rows
# a correction replaced not counted; both procedures. Lower is better.
REMEDY_CORRECTED = record_rate(
    key="remedy_corrected_rate",
    label=_("复议诉讼纠错率"),
    base=_remedies_decided,
    success=Q(result__in=services.CORRECTED),
    case_ref="penalty_case__case_id",
    formula=_("被变更、撤销、部分撤销、责令重作、确认违法或确认无效的复议诉讼数 / 期间内审结的复议诉讼数"),
    higher_is_better=False,
)


PENALTY = CaseType(
    machine=PENALTY_MACHINE,
    record=PenaltyCase,
    page="enforcement:case-by-case",
    actions=PENALTY_ACTIONS,
    facts=penalty_facts.facts_of,
    menu=(
        MenuEntry(_("行政处罚案件"), "enforcement:case-list", roles=STAFF, order=40),
        MenuEntry(_("案源管理"), "enforcement:clue-list", roles=STAFF, order=41),
        MenuEntry(_("双随机抽查"), "enforcement:plan-list", roles=STAFF, order=42),
        MenuEntry(_("执法队伍"), "enforcement:team-list", roles=STAFF, order=43),
    ),
    # 考核 (issue 12): 按期结案率 by the engine's formula, 法制审核通过率, 复议诉讼纠错率 (docs/evaluation.md).
    indicators=(
        on_time_rate(PENALTY_MACHINE.case_type, label=_("按期结案率")),
        LEGAL_REVIEW_PASSED,
        REMEDY_CORRECTED,
    ),
)

SUMMARY = CaseType(
    machine=SUMMARY_MACHINE,
    record=PenaltyCase,
    page="enforcement:case-by-case",
    actions=SUMMARY_ACTIONS,
    facts=penalty_facts.facts_of,
)
