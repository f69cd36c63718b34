"""Case engine endpoints: 我的待办 across case types, case detail with timeline, transitions, attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from township.cases import actions, selectors, services
from township.cases.models import Case, CaseEvent
from township.cases.services import available_transitions
from township.cases.types import Action, all_case_types
from township.core import jsonout
from township.org.models import User

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    case_type: str
    case_type_label: str
    number: str
    title: str
    jurisdiction: str
    jurisdiction_name: str
    state: str
    state_label: str
    version: int
    opened_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    warning: str
    finished_late: bool
    due_provisional: bool  # the due time runs past the holiday table: the earliest possible, recomputed later


class PageOut(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class EventOut(Schema):
    seq: int
    kind: str
    name: str
    label: str
    from_state: str
    to_state: str
    actor: str | None
    at: datetime
    data: dict[str, Any]
    comment: str
    hash: str


class TransitionOut(Schema):
    name: str
    label: str
    target: str


class ActionOut(Schema):
    name: str
    label: str
    enabled: bool
    reason: str
    transition: str | None
    url: str


class CaseDetailOut(CaseOut):
    timeline: list[EventOut]
    transitions: list[TransitionOut]
    actions: list[ActionOut]
    clock_unit: str
    clock_limit: int | None
    paused: bool


class TransitionIn(Schema):
    name: str
    version: int | None = None
    comment: str = ""
    data: dict[str, Any] = {}


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


def _user(request: HttpRequest) -> User:
    """The signed-in user (every operation here needs authentication: the API's auth set it)."""
    return cast(User, request.user)


def case_out(case: Case) -> dict[str, Any]:
    machine = case.machine
    return {
        "id": case.pk,
        "case_type": case.case_type,
        "case_type_label": str(machine.label),
        "number": case.number,
        "title": case.title,
        "jurisdiction": case.jurisdiction_id,
        "jurisdiction_name": case.jurisdiction.name,
        "state": case.state,
        "state_label": machine.state_label(case.state),
        "version": case.version,
        "opened_at": case.opened_at,
        "due_at": case.due_at,
        "closed_at": case.closed_at,
        "warning": case.warning(),
        "finished_late": case.finished_late,
        "due_provisional": case.due_provisional,
    }


def event_out(ev: CaseEvent) -> dict[str, Any]:
    return {
        "seq": ev.seq,
        "kind": ev.kind,
        "name": ev.name,
        "label": ev.label,
        "from_state": ev.from_state,
        "to_state": ev.to_state,
        "actor": ev.actor.display_name if ev.actor else None,
        "at": ev.at,
        "data": ev.data,
        "comment": ev.comment,
        "hash": ev.hash,
    }


def detail_out(case: Case, user: Any) -> dict[str, Any]:
    out = case_out(case)
    out["timeline"] = [event_out(e) for e in selectors.case_timeline(case=case)]
    out["transitions"] = [
        {"name": t.name, "label": str(t.label), "target": t.target} for t in available_transitions(case, user)
    ]
    out["actions"] = actions_out(case, user)
    out["clock_unit"] = case.clock_unit
    out["clock_limit"] = case.clock_limit
    out["paused"] = case.clock_paused_at is not None
    return out


def actions_out(case: Case, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": o.name,
            "label": o.label,
            "enabled": o.enabled,
            "reason": o.reason,
            "transition": o.action.transition,
            "url": f"/api/v1/cases/{case.pk}/actions/{o.name}",
        }
        for o in actions.actions_for(case, user)
    ]


