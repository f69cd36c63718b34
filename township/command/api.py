"""API of the command center: 预警中心 (counts, breakdowns, lists across every case type), 督办, 站内通知."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema, Status

from township.cases import selectors as case_selectors
from township.command import selectors, services
from township.command.errors import MESSAGES
from township.command.models import Notice, Supervision
from township.command.present import case_page, named, parse_filter, row, user_of
from township.core.errors import PermissionRefused
from township.org.scoping import reach

router = Router(tags=["command"])


def _leading(request: HttpRequest) -> None:
    r = reach(user_of(request), services.LEADING_ROLES)
    if not r.codes and not r.villages:
        raise PermissionRefused("command_role_required", MESSAGES["command_role_required"])


class WarningCounts(Schema):
    overdue: int
    red: int
    yellow: int
    normal: int
    paused: int
    late: int


class BreakdownRow(Schema):
    key: str
    name: str
    overdue: int
    red: int
    yellow: int
    normal: int
    paused: int
    late: int


class WarningSummary(Schema):
    counts: WarningCounts
    by_unit: list[BreakdownRow]
    by_department: list[BreakdownRow]
    by_person: list[BreakdownRow]
    by_case_type: list[BreakdownRow]


class WarningCaseOut(Schema):
    id: int
    number: str
    title: str
    case_type: str
    case_type_label: str
    state: str
    state_label: str
    jurisdiction: str
    village: str | None
    due_at: dt.datetime | None
    warning: str
    warning_label: str
    remaining: str


class WarningPage(Schema):
    items: list[WarningCaseOut]
    next_cursor: str | None


_FILTER_DOC = (
    "Filters: ``case_type``, ``level`` (overdue / red / yellow / normal / paused, or late = 超期办结), ``unit`` (a town "
    "or village code), ``department`` and ``person`` (the active 承办/协办 assignment), ``q`` (number or title), "
    "``opened_from`` / ``opened_to`` (YYYY-MM-DD). Malformed values are ignored. 403 without a leading role "
    "(领导, 指挥中心调度员, 网格督导员)."
)


@router.get("/warnings/summary", response=WarningSummary, summary="预警中心：各级预警数量及分组统计")
def warnings_summary(request: HttpRequest) -> dict[str, Any]:
    _leading(request)
    f, _params = parse_filter(request.GET)
    summary = selectors.warning_summary(actor=user_of(request), f=f, now=timezone.now())

    def rows(by: str) -> list[dict[str, Any]]:
        out = []
        for r in named(summary.by[by], by):
            key = next(iter(r["params"].values()), "") if r["params"] else ""
            out.append({**r, "key": str(key)})
        return out

    return {
        "counts": summary.counts,
        "by_unit": rows("unit"),
        "by_department": rows("department"),
        "by_person": rows("person"),
        "by_case_type": rows("case_type"),
    }


warnings_summary.__doc__ = _FILTER_DOC


@router.get("/warnings", response=WarningPage, summary="预警中心：案件列表（全部业务类型）")
def warnings_list(request: HttpRequest, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    _leading(request)
    f, _params = parse_filter(request.GET)
    now = timezone.now()
    page = selectors.warning_list(actor=user_of(request), f=f, cursor=cursor, limit=max(1, min(limit, 200)), now=now)
    items = []
    for case in page.items:
        r = row(case, now)
        items.append(
            {
                "id": case.pk,
                "number": case.number,
                "title": case.title,
                "case_type": case.case_type,
                "case_type_label": r["type_label"],
                "state": case.state,
                "state_label": r["state_label"],
                "jurisdiction": case.jurisdiction_id,
                "village": case.village_id,
                "due_at": case.due_at,
                "warning": r["warning"],
                "warning_label": str(r["warning_label"]),
                "remaining": r["remaining"],
            }
        )
    return {"items": items, "next_cursor": page.next_cursor}


warnings_list.__doc__ = _FILTER_DOC + " Earliest due first; ``cursor`` is the previous page's ``next_cursor``."


class SupervisionIn(Schema):
    case_id: int
    instruction: str
    due_at: dt.datetime


class AnswerIn(Schema):
    answer: str


class SupervisionOut(Schema):
    id: int
    case_id: int
    case_number: str
    instruction: str
    due_at: dt.datetime
    issued_by: str
    issued_at: dt.datetime
    responsible: list[str]
    status: str
    status_label: str
    overdue: bool
    answer: str
    answered_by: str | None
    answered_at: dt.datetime | None
    answered_late: bool


def _sup_out(s: Supervision) -> dict[str, Any]:
    return {
        "id": s.pk,
        "case_id": s.case_id,
        "case_number": s.case.number,
        "instruction": s.instruction,
        "due_at": s.due_at,
        "issued_by": s.issued_by.display_name,
        "issued_at": s.issued_at,
        "responsible": [u.display_name for u in s.responsible.all()],
        "status": s.status,
        "status_label": str(s.get_status_display()),
        "overdue": s.status == "open" and s.due_at < timezone.now(),
        "answer": s.answer,
        "answered_by": s.answered_by.display_name if s.answered_by else None,
        "answered_at": s.answered_at,
        "answered_late": s.answered_late,
    }


@router.post("/supervisions", response={201: SupervisionOut}, summary="督办")
def supervision_create(request: HttpRequest, payload: SupervisionIn) -> Status[Any]:
    """Issue a 督办 on a case: an instruction with a deadline (within 30 days) that lands on the case's timeline and
    notifies its responsible people. Error codes: not_found, supervise_role_required (403), supervise_case_closed
    (409), supervise_instruction_required, supervise_due_invalid (400)."""
    case = case_selectors.case_get(actor=user_of(request), pk=payload.case_id)
    s = services.supervision_issue(
        case=case,
        actor=user_of(request),
        instruction=payload.instruction,
        due_at=payload.due_at if timezone.is_aware(payload.due_at) else timezone.make_aware(payload.due_at),
        url=case_page(case),
    )
    return Status(201, _sup_out(s))


@router.get("/supervisions", response=list[SupervisionOut], summary="督办列表")
def supervision_list(
    request: HttpRequest, status: str = "", overdue: bool = False, mine: bool = False, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """督办 you issued or must answer, and all 督办 of your units if you hold a leading role. ``mine``: open ones
    waiting for your answer; ``overdue``: open past their deadline."""
    qs = selectors.supervision_list(actor=user_of(request), status=status, overdue=overdue, mine=mine)
    qs = qs.prefetch_related("responsible")
    return [_sup_out(s) for s in qs[max(0, offset) : max(0, offset) + max(1, min(limit, 200))]]


@router.get("/supervisions/{supervision_id}", response=SupervisionOut, summary="督办详情")
def supervision_detail(request: HttpRequest, supervision_id: int) -> dict[str, Any]:
    """Error codes: not_found."""
    return _sup_out(selectors.supervision_get(actor=user_of(request), pk=supervision_id))


@router.post("/supervisions/{supervision_id}/answer", response=SupervisionOut, summary="答复督办")
def supervision_answer(request: HttpRequest, supervision_id: int, payload: AnswerIn) -> dict[str, Any]:
    """The responsible person's answer (noted on the case's timeline, sent to the issuer). Error codes: not_found,
    supervise_not_responsible (403), supervise_answered (409), supervise_answer_required (400)."""
    s = selectors.supervision_get(actor=user_of(request), pk=supervision_id)
    s = services.supervision_answer(
        supervision=s,
        actor=user_of(request),
        answer=payload.answer,
        url=reverse("command:supervision", args=[s.pk]),
    )
    return _sup_out(s)


class InboxNoticeOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/notices", response=list[InboxNoticeOut], summary="站内通知")
def notice_list(request: HttpRequest, unread: bool = False, limit: int = 50, offset: int = 0) -> list[Notice]:
    qs = selectors.notices_for(user_of(request), unread=unread)
    return list(qs[max(0, offset) : max(0, offset) + max(1, min(limit, 200))])


@router.post("/notices/{notice_id}/read", response=InboxNoticeOut, summary="标记通知已读")
def notice_read(request: HttpRequest, notice_id: int) -> Notice:
    """Error codes: not_found."""
    n = selectors.notice_get(actor=user_of(request), pk=notice_id)
    return services.notice_mark_read(notice=n, actor=user_of(request))


# --- positions (field devices → map) -----------------------------------------------------------------------------


class PositionIn(Schema):
    client_id: str
    at: str
    lon: float
    lat: float
    accuracy: float | None = None


class PositionsIn(Schema):
    points: list[PositionIn]
    jurisdiction: str | None = None


class RecordedOut(Schema):
    accepted: int
    duplicates: int


class LastPositionOut(Schema):
    user_id: int
    name: str
    jurisdiction: str
    at: dt.datetime
    lon: float
    lat: float
    accuracy: float | None


class TrackPointOut(Schema):
    at: dt.datetime
    lon: float
    lat: float
    accuracy: float | None


@router.post("/positions", response=RecordedOut, summary="上报位置（外勤设备，批量、幂等）")
def positions_post(request: HttpRequest, payload: PositionsIn) -> Any:
    """A batch of at most 500 positions from a field device (网格员, 执法队员, 处置人员): device time (ISO 8601),
    WGS-84 longitude/latitude, accuracy in metres, and the device's ``client_id`` per point — a point already
    stored is counted as a duplicate, so a batch may be resent safely. ``jurisdiction`` is needed only when you work
    in the field in several towns. All or nothing: one malformed point refuses the batch (400 position_invalid with
    the point in ``field``). Other codes: position_role_required, position_unit_required, position_unit_invalid,
    position_batch_too_large."""
    from township.command.positions import positions_record

    return positions_record(
        actor=user_of(request),
        points=[p.dict() for p in payload.points],
        jurisdiction=payload.jurisdiction,
    )


@router.get("/positions/last", response=list[LastPositionOut], summary="最新位置（领导、调度员可见）")
def positions_last(request: HttpRequest, unit: str | None = None, within_hours: int = 24) -> list[dict[str, Any]]:
    """The newest position of each field worker of the units you watch (领导, 指挥中心调度员, 网格督导员), reported
    within the last ``within_hours`` hours. Empty for everyone else."""
    from township.command.positions import last_positions

    since = timezone.now() - dt.timedelta(hours=max(1, min(within_hours, 24 * 30)))
    return [
        {
            "user_id": p.user_id,
            "name": p.user.display_name,
            "jurisdiction": p.jurisdiction_id,
            "at": p.device_time,
            "lon": p.lon,
            "lat": p.lat,
            "accuracy": p.accuracy_m,
        }
        for p in last_positions(actor=user_of(request), unit=unit, since=since)
    ]


@router.get("/positions/track", response=list[TrackPointOut], summary="人员轨迹（某日）")
def positions_track(request: HttpRequest, user_id: int, date: dt.date | None = None) -> list[dict[str, Any]]:
    """One person's track on a day (Beijing time; default today), for those who watch the person's unit.
    Error codes: not_found."""
    from township.command.positions import track

    day = date or timezone.localdate()
    return [
        {"at": p.device_time, "lon": p.lon, "lat": p.lat, "accuracy": p.accuracy_m}
        for p in track(actor=user_of(request), user_id=user_id, day=day)
    ]


class DayTrackOut(Schema):
    user_id: int
    name: str
    points: list[tuple[float, float]]


@router.get("/positions/tracks", response=list[DayTrackOut], summary="外勤人员当日轨迹（大屏地图）")
def positions_tracks(request: HttpRequest, unit: str | None = None, date: dt.date | None = None) -> list[Any]:
    """The track of every field worker of the units you watch on a day (Beijing time; default today), each as at
    most 240 ``[lon, lat]`` points in time order (thinned evenly; ``/positions/track`` gives one person's every
    point). ``unit``: a town, or a county for its towns. Empty for anyone who watches no unit."""
    from township.command.positions import day_tracks

    return day_tracks(actor=user_of(request), unit=unit, day=date or timezone.localdate())


# --- 考核 -----------------------------------------------------------------------------------------------------------


class EvaluationIn(Schema):
    unit: str
    month: str  # YYYY-MM


class ScoreOut(Schema):
    case_type: str
    indicator: str
    label: str
    group: str
    group_key: str
    group_name: str
    numerator: int
    denominator: int
    rate: float | None
    rank: int | None


class EvaluationOut(Schema):
    id: int
    unit: str
    month: str
    status: str
    status_label: str
    computed_at: dt.datetime
    published_at: dt.datetime | None
    scores: list[ScoreOut]


def _eval_out(period: Any) -> dict[str, Any]:
    from township.command.evaluation import scores_of

    return {
        "id": period.pk,
        "unit": period.jurisdiction_id,
        "month": period.month.strftime("%Y-%m"),
        "status": period.status,
        "status_label": str(period.get_status_display()),
        "computed_at": period.computed_at,
        "published_at": period.published_at,
        "scores": list(scores_of(period)),
    }


@router.get("/evaluation", response=EvaluationOut, summary="考核结果（某单位某月）")
def evaluation_get(request: HttpRequest, unit: str, month: str) -> dict[str, Any]:
    """The town's, its departments' and its staff's figures for every registered indicator, with ranks. Error codes:
    not_found (not computed yet, or not your unit), evaluation_month_invalid."""
    from township.command import evaluation as ev
    from township.core.errors import NotFound

    period = ev.period_find(actor=user_of(request), jurisdiction=unit, month=ev.parse_month(month))
    if period is None:
        raise NotFound()
    return _eval_out(period)


@router.post("/evaluation/compute", response=EvaluationOut, summary="计算考核（草稿）")
def evaluation_compute(request: HttpRequest, payload: EvaluationIn) -> dict[str, Any]:
    """Compute (or recompute) the draft of a town for a month. Error codes: not_found, evaluation_role_required (403),
    evaluation_unit_invalid, evaluation_month_invalid (400), evaluation_published (409: frozen)."""
    from township.command import evaluation as ev
    from township.core.errors import NotFound
    from township.org.models import Jurisdiction

    unit = Jurisdiction.objects.filter(code=payload.unit).first()
    if unit is None or unit.code not in reach(user_of(request), services.LEADING_ROLES).codes:
        raise NotFound()
    period = ev.evaluation_compute(actor=user_of(request), jurisdiction=unit, month=ev.parse_month(payload.month))
    return _eval_out(period)


@router.post("/evaluation/{period_id}/publish", response=EvaluationOut, summary="发布考核（冻结）")
def evaluation_publish(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """Freeze a past month's results. Error codes: not_found, evaluation_role_required (403), evaluation_published,
    evaluation_month_open (409)."""
    from township.command import evaluation as ev

    period = ev.period_get(actor=user_of(request), pk=period_id)
    return _eval_out(ev.evaluation_publish(actor=user_of(request), period=period))


# --- 案卷评查 ---------------------------------------------------------------------------------------------------------


class ReviewPlanIn(Schema):
    unit: str
    title: str = ""
    case_type: str
    closed_from: dt.date
    closed_to: dt.date
    count: int
    reviewers_per_file: int = 1
    seed: str = ""


class ReviewItemOut(Schema):
    id: int
    case_id: int
    case_number: str
    reviewers: list[str]
    scores: dict[str, int]
    total: int | None
    grade: str
    findings: str
    rectification_required: bool
    rectified_at: dt.datetime | None
    rectification_note: str


class ReviewPlanOut(Schema):
    id: int
    unit: str
    title: str
    case_type: str
    closed_from: dt.date
    closed_to: dt.date
    count: int
    reviewers_per_file: int
    seed: str
    pool_hash: str
    result_hash: str
    verified: bool
    items: list[ReviewItemOut]


class ScoreIn(Schema):
    scores: dict[str, int]
    findings: str = ""
    rectify: bool = False


class RectifiedIn(Schema):
    note: str


def _review_item_out(item: Any) -> dict[str, Any]:
    from township.command.review import grade_of

    return {
        "id": item.pk,
        "case_id": item.case_id,
        "case_number": item.case.number,
        "reviewers": [u.display_name for u in item.reviewers.all()],
        "scores": item.scores,
        "total": item.total,
        "grade": grade_of(item.total),
        "findings": item.findings,
        "rectification_required": item.rectification_required,
        "rectified_at": item.rectified_at,
        "rectification_note": item.rectification_note,
    }


def _review_out(plan: Any) -> dict[str, Any]:
    from township.command.review import review_verify

    items = plan.items.prefetch_related("case", "reviewers").order_by("id")  # the towns' cases: by id (Citus)
    return {
        "id": plan.pk,
        "unit": plan.jurisdiction_id,
        "title": plan.title,
        "case_type": plan.case_type,
        "closed_from": plan.closed_from,
        "closed_to": plan.closed_to,
        "count": plan.count,
        "reviewers_per_file": plan.reviewers_per_file,
        "seed": plan.seed,
        "pool_hash": plan.pool_hash,
        "result_hash": plan.result_hash,
        "verified": review_verify(plan)[0],
        "items": [_review_item_out(i) for i in items],
    }


@router.post("/reviews", response={201: ReviewPlanOut}, summary="案卷评查：随机抽取案卷和评查人员")
def review_create(request: HttpRequest, payload: ReviewPlanIn) -> Status[Any]:
    """Draw ``count`` closed files of ``case_type`` closed in the date range, and ``reviewers_per_file`` reviewers
    for each (nobody reviews a file they worked on), reproducibly from ``seed`` (generated when empty, then public).
    Error codes: not_found, review_role_required (403), review_case_type_invalid, review_params_invalid,
    review_pool_empty (400), review_reviewers_insufficient (409)."""
    from township.command import review as rv
    from township.core.errors import NotFound
    from township.org.models import Jurisdiction

    unit = Jurisdiction.objects.filter(code=payload.unit).first()
    if unit is None:
        raise NotFound()
    plan = rv.review_plan_create(
        actor=user_of(request),
        jurisdiction=unit,
        title=payload.title,
        case_type=payload.case_type,
        closed_from=payload.closed_from,
        closed_to=payload.closed_to,
        count=payload.count,
        reviewers_per_file=payload.reviewers_per_file,
        seed=payload.seed,
    )
    return Status(201, _review_out(plan))


@router.get("/reviews/{plan_id}", response=ReviewPlanOut, summary="案卷评查详情（含复核结果）")
def review_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """``verified``: the draw re-run from the stored snapshot and seed gives the stored files and reviewers.
    Error codes: not_found."""
    from township.command.review import plan_get

    return _review_out(plan_get(actor=user_of(request), pk=plan_id))


@router.post("/reviews/items/{item_id}/score", response=ReviewItemOut, summary="案卷评分")
def review_item_score(request: HttpRequest, item_id: int, payload: ScoreIn) -> dict[str, Any]:
    """Scores per checklist item (subject 10, facts 25, law 20, procedure 25, discretion 10, documents 10); below 75
    the file needs rectification and findings. Error codes: not_found, review_not_reviewer (403),
    review_already_scored (409), review_score_invalid, review_findings_required (400)."""
    from township.command import review as rv

    item = rv.item_get(actor=user_of(request), pk=item_id)
    item = rv.review_score(
        item=item, actor=user_of(request), scores=payload.scores, findings=payload.findings, rectify=payload.rectify
    )
    return _review_item_out(item)


@router.post("/reviews/items/{item_id}/rectified", response=ReviewItemOut, summary="记录案卷整改")
def review_item_rectified(request: HttpRequest, item_id: int, payload: RectifiedIn) -> dict[str, Any]:
    """Error codes: not_found, review_role_required (403), review_nothing_to_rectify (409), review_note_required."""
    from township.command import review as rv

    item = rv.item_get(actor=user_of(request), pk=item_id)
    return _review_item_out(rv.review_rectified(item=item, actor=user_of(request), note=payload.note))
