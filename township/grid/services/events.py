"""The event loop on the case engine: 信息收集 (report), duplicates, 核实/立案, 派遣 (dispatch, by object or by
id), 处置 and its postponements, 核查, 结案, 评价 and 作废. Events move only through the case type's ``fire``."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases import numbering
from township.cases.models import Assignment, Case, EventKind
from township.cases.services import case_assign, case_attach, case_note, case_open
from township.cases.types import case_type_for
from township.core.citus import public_code
from township.core.errors import DomainError, PermissionRefused
from township.core.frozen import INT_MARKER, FrozenQuery
from township.core.inserts import Rows, draw_ids_ahead
from township.grid import classes, counts, geo, spatial
from township.grid.errors import Code
from township.grid.machine import CASE_TYPE, OPEN_STATES
from township.grid.models import Event, EventClass, EventPhoto, Grid, Source
from township.grid.services._common import PUBLIC_SOURCES, REPORTER_ROLES, _setting
from township.org.models import Department, Jurisdiction, Level, Role, User
from township.org.scoping import has_role, scope

ASSIST = "assist"  # the engine's Assignment.role for 协办 (承办 is "lead")


def _clock(event_class: EventClass, step: str) -> dict[str, Any]:
    unit, limit = event_class.limit(step)
    return {"unit": unit, "limit": limit}


def _new_ticket(jurisdiction_id: str) -> str:
    """The town's code, then 8 random characters: unique per town is unique everywhere, and a lookup by the ticket
    alone is routed to the town's shard (docs/scaling.md)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return public_code(jurisdiction_id, "".join(secrets.choice(alphabet) for _i in range(8)))


_active_grid: FrozenQuery[Grid] = FrozenQuery(
    lambda pk: Grid.objects.select_related("jurisdiction", "village").filter(active=True, pk=pk).order_by(),
    marker=INT_MARKER,
)


def _event_class(value: EventClass | str) -> EventClass:
    if isinstance(value, EventClass):
        return value
    ec = classes.active(str(value))  # kept per process (township/grid/classes.py): no statement
    if ec is None:
        raise DomainError(Code.EVENT_CLASS_UNKNOWN, _("部件事件类别 %(c)s 不存在") % {"c": value}, field="event_class")
    return ec


@dataclass
class Duplicate:
    event: Event
    distance_m: float


def event_duplicates_find(
    *,
    event_class: EventClass,
    lon: float,
    lat: float,
    at: datetime | None = None,
    jurisdiction: str | None = None,
    exclude: int | None = None,
) -> list[Duplicate]:
    """Open events of the same class within GRID_DUPLICATE_DISTANCE_M metres and GRID_DUPLICATE_HOURS hours."""
    distance = float(_setting("GRID_DUPLICATE_DISTANCE_M", 50))
    hours = float(_setting("GRID_DUPLICATE_HOURS", 72))
    at = at or timezone.now()
    minx, miny, maxx, maxy = geo.degree_box(lon, lat, distance)
    qs = Event.objects.filter(
        event_class=event_class,
        lon__gte=minx,
        lon__lte=maxx,
        lat__gte=miny,
        lat__lte=maxy,
        reported_at__gte=at - timedelta(hours=hours),
        reported_at__lte=at + timedelta(minutes=1),
        duplicate_of__isnull=True,
        case__state__in=OPEN_STATES,
    ).select_related("case")
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if exclude:
        qs = qs.exclude(pk=exclude)
    found = [Duplicate(e, geo.haversine_m(lon, lat, e.lon, e.lat)) for e in qs[:50]]
    return sorted((d for d in found if d.distance_m <= distance), key=lambda d: d.distance_m)


def _grid_at(lon: float, lat: float) -> Grid | None:
    """The grid of a WGS-84 point with its town and village (one statement; the lookup itself none). A grid the
    process's index still holds but that was retired meanwhile makes the index reread its version once."""
    grid_id = spatial.locate(lon, lat)
    if grid_id is None:
        return None
    grid = _active_grid.first(grid_id)
    if grid is None:
        grid_id = spatial.locate(lon, lat, max_age=0)
        grid = _active_grid.first(grid_id) if grid_id else None
    return grid


