"""The grid event case type declared to the engine (issue 10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from township.cases.indicators import on_time_rate
from township.cases.types import Action, CaseType, MenuEntry, TimedJob, Visible
from township.core.errors import DomainError
from township.grid import forms
from township.grid.errors import Code
from township.grid.intake import grid_event_intake
from township.grid.machine import CASE_TYPE, MACHINE, OPEN_STATES, S
from township.grid.models import Event
from township.grid.services._common import HANDOVER_ROLES
from township.org.models import GRID_ROLES, Role


def _escalate(now: datetime) -> dict[str, Any]:
    from township.grid.services import grid_escalate_overdue, grid_postponements_end

    return {"postponements_ended": grid_postponements_end(now), "escalations": grid_escalate_overdue(now)}


# --- the steps of an event, as actions (one form each; the services do the work) ----------------------------------


def _photos(files: Any) -> list[Any]:
    return files.getlist("photos") if files is not None and hasattr(files, "getlist") else []


def _departments(case: Any, actor: Any) -> dict[str, Any]:
    from township.grid.selectors import dispatch_departments
    from township.grid.services import department_suggest

    suggested = department_suggest(event=EVENT.record_for(case))
    return {"departments": dispatch_departments(case=case), "suggested": suggested.pk if suggested else None}


def _dispatch(event: Event, actor: Any, d: dict[str, Any], files: Any) -> Any:
    from township.grid import services

    return services.event_dispatch_by_ids(
        event=event,
        actor=actor,
        department=d.get("department"),
        handler=d.get("handler"),
        assisting=d.get("assisting") or [],
        comment=d.get("reason", ""),
    )


def _svc(name: str, **fixed: Any) -> Any:
    """A handler calling ``township.grid.services.<name>(event=…, actor=…, …)`` with the form's fields mapped."""

    def handler(event: Event, actor: Any, d: dict[str, Any], files: Any) -> Any:
        from township.grid import services

        kwargs: dict[str, Any] = dict(fixed)
        for key, target in (("reason", "reason"), ("days", "days"), ("rating", "rating")):
            if key in d and target in _PARAMS[name]:
                kwargs[target] = d[key] if d[key] is not None else ""
        if "comment" in _PARAMS[name]:
            kwargs["comment"] = d.get("reason", "") or d.get("comment", "")
        if "note" in _PARAMS[name]:
            kwargs["note"] = d.get("reason", "")
        if "photos" in _PARAMS[name]:
            kwargs["photos"] = d.get("photos") or _photos(files)
        return getattr(services, name)(event=event, actor=actor, **kwargs)

    return handler


_PARAMS: dict[str, tuple[str, ...]] = {
    "event_verify": ("reason", "photos"),
    "event_register": ("comment",),
    "event_reject": ("reason",),
    "event_accept": (),
    "event_return": ("reason",),
    "event_feedback": ("photos", "note"),
    "event_postpone_request": ("reason", "days"),
    "event_postpone_approve": ("comment",),
    "event_postpone_reject": ("comment",),
    "event_postpone_end": ("comment",),
    "event_check": ("reason", "photos"),
    "event_close": ("comment",),
    "event_evaluate": ("rating", "comment"),
    "event_cancel": ("reason",),
}


def _candidates(case: Any, actor: Any) -> dict[str, Any]:
    from township.grid.selectors import duplicate_candidates

    return {"candidates": duplicate_candidates(event=EVENT.record_for(case))}


def _has_candidates(event: Event, actor: Any) -> bool:
    from township.grid.selectors import duplicate_candidates

    return bool(duplicate_candidates(event=event))


def _link(event: Event, actor: Any, d: dict[str, Any], files: Any) -> Any:
    from township.grid import selectors, services

    original = selectors.event_get(actor=actor, pk=d["original"])
    return services.event_link_duplicate(event=event, original=original, actor=actor)


def _not_handed_over(event: Event, actor: Any) -> None:
    if event.handovers.exists():
        raise DomainError(Code.HANDOVER_EXISTS, _("该事件已移交执法"))


def _handover(event: Event, actor: Any, d: dict[str, Any], files: Any) -> Any:
    from township.grid import services

    return services.grid_event_to_clue(event=event, actor=actor, reason=d["reason"])


