"""The approval case types declared to the engine: the application and the 一件事 bundle (issue 10).

Every step a person takes on an application is an :class:`~township.cases.types.Action` here: the same button on the
application page (``templates/cases/_actions.html``), the same form, and one API operation
``POST /api/v1/cases/{id}/actions/{name}``. Each handler calls one service, which fires the machine's edge with the
case type's authority. Who sees a step and when comes from the edge (its roles and source states) or from the
action's own ``roles``/``states``; a step whose facts do not hold (the dry run of the edge's fact guards, or the
``precheck``) is shown disabled with the reason; a step with nothing to act on (``applies``: no 容缺 materials
outstanding, no child waiting) is not shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from township.approval import forms as f
from township.approval.machine import APPLICATION_MACHINE, BUNDLE_MACHINE, DECIDE, STAFF_ACCEPT, S
from township.approval.models import Application
from township.approval.ratings_analysis import INDICATORS as RATING_INDICATORS
from township.cases.indicators import early_rate, on_time_rate, one_pass_rate
from township.cases.machine import OWNER
from township.cases.types import Action, CaseType, MenuEntry, TimedJob, case_type_for
from township.org.models import Role

CLERKS = (Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD)


def _svc() -> Any:
    from township.approval import services

    return services


def _timed_work(now: datetime) -> dict[str, Any]:
    return dict(_svc().approval_run_timed_work(now))


def _facts(case: Any) -> dict[str, Any]:
    from township.approval.selectors import application_facts

    return application_facts(case)


def _app(case: Any) -> Application:
    app: Application = case_type_for(case.case_type).record_for(case)
    return app


def _uploads(files: Any) -> dict[str, Any]:
    """The material files of a post: ``m_<material code>`` (the page) or ``<material code>`` (the API)."""
    if not files:
        return {}
    return {(k[2:] if k.startswith("m_") else k): v for k, v in files.items() if k != "material_files"}


def _is_staff(case: Any, actor: Any) -> bool:
    from township.org.scoping import has_role

    return has_role(actor, case.jurisdiction_id, (*CLERKS, Role.VILLAGE_AGENT), case.village_id)


# ---- handlers: each calls one service ------------------------------------------------------------------------


def _accept(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_accept(application=app, actor=actor, comment=data.get("comment", ""))


def _accept_gap(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_accept_gap(
        application=app, actor=actor, missing=list(data.get("missing") or []), pledge=data.get("pledge", "")
    )


def _commitment(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_approve_on_commitment(
        application=app,
        actor=actor,
        applicant_chose=bool(data.get("applicant_chose")),
        pledge=data.get("pledge", ""),
        method=data.get("method") or "document",
    )


def _refuse(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_refuse(
        application=app, actor=actor, reason=data.get("reason", ""), remedy=data.get("remedy", "")
    )


def _supplement(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_request_supplement(
        application=app, actor=actor, material_codes=list(data.get("materials") or []), note=data.get("note", "")
    )


def _supply(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_supply(
        application=app, actor=actor, uploads=_uploads(files), paper=list(data.get("paper") or [])
    )


def _gap_supply(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_gap_supply(
        application=app, actor=actor, uploads=_uploads(files), paper=list(data.get("paper") or [])
    )


def _special_start(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_special_start(
        application=app, actor=actor, reason=data.get("reason", ""), note=data.get("note", "")
    )


def _special_end(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_special_end(application=app, actor=actor, note=data.get("comment", ""))


def _extend(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_extend(
        application=app, actor=actor, days=int(data.get("days") or 0), reason=data.get("reason", "")
    )


def _approve(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_approve(application=app, actor=actor, comment=data.get("comment", ""))


def _deny(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_deny(application=app, actor=actor, reason=data.get("reason", ""))


def _issue(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_issue(application=app, actor=actor)


def _withdraw(app: Application, actor: Any, data: dict[str, Any], files: Any) -> Any:
    return _svc().application_withdraw(application=app, actor=actor, reason=data.get("reason", ""))


# ---- per-case form choices ------------------------------------------------------------------------------------


def _with_app(case: Any, actor: Any) -> dict[str, Any]:
    return {"application": _app(case)}


def _supply_kwargs(case: Any, actor: Any) -> dict[str, Any]:
    from township.approval.selectors import open_notice

    notice = open_notice(_app(case))
    wanted = [(i["code"], i["name"]) for i in (notice.items if notice else [])]
    return {"wanted": wanted, "staff": _is_staff(case, actor)}


def _gap_supply_kwargs(case: Any, actor: Any) -> dict[str, Any]:
    from township.approval.selectors import application_materials

    wanted = [(m.material_type_code, m.name) for m in application_materials(_app(case)) if m.source == "gap"]
    return {"wanted": wanted, "staff": _is_staff(case, actor)}


# ---- prechecks: the facts a step needs besides its edge's guards ----------------------------------------------


def _gap_open(app: Application, actor: Any) -> bool:
    return app.accept_mode == "gap" and app.gap_supplied_at is None


def _extension_possible(app: Application, actor: Any) -> None:
    from township.approval.errors import Code, error
    from township.approval.rules import MAX_EXTENSION_WORKING_DAYS
    from township.cases.models import EventKind

    case = app.case
    if case.due_at is None:
        raise error(Code.EXTENSION_STATE)
    if case.clock_unit != "working_days":
        raise error(Code.EXTENSION_STATE, variant="unit")
    used = sum(int(e.data.get("amount") or 0) for e in case.events.filter(kind=EventKind.EXTEND).only("data"))
    if used >= MAX_EXTENSION_WORKING_DAYS:
        raise error(Code.EXTENSION_TOO_LONG, field="days", n=MAX_EXTENSION_WORKING_DAYS, u=used)


def _issuer_configured(app: Application, actor: Any) -> None:
    _svc().issuer_department(app)


# ---- applies: a step with nothing to act on is hidden, not disabled ---------------------------------------------


def _children_waiting(app: Application, actor: Any) -> bool:
    return Application.objects.filter(parent=app, case__state=S.SUBMITTED).exists()


def _children_open(app: Application, actor: Any) -> bool:
    return Application.objects.filter(parent=app, case__closed_at__isnull=True).exists()


REVIEW_STATES = (S.UNDER_REVIEW, S.SPECIAL_PROCEDURE)

APPLICATION_ACTIONS = (
    # 受理环节 (行政许可法第32条)
    Action("accept", _("受理"), _accept, transition="accept", cite=_("行政许可法第32条")),
    Action(
        "request_supplement",
        _("一次性告知补正"),
        _supplement,
        form=f.SupplementForm,
        form_kwargs=_with_app,
        transition="request_supplement",
        help=_("一次告知需要补正的全部材料；计时暂停，逾期未补正的视为撤回"),
        cite=_("行政许可法第32条；优化营商环境条例第36条"),
        success=_("已出具补正材料一次性告知书"),
    ),
    Action(
        "accept_gap",
        _("容缺受理"),
        _accept_gap,
        form=f.GapAcceptForm,
        form_kwargs=_with_app,
        transition="accept_gap",
        cite=_("安阳市政务服务条例第24条"),
    ),
    Action(
        "approve_on_commitment",
        _("告知承诺当场审批"),
        _commitment,
        form=f.CommitmentForm,
        form_kwargs=_with_app,
        transition="approve_on_commitment",
        help=_("须由申请人自愿选择；当场作出决定并制发证照，事后核查"),
        cite=_("国办发〔2020〕42号；安阳市政务服务条例第26条"),
    ),
    Action(
        "refuse_application",
        _("不予受理"),
        _refuse,
        form=f.RefuseForm,
        transition="refuse",
        danger=True,
        cite=_("行政许可法第32条"),
    ),
    Action(
        "supply_materials",
        _("提交补正材料"),
        _supply,
        form=f.SupplyForm,
        form_kwargs=_supply_kwargs,
        transition="supply",
        success=_("补正材料已提交，申请回到待受理"),
    ),
    Action(
        "supply_gap_materials",
        _("容缺材料补齐"),
        _gap_supply,
        form=f.GapSupplyForm,
        form_kwargs=_gap_supply_kwargs,
        roles=STAFF_ACCEPT,  # the materials are handed in where the application was accepted
        states=REVIEW_STATES,
        applies=_gap_open,
        cite=_("安阳市政务服务条例第24条"),
    ),
    # 审查与决定
    Action(
        "approve_application",
        _("准予许可并制证"),
        _approve,
        form=f.ApproveForm,
        transition="approve",
        cite=_("行政许可法第34、38、44条"),
    ),
    Action(
        "deny_application",
        _("不予许可"),
        _deny,
        form=f.DenyForm,
        transition="deny",
        danger=True,
        help=_("决定书将告知申请行政复议或提起行政诉讼的权利"),
        cite=_("行政许可法第38条"),
    ),
    Action(
        "start_special",
        _("启动特别程序（不计时）"),
        _special_start,
        form=f.SpecialStartForm,
        transition="start_special",
        cite=_("行政许可法第45条"),
    ),
    Action(
        "end_special", _("特别程序结束，恢复计时"), _special_end, transition="end_special", cite=_("行政许可法第45条")
    ),
    Action(
        "extend_time_limit",
        _("延长审批期限"),
        _extend,
        form=f.ExtendForm,
        roles=(Role.APPROVAL_HEAD,),
        states=REVIEW_STATES,
        precheck=_extension_possible,
        help=_("经审批负责人批准，累计不超过10个工作日，并告知申请人"),
        cite=_("行政许可法第42条"),
    ),
    Action(
        "issue_certificate",
        _("制发证照"),
        _issue,
        transition="issue",
        precheck=_issuer_configured,
        cite=_("行政许可法第44条"),
    ),
    # 申请人
    Action(
        "withdraw_application",
        _("撤回申请"),
        _withdraw,
        form=f.WithdrawForm,
        transition="withdraw",
        danger=True,
        cite=_("国办发〔2020〕42号（撤回）"),
    ),
)

APPLICATION = CaseType(
    machine=APPLICATION_MACHINE,
    record=Application,
    page="approval:case",
    actions=APPLICATION_ACTIONS,
    facts=_facts,
    menu=(
        MenuEntry(_("我的办事"), "approval:portal", roles=None, order=20),
        MenuEntry(_("综合窗口"), "approval:window", roles=(Role.WINDOW_CLERK, Role.VILLAGE_AGENT), order=30),
        MenuEntry(_("审批待办"), "approval:review", roles=DECIDE, order=31),
        MenuEntry(
            _("审批监督"),
            "approval:supervise",
            roles=(Role.APPROVAL_HEAD, Role.LEADER, Role.ENFORCEMENT_OFFICER, Role.ADMINISTRATOR),
            order=32,
        ),
        MenuEntry(_("好差评分析"), "approval:ratings", roles=(Role.APPROVAL_HEAD, Role.LEADER), order=33),
    ),
    timed=(TimedJob("approval.timed_work", _timed_work, every_seconds=300),),
    # 考核 (issue 12): 按时办结率, 提前办结率, 一次办结率 by the engine's formulas (docs/evaluation.md).
    indicators=(
        on_time_rate(APPLICATION_MACHINE.case_type),
        early_rate(APPLICATION_MACHINE.case_type),
        one_pass_rate(APPLICATION_MACHINE.case_type),
        *RATING_INDICATORS,
    ),
)

BUNDLE = CaseType(
    machine=BUNDLE_MACHINE,
    record=Application,
    page="approval:case",
    facts=_facts,
    actions=(
        Action(
            "accept_bundle",
            _("一件事全部受理"),
            _accept,
            roles=STAFF_ACCEPT,
            states=("open",),
            applies=_children_waiting,
            help=_("受理全部待受理的子件；任一子件材料不齐则都不受理"),
            cite=_("行政许可法第32条"),
        ),
        Action(
            "withdraw_bundle",
            _("撤回一件事申请"),
            _withdraw,
            form=f.WithdrawForm,
            roles=(OWNER, Role.VILLAGE_AGENT, Role.WINDOW_CLERK),
            states=("open",),
            applies=_children_open,
            danger=True,
        ),
    ),
)