def _attach_photos(event: Event, photos: Iterable[Any], stage: str, actor: User | None) -> list[int]:
    ids = []
    for photo in photos or ():
        att = case_attach(case=event.case, actor=actor, uploaded_file=photo, purpose=f"grid.{stage}")
        EventPhoto.objects.create(jurisdiction_id=event.jurisdiction_id, event=event, attachment=att, stage=stage)
        ids.append(att.pk)
    return ids


@counts.summarised  # atomic; the summaries recounted before its commit
def event_report(
    *,
    actor: User | None,
    event_class: EventClass | str,
    lon: float,
    lat: float,
    description: str,
    crs: str = "wgs84",
    address: str = "",
    source: str = Source.PATROL,
    jurisdiction: str | None = None,
    photos: Iterable[Any] = (),
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    link_to: Event | None = None,
    at: datetime | None = None,
) -> Event:
    """信息收集: a grid worker's, the public's or a program's report, located to its grid.

    Error codes: event_class_unknown, event_class_not_public, description_required, location_invalid,
    location_outside_grids, report_out_of_scope, duplicate_invalid.
    """
    ec = _event_class(event_class)
    public_source = source in PUBLIC_SOURCES
    if public_source and not ec.public:
        raise DomainError(Code.EVENT_CLASS_NOT_PUBLIC, _("该类别不接受群众上报"), field="event_class")
    description = (description or "").strip()
    if not description:
        raise DomainError(Code.DESCRIPTION_REQUIRED, _("请填写问题描述"), field="description")
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise DomainError(Code.LOCATION_INVALID, _("经纬度无效"), field="lat") from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise DomainError(Code.LOCATION_INVALID, _("经纬度超出范围"), field="lat")
    crs_norm = (crs or "wgs84").lower().replace("-", "")
    wlon, wlat = geo.to_wgs84(lon, lat, crs_norm)
    grid = _grid_at(wlon, wlat)
    outside = (
        grid is not None
        and jurisdiction
        and not grid.jurisdiction_id.startswith(jurisdiction)
        and not (grid.village_id or "").startswith(jurisdiction)
    )
    if outside:
        raise DomainError(
            Code.LOCATION_OUTSIDE_GRIDS,
            _("该位置不在辖区 %(j)s 的网格内，请核对坐标") % {"j": jurisdiction},
            field="lat",
        )
    village: Jurisdiction | None
    if grid is not None:
        jur = grid.jurisdiction
        village = grid.village
    elif jurisdiction:
        # no grid here yet: file it with the named town (or the village's town), without a grid
        unit = Jurisdiction.objects.select_related("parent").filter(pk=jurisdiction).first()
        if unit is None or unit.level not in (Level.TOWN, Level.VILLAGE):
            raise DomainError(Code.LOCATION_OUTSIDE_GRIDS, _("该位置不在任何网格内，请核对坐标"), field="lat")
        jur = unit.parent if unit.level == Level.VILLAGE else unit
        village = unit if unit.level == Level.VILLAGE else None
    else:
        raise DomainError(Code.LOCATION_OUTSIDE_GRIDS, _("该位置不在任何网格内，请核对坐标"), field="lat")
    village_id = village.pk if village is not None else None
    if not public_source and (actor is None or not has_role(actor, jur.pk, REPORTER_ROLES, village_id)):
        raise PermissionRefused(Code.REPORT_OUT_OF_SCOPE, _("您不是该网格所在单位的网格员，不能上报此处的事件"))
    now = at or timezone.now()
    if link_to is not None:
        candidates = {d.event.pk for d in event_duplicates_find(event_class=ec, lon=wlon, lat=wlat, at=now)}
        if link_to.pk not in candidates:
            raise DomainError(Code.DUPLICATE_INVALID, _("所选事件不是本次上报的重复候选"), field="link_to")
    first_step = "verify" if public_source else "register"
    event = Event(
        jurisdiction=jur,
        village=village,
        grid=grid,
        event_class=ec,
        source=source,
        description=description,
        address=address[:200],
        lon=wlon,
        lat=wlat,
        input_crs="gcj02" if crs_norm in ("gcj02", "gcj") else "wgs84",
        urgency=ec.urgency,
        reporter=actor,
        contact_name=contact_name[:64],
        contact_phone=contact_phone[:20],
        contact_email=contact_email[:128],
        ticket=_new_ticket(jur.pk),
        public=ec.public,
        reported_at=now,
    )

    def record(case: Case) -> Rows:
        event.case = case
        return Rows([[event]], ids_of=[event])

    draw_ids_ahead(Case, Event)  # the case's id and the event's: one statement (PostgreSQL)
    case = case_open(
        case_type=CASE_TYPE,
        jurisdiction=jur,
        actor=actor,
        title=f"{ec.name}：{description[:60]}",
        village=village,
        owner=actor,
        clock_unit=ec.limit(first_step)[0],
        clock_limit=ec.limit(first_step)[1],
        data={"class": ec.code, "source": source, "grid": grid.code if grid else None, "lon": wlon, "lat": wlat},
        opened_at=now,
        record=record,  # the event written in the statement of its case (PostgreSQL)
    )
    counts.note_bucket(event)  # the summary's recount after commit need not look the bucket up
    _attach_photos(event, photos, EventPhoto.Stage.REPORT, actor)
    if public_source:
        case_type_for(CASE_TYPE).fire(case, "request_verification", None, {"clock": _clock(ec, "verify")}, at=now)
    if link_to is not None:  # the original's timeline names the new case's number: taken at the report's end
        original: Event = link_to
        numbering.when_numbered(lambda: _link_duplicate(event, original, actor))
    return event