ACTIONS = (
    Action("verify", _("核实属实"), _svc("event_verify", genuine=True), forms.PhotosForm, "verify"),
    Action(
        "verify_false",
        _("核实不属实"),
        _svc("event_verify", genuine=False),
        forms.ReasonForm,
        "verify_false",
        danger=True,
    ),
    Action("register", _("立案"), _svc("event_register"), forms.CommentForm, "register"),
    Action("reject", _("不予立案"), _svc("event_reject"), forms.ReasonForm, "reject", danger=True),
    Action("dispatch", _("派遣"), _dispatch, forms.DispatchForm, "dispatch", form_kwargs=_departments),
    Action("sign", _("签收"), _svc("event_accept"), None, "accept"),
    Action("send_back", _("回退调度"), _svc("event_return"), forms.ReasonForm, "return"),
    Action("feedback", _("处置反馈"), _svc("event_feedback"), forms.FeedbackForm, "feedback"),
    Action("postpone_request", _("申请延期"), _svc("event_postpone_request"), forms.PostponeForm, "postpone_request"),
    Action("postpone_approve", _("批准延期"), _svc("event_postpone_approve"), forms.CommentForm, "postpone_approve"),
    Action("postpone_reject", _("驳回延期"), _svc("event_postpone_reject"), forms.CommentForm, "postpone_reject"),
    Action("postpone_end", _("恢复处置"), _svc("event_postpone_end"), forms.CommentForm, "postpone_end"),
    Action("check_ok", _("核查通过"), _svc("event_check", ok=True), forms.PhotosForm, "check_ok"),
    Action("rework", _("核查不通过（返工）"), _svc("event_check", ok=False), forms.ReasonForm, "rework", danger=True),
    Action("close_event", _("结案"), _svc("event_close"), forms.CommentForm, "close"),
    Action("evaluate", _("评价"), _svc("event_evaluate"), forms.EvaluateForm, "evaluate"),
    Action("cancel", _("作废"), _svc("event_cancel"), forms.ReasonForm, "cancel", danger=True),
    # Steps beside the loop: they record a fact (and a timeline note) without a transition of their own.
    Action(
        "link_duplicate",
        _("关联为重复上报"),
        _link,
        forms.DuplicateForm,
        roles=(Role.DISPATCHER,),
        states=(S.REPORTED, S.VERIFYING, S.VERIFIED),
        form_kwargs=_candidates,
        applies=_has_candidates,  # offered only when a similar open event is near
        help=_("本事件作废，并在原事件的时间线上记录"),
    ),
    Action(
        "handover",
        _("移交综合执法（案源）"),
        _handover,
        forms.ReasonForm,
        roles=HANDOVER_ROLES,
        states=OPEN_STATES,
        precheck=_not_handed_over,
        cite=_("DOMAIN §1.6 网格与执法联动"),
    ),
)


FIELD = (*GRID_ROLES, Role.DISPATCHER, Role.HANDLER, Role.LEADER)


def _grid_names(group: str, codes: Any) -> dict[Any, str]:
    """Names of the grids an evaluation ranks (by grid code)."""
    from township.grid.models import Grid

    found = Grid.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name")
    return {c: f"{n}（{c}）" for c, n in found}


EVENT = CaseType(
    machine=MACHINE,
    record=Event,
    page="grid:case",
    actions=ACTIONS,
    menu=(
        MenuEntry(_("调度台"), "grid:desk", roles=(Role.DISPATCHER, Role.LEADER), order=30),
        MenuEntry(_("网格地图"), "grid:map", roles=FIELD, order=31),
        MenuEntry(_("上报事件"), "grid:report", roles=GRID_ROLES, order=32),
        MenuEntry(_("网格管理"), "grid:grids", roles=(Role.DISPATCHER, Role.LEADER, Role.ADMINISTRATOR), order=33),
        MenuEntry(_("综合评价"), "grid:evaluation", roles=(Role.DISPATCHER, Role.LEADER), order=34),
        MenuEntry(_("移交执法"), "grid:handovers", roles=(Role.DISPATCHER, Role.LEADER), order=35),
        MenuEntry(_("超期督办"), "grid:escalations", roles=(Role.GRID_SUPERVISOR, Role.LEADER), order=36),
    ),
    timed=(TimedJob("grid.escalations", _escalate, every_seconds=300),),
    facts=lambda case: _facts(case),
    intake=grid_event_intake,  # 社情民意 and others forward matters here (issue 14)
    # 考核 (issue 12): events closed within their time limit, by the engine's formula (docs/evaluation.md); the
    # GB/T 30428 set stays on the grid's own evaluation page.
    indicators=(
        on_time_rate(
            CASE_TYPE,
            label=_("事件按期办结率"),
            extra_groups={"grid": "grid_event__grid__code"},
            group_names=_grid_names,
        ),
    ),
    visible=Visible(lambda actor: _visible_inputs(actor), lambda inputs: _visible_of(inputs)),
)


def _facts(case: Any) -> dict[str, Any]:
    """What the guards read: the event's source, and who handles it (承办 department and person)."""
    record = getattr(case, "_case_type_record", None)
    if record is not None:
        dept = record.department if record.department_id else None
        return {
            "source": str(record.source),
            "lead_department": record.department_id,
            "lead_department_name": dept.name if dept is not None else "",
            "lead_handler": record.handler_id,
        }
    row = (
        Event.objects.filter(jurisdiction_id=case.jurisdiction_id, case_id=case.pk)
        .values_list("source", "department_id", "department__name", "handler_id")
        .first()
    )
    if row is None:
        return {"source": ""}
    return {
        "source": str(row[0]),
        "lead_department": row[1],
        "lead_department_name": row[2] or "",
        "lead_handler": row[3],
    }


def _visible_inputs(actor: Any) -> tuple[Any]:
    """What the grid's case filter reads of the actor: None when the whole-unit part of their scope covers every
    unit they reach, else the event scope's inputs (``grid.selectors._scope_inputs``)."""
    from township.grid.selectors import _scope_inputs, covers_reach

    return (None if covers_reach(actor) else _scope_inputs(actor),)


def _visible_of(inputs: Any) -> Any:
    """Cases of grid events the actor may see: those of the events in their data scope (承办/协办, own grids…)."""
    from django.db.models import Q

    from township.grid.selectors import _scope_of

    if inputs is None:
        return Q()  # all the events of the units they reach: the engine's tenant filter is enough
    return Q(pk__in=Event.objects.filter(_scope_of(*inputs)).values("case_id"))
