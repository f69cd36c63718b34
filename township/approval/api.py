"""Approval API (/api/v1/approval/): applications (list, submit), worklists, ratings, verification tasks, queue.

The steps of an application (受理, 补正, 容缺, 告知承诺, 决定, 撤回…) are the case type's actions:
``GET /api/v1/cases/{case_id}/actions`` and ``POST /api/v1/cases/{case_id}/actions/{name}`` (``case_type.py``);
an application's ``case_id`` is in ``ApplicationOut``.

Every endpoint calls one service or selector. Errors are ``{"code", "message", "field"}`` (404 out of
scope, 403 no permission, 409 refused transition, 422 invalid input).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from township.approval import selectors as sel
from township.approval import services as svc
from township.approval.errors import Code, error
from township.approval.models import Application
from township.core.errors import NotFound

router = Router(tags=["approval"])


class ApplicationOut(Schema):
    id: int
    case_id: int
    number: str
    kind: str
    title: str
    state: str
    state_label: str
    channel: str
    applicant_name: str
    received_at: datetime
    accepted_at: datetime | None
    accept_mode: str
    due_at: datetime | None
    warning: str = Field(
        description="none, normal, yellow, red, overdue, paused, or late (超期办结: decided after the due date)"
    )
    warning_label: str = Field(description="the Chinese label of ``warning`` (黄牌预警, 已超期, 超期办结 …)")
    finished_late: bool = Field(description="decided after its due date (recorded by the case engine; stays true)")
    decision: str
    certificate: str | None
    parent_id: int | None


def _out(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "case_id": a.case_id,
        "number": a.case.number,
        "kind": a.kind,
        "title": a.title,
        "state": a.case.state,
        "state_label": a.case.state_label,
        "channel": a.channel,
        "applicant_name": a.applicant.masked_name,
        "received_at": a.received_at,
        "accepted_at": a.accepted_at,
        "accept_mode": a.accept_mode,
        "due_at": a.case.due_at,
        "warning": (w := a.case.warning()),
        "warning_label": _warning_label(w),
        "finished_late": a.case.finished_late,
        "decision": a.decision,
        "certificate": a.certificate.identifier if a.certificate_id else None,
        "parent_id": a.parent_id,
    }


def _warning_label(code: str) -> str:
    from township.cases.models import Warning

    try:
        return str(Warning(code).label)
    except ValueError:
        return code


def _get(request: HttpRequest, pk: int) -> Application:
    return sel.application_get(actor=request.user, pk=pk)


@router.get("/applications", response=list[ApplicationOut])
def list_applications(request: HttpRequest, state: str = "", q: str = "", mine: bool = False, limit: int = 50):
    """Applications visible to the caller (staff by jurisdiction/village; applicants their own)."""
    rows = sel.application_list(actor=request.user, state=state, q=q, mine=mine)[: max(1, min(limit, 200))]
    return [_out(a) for a in rows]


@router.get("/worklist/window", response=list[ApplicationOut])
def window_worklist(request: HttpRequest, limit: int = 50):
    """综合窗口待办 (待受理/待补正)."""
    return [_out(a) for a in sel.clerk_worklist(actor=request.user, limit=max(1, min(limit, 200)))]


@router.get("/worklist/review", response=list[ApplicationOut])
def review_worklist(request: HttpRequest, limit: int = 50):
    """审批待办, by due time."""
    return [_out(a) for a in sel.approver_queue(actor=request.user)[: max(1, min(limit, 200))]]


@router.get("/warnings", response=list[ApplicationOut])
def warnings(request: HttpRequest, late: bool = False):
    """Supervisor view: running applications at yellow, red or overdue (approval head, leader); with ``late=true``
    the applications decided after their due date (超期办结, ``finished_late``), open or closed, latest first."""
    if late:
        return [_out(a) for a in sel.late_list(actor=request.user, limit=200)]
    return [_out(a) for a in sel.warning_list(actor=request.user)[:200]]


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    application_id: int | None
    created_at: datetime
    read: bool


@router.get("/notifications", response=list[NotificationOut])
def notifications(request: HttpRequest):
    """The caller's in-app messages, newest first."""
    return [
        {
            "id": n.pk,
            "title": n.title,
            "body": n.body,
            "application_id": n.application_id,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in sel.notifications_for(actor=request.user)
    ]


@router.get("/applications/{pk}", response=ApplicationOut)
def get_application(request: HttpRequest, pk: int):
    """Errors: not_found."""
    return _out(_get(request, pk))


class CreditEffectOut(Schema):
    key: str = Field(description="green_lane, gap, commitment, commitment_false or check")
    applied: bool
    label: str
    reason: str
    rule: str


class SupervisionTaskOut(Schema):
    id: int
    purpose: str
    purpose_label: str
    level: str
    level_label: str
    method: str
    due_date: date
    due_provisional: bool
    status: str
    basis: str


class CreditEffectsOut(Schema):
    grade: str = Field(description="the applicant's computed credit grade A/B/C/D (township.credit)")
    grade_reason: str
    listed: bool = Field(description="on the list of seriously untrustworthy subjects (not repaired)")
    effects: list[CreditEffectOut]
    task: SupervisionTaskOut | None = Field(description="the post-approval supervision task once decided (一线贯通)")


@router.get("/applications/{pk}/credit-effects", response=CreditEffectsOut)
def credit_effects(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The credit effects on an application with their reasons and rules (绿色通道, 容缺/告知承诺 refused, check
    intensity) and its supervision task. Errors: not_found."""
    app = _get(request, pk)
    out = sel.application_credit_effects(app)
    t = out["task"]
    out["task"] = (
        None
        if t is None
        else {
            "id": t.pk,
            "purpose": t.purpose,
            "purpose_label": t.get_purpose_display(),
            "level": t.level,
            "level_label": t.get_level_display(),
            "method": t.method,
            "due_date": t.due_date,
            "due_provisional": t.due_provisional,
            "status": t.status,
            "basis": t.basis,
        }
    )
    return out


class SubmitIn(Schema):
    item_ids: list[int]
    applicant: str  # resident ID or USCC
    channel: str = "window"
    paper: list[str] = []
    village: str | None = None


@router.post("/applications", response={201: ApplicationOut})
def submit(request: HttpRequest, payload: SubmitIn):
    """File an application (one item) or a bundle (several items, 一件事). Library items are reused
    automatically. Errors: resident_id_invalid / uscc_invalid (``applicant``: format and check digit),
    applicant_not_found, item_not_published, channel_not_offered, permission_denied,
    bundle_mixed, not_village_resident."""
    from township.catalog.selectors import item_get
    from township.core.identifiers import validate_identifier
    from township.subjects.selectors import subject_find

    subject = subject_find(validate_identifier(payload.applicant, field="applicant"))
    if subject is None:
        raise error(Code.APPLICANT_NOT_FOUND, field="applicant")
    items = [item_get(actor=request.user, pk=pk) for pk in payload.item_ids]
    if not items:
        raise error(Code.ITEMS_REQUIRED, field="item_ids")
    if len(items) > 1:
        app = svc.application_bundle_submit(
            actor=request.user,
            items=items,
            applicant=subject,
            channel=payload.channel,
            paper=payload.paper,
            village=payload.village,
        )
    else:
        app = svc.application_submit(
            actor=request.user,
            item=items[0],
            applicant=subject,
            channel=payload.channel,
            paper=payload.paper,
            village=payload.village,
        )
    return Status(201, _out(app))


class RateIn(Schema):
    grade: int
    text: str = ""


class RectificationOut(Schema):
    id: int
    application_id: int
    case_number: str
    grade: int
    text: str
    due_date: date
    callback_due: date | None
    dates_provisional: bool = Field(
        description="True: the dates lie past the entered holiday table (暂定, the earliest possible day); they are "
        "recomputed when the year is entered"
    )
    callback_overdue: bool
    status: str
    callback_note: str
    result: str


class CallbackIn(Schema):
    note: str
    result: str = ""


def _rect_out(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "application_id": t.rating.application_id,
        "case_number": t.rating.application.case.number,
        "grade": t.rating.grade,
        "text": t.rating.text,
        "due_date": t.due_date,
        "callback_due": t.callback_due,
        "dates_provisional": t.dates_provisional,
        "callback_overdue": bool(t.callback_due and t.callback_at is None and t.callback_due < timezone.localdate()),
        "status": t.status,
        "callback_note": t.callback_note,
        "result": t.result,
    }


@router.get("/rectifications", response=list[RectificationOut])
def rectifications(request: HttpRequest):
    """差评整改 tasks the caller's units handle, open first, by due date."""
    return [_rect_out(t) for t in sel.rectification_list(actor=request.user)[:200]]


@router.post("/rectifications/{pk}/callback", response=RectificationOut)
def rectification_callback(request: HttpRequest, pk: int, payload: CallbackIn):
    """回访核实; with a ``result`` the rectification is closed. Errors: note_required, not_found."""
    task = sel.rectification_list(actor=request.user).filter(pk=pk).first()
    if task is None:
        raise NotFound()
    task = svc.rectification_callback(task=task, actor=request.user, note=payload.note, result=payload.result)
    return _rect_out(sel.rectification_list(actor=request.user).get(pk=task.pk))


@router.post("/applications/{pk}/rating")
def rate(request: HttpRequest, pk: int, payload: RateIn):
    """好差评. Errors: rating_not_owner, rating_not_finished, rating_exists, bad_grade, rating_text_required."""
    rating = svc.application_rate(
        application=_get(request, pk), actor=request.user, grade=payload.grade, text=payload.text
    )
    return {"id": rating.pk, "grade": rating.grade, "rectification": hasattr(rating, "rectification")}


class TaskOut(Schema):
    id: int
    application_id: int
    case_number: str
    subject: str
    method: str
    due_date: date
    due_provisional: bool = Field(
        description="True: the check date lies past the entered holiday table (暂定, the earliest possible day); "
        "it is recomputed when the year is entered"
    )
    status: str
    purpose: str = Field(
        description="commitment 告知承诺核查, gap 容缺受理后核查, licence 许可后监管, denied 无证经营巡查"
    )
    level: str = Field(description="light, routine, key or full (credit_effects.check_plan)")


class CompleteIn(Schema):
    passed: bool | None = None
    outcome: str = ""  # met / rectify / not_rectified / false
    rectify_days: int = 0
    note: str = ""


@router.get("/verification-tasks", response=list[TaskOut])
def verification_tasks(request: HttpRequest, jurisdiction: str):
    """Open post-approval supervision tasks (一线贯通, the 告知承诺 checks among them) for enforcement."""
    return [
        {
            "id": t.pk,
            "application_id": t.application_id,
            "case_number": t.application.case.number,
            "subject": t.subject.masked_name,
            "method": t.method,
            "due_date": t.due_date,
            "due_provisional": t.due_provisional,
            "status": t.status,
            "purpose": t.purpose,
            "level": t.level,
        }
        for t in svc.verification_tasks_open(actor=request.user, jurisdiction=jurisdiction)
    ]


@router.post("/verification-tasks/{pk}/complete")
def verification_complete(request: HttpRequest, pk: int, payload: CompleteIn, jurisdiction: str):
    """Record a check; failure revokes the certificate and writes a credit record. Errors: verification_done,
    note_required, not_found."""
    task = svc.verification_tasks_open(actor=request.user, jurisdiction=jurisdiction).filter(pk=pk).first()
    if task is None:
        raise NotFound()
    task = svc.verification_task_complete(task=task, actor=request.user, **payload.dict())
    return {"id": task.pk, "status": task.status}


class TicketIn(Schema):
    category: str
    id: str = ""  # resident ID / USCC read from the card at the kiosk: a grade-A applicant is called first


@router.post("/queue/{town}/tickets", auth=None)
def take_ticket(request: HttpRequest, town: str, payload: TicketIn):
    """Take a number (public kiosk); with the card's ``id``, the 绿色通道 (grade A) is called first (``priority``).
    Errors: bad_category."""
    from township.subjects.selectors import subject_find

    subject = subject_find(payload.id) if payload.id else None
    t = svc.ticket_take(jurisdiction=town, category=payload.category, subject=subject)
    return {"number": t.number, "category": t.category, "taken_at": t.taken_at, "priority": t.priority}


@router.get("/queue/{town}/board", auth=None)
def board(request: HttpRequest, town: str):
    """The hall display data (public)."""
    b = sel.queue_board(jurisdiction=town)
    return {"called": [{"number": t.number, "window": t.window} for t in b["called"]], "waiting": b["waiting"]}


class RatingRowOut(Schema):
    name: str
    n: int
    bad: int
    rate: float | None


class RatingAnalysisOut(Schema):
    total: int
    bad: int
    satisfaction_rate: float | None
    by_grade: dict[str, int]
    by_item: list[RatingRowOut]
    by_channel: list[RatingRowOut]
    by_acceptor: list[RatingRowOut]
    by_approver: list[RatingRowOut]
    trend: list[dict[str, Any]]
    rectification: dict[str, int]


@router.get("/ratings/analysis", response=RatingAnalysisOut, summary="好差评分析")
def ratings_analysis(
    request: HttpRequest, date_from: date | None = None, date_to: date | None = None
) -> dict[str, Any]:
    """The ratings of your units' applications (审批负责人, 领导) between two Beijing days (default: the last year):
    totals, by grade, item, channel, acceptor, approver and month, and the rectification and call-back of the bad
    ones. Error codes: permission_denied (403)."""
    from datetime import time, timedelta

    from township.approval.ratings_analysis import VIEWER_ROLES, rating_analysis
    from township.core.errors import PermissionRefused
    from township.org.scoping import reach

    units = sorted(reach(request.user, VIEWER_ROLES).codes)  # type: ignore[arg-type]
    if not units:
        raise PermissionRefused("permission_denied", "只有审批负责人或领导可以查看好差评分析")
    today = timezone.localdate()
    start_day = date_from or (today.replace(day=1) - timedelta(days=365))
    end_day = date_to or today
    start = timezone.make_aware(datetime.combine(start_day, time.min))
    end = timezone.make_aware(datetime.combine(end_day, time.min)) + timedelta(days=1)
    a = rating_analysis(units=units, start=start, end=end)
    return {
        "total": a["totals"]["n"],
        "bad": a["totals"]["bad"],
        "satisfaction_rate": a["totals"]["rate"],
        "by_grade": dict(a["by_grade"]),
        "by_item": a["by_item"],
        "by_channel": a["by_channel"],
        "by_acceptor": a["by_acceptor"],
        "by_approver": a["by_approver"],
        "trend": a["trend"],
        "rectification": a["rectification"],
    }