def _link_duplicate(event: Event, original: Event, actor: User | None) -> None:
    Event.objects.filter(pk=event.pk).update(duplicate_of=original)
    event.duplicate_of = original
    reason = _("与 %(n)s 重复") % {"n": original.case.number}
    case_type_for(CASE_TYPE).fire(
        event.case,
        "cancel",
        None,
        {"reason": reason, "duplicate_of": original.pk},
        comment=reason,
    )
    Event.objects.filter(pk=event.pk).update(cancelled=True, status_notes=reason[:255])
    case_note(
        case=original.case,
        actor=actor,
        kind=EventKind.NOTE,
        name="duplicate_linked",
        label=_("关联重复上报"),
        data={"event": event.pk, "number": event.case.number},
    )


@counts.summarised  # atomic; the summaries recounted before its commit
def event_link_duplicate(*, event: Event, original: Event, actor: User) -> Event:
    """A dispatcher marks an incoming report as a duplicate of an open event (作废, linked)."""
    if event.pk == original.pk or original.jurisdiction_id != event.jurisdiction_id:
        raise DomainError(Code.DUPLICATE_INVALID, _("只能关联同一辖区的其他事件"))
    if original.case.state not in OPEN_STATES:
        raise DomainError(Code.DUPLICATE_INVALID, _("只能关联未结案的事件"))
    if not has_role(actor, event.jurisdiction_id, (Role.DISPATCHER,)):
        raise PermissionRefused(Code.ROLE_REQUIRED, _("只有调度员可以关联重复事件"))
    _link_duplicate(event, original, actor)
    event.refresh_from_db()
    return event


def _save(event: Event, **values: Any) -> Event:
    Event.objects.filter(pk=event.pk).update(**values)
    for k, v in values.items():
        setattr(event, k, v)
    return event