@router.get("/workbench", response=PageOut, summary="我的待办")
def workbench(
    request: HttpRequest,
    case_type: str | None = None,
    state: str | None = None,
    warning: str | None = None,
    q: str | None = None,
    jurisdiction: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> Any:
    """Cases the user may act on, across all case types, sorted by due time; keyset pages via ``cursor``."""
    page = selectors.workbench_list(
        actor=_user(request),
        case_type=case_type,
        state=state,
        warning=warning,
        search=q,
        jurisdiction=jurisdiction,
        cursor=cursor,
        limit=max(1, min(limit, 100)),
    )
    # Serialised once (township.core.jsonout): the same JSON as the schema's, without ninja's per-item getters.
    return jsonout.json_response({"items": [case_out(c) for c in page.items], "next_cursor": page.next_cursor})


@router.get("/{case_id}", response=CaseDetailOut, summary="案件详情（含时间线）")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Error codes: not_found (404, also for cases outside your jurisdictions)."""
    case = selectors.case_get(actor=_user(request), pk=case_id)
    return detail_out(case, _user(request))


@router.get("/{case_id}/actions", response=list[ActionOut], summary="可办理的操作")
def case_actions(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    """The actions you may take on the case now (by state and role); a disabled one says why it cannot succeed.
    Each is taken with ``POST /api/v1/cases/{id}/actions/{name}``. Error codes: not_found."""
    case = selectors.case_get(actor=_user(request), pk=case_id)
    return actions_out(case, _user(request))


class CaseLinkOut(Schema):
    link_id: int
    kind: str
    kind_label: str
    direction: str
    other_id: int
    other_number: str
    other_type_label: str
    other_state_label: str
    visible: bool
    note: str
    created_at: datetime


@router.get("/{case_id}/links", response=list[CaseLinkOut], summary="关联案件（双向）")
def case_links(request: HttpRequest, case_id: int) -> list[Any]:
    """The typed links of the case both ways (``direction`` out: this case was forwarded/referred to the other;
    in: the other led to this one). The other side's number and state are empty and ``visible`` false when it is
    outside your scope. Error codes: not_found."""
    case = selectors.case_get(actor=_user(request), pk=case_id)
    return list(selectors.case_links(actor=_user(request), case=case))


class TransitionDoneOut(Schema):
    """The answer to a transition: the case's new state and version and the event just appended. The full detail
    (timeline, offers) is ``GET /api/v1/cases/{id}``, or this same call with ``?expand=detail``."""

    id: int
    state: str
    state_label: str
    version: int
    due_at: datetime | None
    closed_at: datetime | None
    warning: str
    event: EventOut
    detail: CaseDetailOut | None = None


@router.post("/{case_id}/transitions", response=TransitionDoneOut, summary="执行流转")
def case_fire(request: HttpRequest, case_id: int, payload: TransitionIn, expand: str = "") -> dict[str, Any]:
    """Fire a *button* transition (a person's own step with no record to write). A step that writes a decision, a
    document or a certificate is an action (``POST /api/v1/cases/{id}/actions/{name}``): firing its edge here is
    refused. Answers the new state, version and timeline event; ``?expand=detail`` adds the whole case detail
    (timeline and offers) under ``detail``. Error codes: not_found, transition_unknown, transition_service_only,
    transition_system_only, transition_not_allowed, role_required, concurrent_transition (also when ``version`` is
    stale), and the guards' codes."""
    from township.cases.errors import ConcurrentTransition

    user = _user(request)
    case = selectors.case_get(actor=user, pk=case_id)
    if payload.version is not None and payload.version != case.version:
        raise ConcurrentTransition()
    event = services.case_transition(
        case=case, name=payload.name, actor=user, data=payload.data, comment=payload.comment
    )
    return {
        "id": case.pk,
        "state": case.state,
        "state_label": case.machine.state_label(case.state),
        "version": case.version,
        "due_at": case.due_at,
        "closed_at": case.closed_at,
        "warning": case.warning(),
        "event": event_out(event),
        "detail": detail_out(case, user) if expand == "detail" else None,
    }


@router.post("/{case_id}/attachments", response=AttachmentOut, summary="上传附件")
def case_upload(request: HttpRequest, case_id: int, file: File[UploadedFile]) -> Any:  # noqa: B008
    """Error codes: not_found, attachment_too_large, attachment_type, attachment_empty, case_closed."""
    case = selectors.case_get(actor=_user(request), pk=case_id)
    return services.case_attach(case=case, actor=_user(request), uploaded_file=file)


@router.get("/{case_id}/attachments/{attachment_id}", summary="下载附件")
def case_download(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    """Served only to users who may see the case. Error codes: not_found."""
    from township.core.errors import NotFound

    case = selectors.case_get(actor=_user(request), pk=case_id)
    att = case.attachments.filter(pk=attachment_id, jurisdiction_id=case.jurisdiction_id).first()
    if att is None:
        raise NotFound()
    return FileResponse(att.file.open("rb"), content_type=att.content_type, as_attachment=True, filename=att.name)


# --- one operation per action of every registered case type ------------------------------------------------------


class ActedOut(Schema):
    action: str
    case: CaseOut


def _payload(request: HttpRequest) -> tuple[dict[str, Any], Any]:
    """The action's input: a JSON object, or a multipart form (with files)."""
    import json

    from township.core.errors import DomainError

    content_type = request.content_type or ""
    if content_type.startswith("multipart/") or content_type == "application/x-www-form-urlencoded":
        return request.POST, request.FILES
    if not request.body:
        return {}, None
    try:
        body = json.loads(request.body)
    except ValueError:
        raise DomainError("invalid_json", _("请求体不是合法的 JSON")) from None
    if not isinstance(body, dict):
        raise DomainError("invalid_json", _("请求体须为 JSON 对象"))
    return body, None


def _take(name: str) -> Any:
    def take(request: HttpRequest, case_id: int) -> dict[str, Any]:
        case = selectors.case_get(actor=_user(request), pk=case_id)
        data, files = _payload(request)
        actions.act(case, name, _user(request), data, files)
        case.refresh_from_db()
        return {"action": name, "case": case_out(case)}

    take.__name__ = f"case_action_{name}"
    return take


def _operation_doc(declared: list[tuple[Any, Action]]) -> tuple[str, str, dict[str, Any]]:
    ct, action = declared[0]
    summary = f"{action.label}（{ct.label}）"
    lines = [
        f"{action.label} — {ct.label}" + (f"（{action.cite}）" if action.cite else ""),
        "",
        "Offered by state and role (see `GET /api/v1/cases/{id}/actions`). Error codes: not_found, action_unknown, "
        "action_not_offered, action_role_required, invalid_input, concurrent_transition, and the step's own.",
    ]
    if action.help:
        lines.insert(1, str(action.help))
    schema = actions.input_schema(action)
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if actions.has_files(action):
        content["multipart/form-data"] = {"schema": schema}
    return summary, "\n".join(lines), {"requestBody": {"required": False, "content": content}}


def add_action_routes() -> None:
    """Called once the apps are ready (config/api.py): one POST operation per action name in the registry."""
    by_name: dict[str, list[tuple[Any, Action]]] = {}
    for ct in all_case_types():
        if not ct.declared_at_startup:  # registered later (tests, plug-ins): served by the catch-all below
            continue
        for action in ct.all_actions():
            by_name.setdefault(action.name, []).append((ct, action))
    for name in sorted(by_name):
        summary, description, extra = _operation_doc(by_name[name])
        router.post(
            f"/{{case_id}}/actions/{name}",
            response=ActedOut,
            summary=summary,
            description=description,
            operation_id=f"case_action_{name}",
            openapi_extra=extra,
            tags=["case actions"],
        )(_take(name))

    @router.post("/{case_id}/actions/{name}", response=ActedOut, include_in_schema=False)
    def case_action_any(request: HttpRequest, case_id: int, name: str) -> dict[str, Any]:
        """An action of a case type registered after start-up (tests, plug-ins): the same dispatch, undocumented."""
        result: dict[str, Any] = _take(name)(request, case_id)
        return result