@counts.summarised  # atomic; the summaries recounted before its commit
def event_verify(*, event: Event, actor: User, genuine: bool, reason: str = "", photos: Iterable[Any] = ()) -> Event:
    """核实 on site by a grid worker: genuine → ready for 立案; not genuine → closed as not registered."""
    if genuine:
        case_type_for(CASE_TYPE).fire(
            event.case, "verify", actor, {"clock": _clock(event.event_class, "register")}, comment=reason
        )
        _attach_photos(event, photos, EventPhoto.Stage.VERIFY, actor)
        return event
    case_type_for(CASE_TYPE).fire(event.case, "verify_false", actor, {"reason": reason}, comment=reason)
    return _save(event, not_registered=True, status_notes=reason[:255])


@counts.summarised  # atomic; the summaries recounted before its commit
def event_register(*, event: Event, actor: User, comment: str = "", at: datetime | None = None) -> Event:
    now = at or timezone.now()
    case_type_for(CASE_TYPE).fire(
        event.case, "register", actor, {"clock": _clock(event.event_class, "dispatch")}, comment=comment, at=now
    )
    return _save(event, registered_at=now)


@counts.summarised  # atomic; the summaries recounted before its commit
def event_reject(*, event: Event, actor: User, reason: str) -> Event:
    case_type_for(CASE_TYPE).fire(event.case, "reject", actor, {"reason": reason}, comment=reason)
    return _save(event, not_registered=True, status_notes=reason[:255])


def department_suggest(*, event: Event) -> Department | None:
    """The department named responsible by the event's class, in the event's jurisdiction."""
    name = event.event_class.department_name
    if not name:
        return None
    qs = Department.objects.filter(jurisdiction_id=event.jurisdiction_id, active=True)
    return qs.filter(name=name).first() or qs.filter(name__contains=name[:4]).first()


@counts.summarised  # atomic; the summaries recounted before its commit
def event_dispatch(
    *,
    event: Event,
    actor: User,
    department: Department | None = None,
    handler: User | None = None,
    assisting: Sequence[Department] = (),
    comment: str = "",
    at: datetime | None = None,
) -> Event:
    """派遣 to a department (承办) and/or a person of it, with assisting departments (协办) that see the event but do
    not sign or report back; the disposal clock starts.
    Errors: department_out_of_scope, handler_invalid, assisting_invalid, and the edge's own."""
    if department is not None and department.jurisdiction_id != event.jurisdiction_id:
        raise DomainError(Code.DEPARTMENT_OUT_OF_SCOPE, _("处置部门须属于事件所在辖区"), field="department")
    if handler is not None and not has_role(handler, event.jurisdiction_id, (Role.HANDLER,)):
        raise DomainError(Code.HANDLER_INVALID, _("处置人须为本辖区的处置部门人员"), field="handler")
    if (
        handler is not None
        and department is not None
        and not scope(handler, (Role.HANDLER,)).covers_department(event.jurisdiction_id, department.pk)
    ):
        raise DomainError(
            Code.HANDLER_INVALID, _("处置人须为“%(d)s”的处置人员") % {"d": department.name}, field="handler"
        )
    helpers = _assisting(event, department, assisting)
    now = at or timezone.now()
    data = {
        "clock": _clock(event.event_class, "handle"),
        "department": department.pk if department else None,
        "handler": handler.pk if handler else None,
        "assisting": [d.pk for d in helpers],
    }
    case_type_for(CASE_TYPE).fire(event.case, "dispatch", actor, data, comment=comment, at=now)
    case_assign(case=event.case, actor=actor, assignee=handler, department=department, comment=comment)
    for helper in helpers:
        case_assign(case=event.case, actor=actor, department=helper, role=ASSIST, comment=comment)
    return _save(event, department=department, handler=handler, dispatched_at=now)


def _assisting(event: Event, lead: Department | None, assisting: Sequence[Department]) -> list[Department]:
    """The assisting departments (协办), distinct, of the event's jurisdiction, other than the lead (承办)."""
    out: dict[int, Department] = {}
    for dept in assisting:
        if dept.jurisdiction_id != event.jurisdiction_id or (lead is not None and dept.pk == lead.pk):
            raise DomainError(
                Code.ASSISTING_INVALID, _("协办部门须为事件所在辖区内承办部门以外的部门"), field="assisting"
            )
        out.setdefault(dept.pk, dept)
    return list(out.values())


def _end_assisting(event: Event) -> None:
    """A returned event leaves its assisting departments (协办) too: the next dispatch names them again."""
    Assignment.objects.filter(
        jurisdiction_id=event.jurisdiction_id, case_id=event.case_id, role=ASSIST, ended_at__isnull=True
    ).update(ended_at=timezone.now())


@counts.summarised  # atomic; the summaries recounted before its commit
def event_accept(*, event: Event, actor: User) -> Event:
    case_type_for(CASE_TYPE).fire(event.case, "accept", actor)
    if event.handler_id is None:
        _save(event, handler=actor)
    return event


@counts.summarised  # atomic; the summaries recounted before its commit
def event_return(*, event: Event, actor: User, reason: str) -> Event:
    """回退: the department sends the event back to the dispatcher (wrong department, not ours…)."""
    case_type_for(CASE_TYPE).fire(
        event.case, "return", actor, {"reason": reason, "clock": _clock(event.event_class, "dispatch")}, comment=reason
    )
    _end_assisting(event)
    return _save(event, department=None, handler=None, return_count=event.return_count + 1)


@counts.summarised  # atomic; the summaries recounted before its commit
def event_feedback(
    *, event: Event, actor: User, photos: Sequence[Any], note: str = "", at: datetime | None = None
) -> Event:
    """反馈 with photos of the result; on time if before the disposal deadline."""
    now = at or timezone.now()
    case = event.case
    on_time = case.due_at is None or now <= case.due_at
    # Guard first (photos are required), then store the photos, then move.
    from township.grid.rules import feedback_has_photos

    feedback_has_photos(case, actor, {"photos": list(photos)})
    ids = _attach_photos(event, photos, EventPhoto.Stage.FEEDBACK, actor)
    case_type_for(CASE_TYPE).fire(
        event.case,
        "feedback",
        actor,
        {"photos": ids, "clock": _clock(event.event_class, "verify")},
        comment=note,
        at=now,
    )
    return _save(event, handled_at=now, handled_on_time=on_time, status_notes=note[:255])


@counts.summarised  # atomic; the summaries recounted before its commit
def event_postpone_request(*, event: Event, actor: User, reason: str, days: int | None = None) -> Event:
    """申请延期 for ``days`` working days (1–30); the handling clock keeps running until it is approved.
    Errors: reason_required, postpone_days."""
    case_type_for(CASE_TYPE).fire(
        event.case, "postpone_request", actor, {"reason": reason, "days": days}, comment=reason
    )
    return _save(event, postpone_days=days or 0)


@counts.summarised  # atomic; the summaries recounted before its commit
def event_postpone_approve(*, event: Event, actor: User, comment: str = "") -> Event:
    """批准延期: the clock pauses (reason 延期) for the working days asked; the event leaves 应结案 while postponed and
    the postponement ends by itself afterwards (``grid_postponements_end``)."""
    from township.core.calendar import CalendarNotCovered
    from township.core.calendar import add_working_days as _awd

    now = timezone.now()
    start = timezone.localdate(now)
    days = max(1, event.postpone_days)
    try:
        end_day = _awd(start, days)
    except CalendarNotCovered:
        end_day = start + timedelta(days=days)  # the earliest the working days can end: never longer than asked
    until = timezone.make_aware(datetime.combine(end_day, datetime.max.time().replace(microsecond=0)))
    case_type_for(CASE_TYPE).fire(
        event.case, "postpone_approve", actor, {"pause_reason": "postpone", "until": until.isoformat()}, comment=comment
    )
    return _save(event, postponed=True, postponed_until=until, postpone_count=event.postpone_count + 1)


@counts.summarised  # atomic; the summaries recounted before its commit
def event_postpone_reject(*, event: Event, actor: User, comment: str = "") -> Event:
    case_type_for(CASE_TYPE).fire(event.case, "postpone_reject", actor, comment=comment)
    return event


@counts.summarised  # atomic; the summaries recounted before its commit
def event_postpone_end(*, event: Event, actor: User | None, comment: str = "") -> Event:
    case_type_for(CASE_TYPE).fire(event.case, "postpone_end", actor, comment=comment)
    return _save(event, postponed=False, postponed_until=None)


@counts.summarised  # atomic; the summaries recounted before its commit
def event_check(
    *, event: Event, actor: User, ok: bool, reason: str = "", photos: Iterable[Any] = (), at: datetime | None = None
) -> Event:
    """核查 on site by the grid worker: passed → ready to close; failed → 返工 (disposal clock restarts)."""
    if ok:
        ids = _attach_photos(event, photos, EventPhoto.Stage.VERIFY, actor)
        case_type_for(CASE_TYPE).fire(
            event.case,
            "check_ok",
            actor,
            {"photos": ids, "clock": _clock(event.event_class, "dispatch")},
            comment=reason,
            at=at,
        )
        return event
    case_type_for(CASE_TYPE).fire(
        event.case,
        "rework",
        actor,
        {"reason": reason, "clock": _clock(event.event_class, "handle")},
        comment=reason,
        at=at,
    )
    return _save(event, rework_count=event.rework_count + 1, handled_on_time=None)


@counts.summarised  # atomic; the summaries recounted before its commit
def event_close(*, event: Event, actor: User, comment: str = "", at: datetime | None = None) -> Event:
    """结案; 按期结案 when the disposal was fed back on time and the close step is within its limit."""
    now = at or timezone.now()
    case = event.case
    close_in_time = case.due_at is None or now <= case.due_at
    case_type_for(CASE_TYPE).fire(event.case, "close", actor, comment=comment, at=now)
    return _save(event, closed_at=now, closed_on_time=bool(event.handled_on_time) and close_in_time)


@counts.summarised  # atomic; the summaries recounted before its commit
def event_evaluate(*, event: Event, actor: User, rating: int, comment: str = "") -> Event:
    case_type_for(CASE_TYPE).fire(event.case, "evaluate", actor, {"rating": rating}, comment=comment)
    return _save(event, rating=rating)


@counts.summarised  # atomic; the summaries recounted before its commit
def event_cancel(*, event: Event, actor: User, reason: str) -> Event:
    """作废 (e.g. a false or test report)."""
    case_type_for(CASE_TYPE).fire(event.case, "cancel", actor, {"reason": reason}, comment=reason)
    return _save(event, cancelled=True, postponed=False, status_notes=reason[:255])


# =============================================================================================
# Dispatch by ids (the dispatch action's form and the API name the department and person by id)
# =============================================================================================


def event_dispatch_by_ids(
    *,
    event: Event,
    actor: User,
    department: int | None = None,
    handler: int | None = None,
    assisting: Sequence[int] = (),
    comment: str = "",
) -> Event:
    """派遣 naming the department, the person and the assisting departments by id (the forms and the API): all of
    the event's jurisdiction. Errors: department_out_of_scope, handler_invalid, assisting_invalid, and those of
    ``event_dispatch``."""
    dept = None
    if department:
        dept = Department.objects.filter(pk=department, jurisdiction_id=event.jurisdiction_id).first()
        if dept is None:
            raise DomainError(Code.DEPARTMENT_OUT_OF_SCOPE, _("处置部门须属于事件所在辖区"), field="department")
    person = User.objects.filter(pk=handler).first() if handler else None
    if handler and person is None:
        raise DomainError(Code.HANDLER_INVALID, _("处置人须为本辖区的处置部门人员"), field="handler")
    helpers = list(Department.objects.filter(pk__in=list(assisting or ()), jurisdiction_id=event.jurisdiction_id))
    if len(helpers) != len(set(assisting or ())):
        raise DomainError(Code.ASSISTING_INVALID, _("协办部门须为事件所在辖区内承办部门以外的部门"), field="assisting")
    return event_dispatch(event=event, actor=actor, department=dept, handler=person, assisting=helpers, comment=comment)
