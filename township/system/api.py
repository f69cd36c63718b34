"""/api/v1/system/: 系统管理 for integrations and scripts — the same selectors and services as the pages, so the same
三员分立 duties and unit scope (403 for the wrong administrator, 404 outside the units, 422 with a Chinese message)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from township.core.errors import NotFound, PermissionRefused
from township.org.models import User
from township.system import event_classes, holidays, selectors, services
from township.system.duties import ADMINS, SEC, SYS, SYS_SEC, holds
from township.system.models import DictType, Parameter

router = Router(tags=["system"])


def _need(request: HttpRequest, roles: tuple[str, ...]) -> User:
    user = request.user
    if not holds(user, roles):  # type: ignore[arg-type]
        raise PermissionRefused("forbidden", _("无权执行此操作（三员分立）"))
    return user  # type: ignore[return-value]


class SystemGrantOut(Schema):
    id: int
    unit: str
    unit_name: str
    department: str
    role: str
    role_label: str
    data_scope: str
    custom_units: list[str]
    custom_departments: list[int]


class SystemUserOut(Schema):
    id: int
    username: str
    full_name: str
    unit: str
    department: str
    posts: list[str]
    is_active: bool
    locked: bool
    must_change_password: bool
    last_login: datetime | None
    grants: list[SystemGrantOut]


def _user_out(u: User) -> dict[str, Any]:
    profile = getattr(u, "system_profile", None)
    return {
        "id": u.pk,
        "username": u.username,
        "full_name": u.full_name,
        "unit": profile.unit_id if profile else "",
        "department": profile.department.name if profile and profile.department else "",
        "posts": [p.name for p in profile.posts.all()] if profile else [],
        "is_active": u.is_active,
        "locked": bool(getattr(u, "is_locked", False)),
        "must_change_password": u.must_change_password,
        "last_login": u.last_login,
        "grants": [
            {
                "id": g.pk,
                "unit": g.jurisdiction_id,
                "unit_name": g.jurisdiction.name,
                "department": g.department.name if g.department else "",
                "role": g.role,
                "role_label": str(g.get_role_display()),
                "data_scope": g.data_scope,
                "custom_units": [j.code for j in g.custom_units.all()],
                "custom_departments": [d.pk for d in g.custom_departments.all()],
            }
            for g in getattr(u, "visible_grants", [])
        ],
    }


class SystemUserPage(Schema):
    items: list[SystemUserOut]
    total: int


@router.get("/users", response=SystemUserPage, summary="用户列表（三员）")
def users(
    request: HttpRequest,
    q: str = "",
    unit: str = "",
    role: str = "",
    state: str = "",
    offset: int = 0,
    limit: int = 50,
) -> dict[str, Any]:
    actor = _need(request, ADMINS)
    qs = selectors.user_list(actor=actor, search=q[:64], unit=unit[:12], role=role[:32], state=state[:16])
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    return {"items": [_user_out(u) for u in qs[offset : offset + limit]], "total": qs.count()}


@router.get("/users/{user_id}", response=SystemUserOut, summary="用户详情（三员）")
def user(request: HttpRequest, user_id: int) -> dict[str, Any]:
    actor = _need(request, ADMINS)
    return _user_out(selectors.user_get(actor=actor, pk=user_id))


class SystemUserIn(Schema):
    username: str
    full_name: str
    unit: str
    department: int | None = None
    phone: str = ""
    email: str = ""
    posts: list[int] = []


class SystemUserCreated(Schema):
    user: SystemUserOut
    initial_password: str


@router.post("/users", response={201: SystemUserCreated}, summary="新增用户（系统管理员）")
def user_create(request: HttpRequest, body: SystemUserIn) -> Status[Any]:
    """The initial password is returned once; it must be changed at first sign-in."""
    actor = _need(request, SYS)
    created, password = services.user_create(actor=actor, **body.dict())
    return Status(
        201, {"user": _user_out(selectors.user_get(actor=actor, pk=created.pk)), "initial_password": password}
    )


class SystemPasswordOut(Schema):
    temporary_password: str


@router.post("/users/{user_id}/reset-password", response=SystemPasswordOut, summary="重置密码（安全管理员）")
def user_reset(request: HttpRequest, user_id: int) -> dict[str, Any]:
    actor = _need(request, SEC)
    target = selectors.user_get(actor=actor, pk=user_id, roles=SEC)
    return {"temporary_password": services.user_reset_password(actor=actor, user=target)}


class SystemActiveIn(Schema):
    active: bool


@router.post("/users/{user_id}/active", response=SystemUserOut, summary="停用/启用账户（安全管理员）")
def user_active(request: HttpRequest, user_id: int, body: SystemActiveIn) -> dict[str, Any]:
    actor = _need(request, SEC)
    target = selectors.user_get(actor=actor, pk=user_id, roles=SEC)
    services.user_set_active(actor=actor, user=target, active=body.active)
    return _user_out(selectors.user_get(actor=actor, pk=user_id))


@router.post("/users/{user_id}/unlock", response=SystemUserOut, summary="账户解锁（安全管理员）")
def user_unlock(request: HttpRequest, user_id: int) -> dict[str, Any]:
    actor = _need(request, SEC)
    target = selectors.user_get(actor=actor, pk=user_id, roles=SEC)
    services.user_unlock(actor=actor, user=target, request=request)
    return _user_out(selectors.user_get(actor=actor, pk=user_id))


class SystemGrantIn(Schema):
    unit: str
    role: str
    department: int | None = None
    data_scope: str = "unit"
    custom_units: list[str] = []  # 自定: division codes, inside the grant's unit and the administrator's units
    custom_departments: list[int] = []  # 自定: department ids, likewise


@router.post("/users/{user_id}/grants", response={201: SystemUserOut}, summary="授予角色（安全管理员）")
def user_grant(request: HttpRequest, user_id: int, body: SystemGrantIn) -> Status[Any]:
    """数据权限 ``custom`` (自定) takes ``custom_units`` and/or ``custom_departments`` (at least one)."""
    actor = _need(request, SEC)
    target = selectors.user_get(actor=actor, pk=user_id, roles=SEC)
    services.user_grant(actor=actor, user=target, **body.dict())
    return Status(201, _user_out(selectors.user_get(actor=actor, pk=user_id)))


class SystemGrantScopeIn(Schema):
    data_scope: str
    custom_units: list[str] = []  # 自定 only: division codes, inside the grant's unit and the administrator's units
    custom_departments: list[int] = []  # 自定 only: department ids, likewise


@router.patch("/users/{user_id}/grants/{grant_id}", response=SystemUserOut, summary="修改角色的数据权限（安全管理员）")
def user_grant_scope(request: HttpRequest, user_id: int, grant_id: int, body: SystemGrantScopeIn) -> dict[str, Any]:
    """The grant's 数据权限 changed in place (recorded in the operation log); ticks only with ``custom``."""
    actor = _need(request, SEC)
    target = selectors.user_get(actor=actor, pk=user_id, roles=SEC)
    services.user_grant_scope(actor=actor, user=target, grant_id=grant_id, **body.dict())
    return _user_out(selectors.user_get(actor=actor, pk=user_id))


@router.delete("/users/{user_id}/grants/{grant_id}", response={204: None}, summary="收回角色（安全管理员）")
def user_revoke(request: HttpRequest, user_id: int, grant_id: int) -> Status[Any]:
    actor = _need(request, SEC)
    target = selectors.user_get(actor=actor, pk=user_id, roles=SEC)
    services.user_revoke(actor=actor, user=target, grant_id=grant_id)
    return Status(204, None)


class SystemRoleOut(Schema):
    key: str
    label: str
    description: str
    grants: int
    menu: list[str]


@router.get("/roles", response=list[SystemRoleOut], summary="角色（只读）")
def roles(request: HttpRequest) -> list[Any]:
    return selectors.role_list(actor=_need(request, ADMINS))


class SystemDepartmentOut(Schema):
    id: int
    name: str
    active: bool


class SystemUnitOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    depth: int
    departments: list[SystemDepartmentOut]


@router.get("/units", response=list[SystemUnitOut], summary="单位与部门（区划树）")
def units(request: HttpRequest) -> list[dict[str, Any]]:
    tree = selectors.unit_tree(actor=_need(request, SYS_SEC))
    return [
        {
            "code": n.unit.code,
            "name": n.unit.name,
            "level": n.unit.level,
            "parent": n.unit.parent_id,
            "depth": n.depth,
            "departments": [{"id": d.pk, "name": d.name, "active": d.active} for d in n.departments],
        }
        for n in tree
    ]


class SystemPostOut(Schema):
    id: int
    code: str
    name: str
    sort: int
    active: bool
    remark: str


@router.get("/posts", response=list[SystemPostOut], summary="岗位")
def posts(request: HttpRequest, q: str = "") -> list[Any]:
    return list(selectors.post_list(actor=_need(request, SYS_SEC), search=q[:64]))


class SystemPostIn(Schema):
    code: str
    name: str
    sort: int = 0
    remark: str = ""
    active: bool = True


@router.post("/posts", response={201: SystemPostOut}, summary="新增岗位（县级系统管理员）")
def post_create(request: HttpRequest, body: SystemPostIn) -> Status[Any]:
    return Status(201, services.post_save(actor=_need(request, SYS), post=None, **body.dict()))


class SystemDictItemOut(Schema):
    value: str
    label: str
    sort: int
    active: bool


class SystemDictOut(Schema):
    id: int
    code: str
    name: str
    builtin: bool
    active: bool
    items: list[SystemDictItemOut]


def _dict_out(dt: DictType) -> dict[str, Any]:
    return {
        "id": dt.pk,
        "code": dt.code,
        "name": dt.name,
        "builtin": dt.builtin,
        "active": dt.active,
        "items": list(dt.items.all()),
    }


@router.get("/dicts", response=list[SystemDictOut], summary="字典（类型与数据）")
def dicts(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    qs = selectors.dict_type_list(actor=_need(request, SYS), search=q[:64]).prefetch_related("items")
    return [_dict_out(dt) for dt in qs]


class SystemParamOut(Schema):
    key: str
    name: str
    kind: str
    value: str
    default: str | None
    effective: str | None
    description: str


def _param_out(p: Parameter) -> dict[str, Any]:
    default, effective = selectors.parameter_default(p), selectors.parameter_effective(p)
    return {
        "key": p.key,
        "name": p.name,
        "kind": p.kind,
        "value": p.value,
        "default": None if default is None else str(default),
        "effective": None if effective is None else str(effective),
        "description": p.description,
    }


@router.get("/parameters", response=list[SystemParamOut], summary="参数设置")
def parameters(request: HttpRequest) -> list[dict[str, Any]]:
    return [_param_out(p) for p in selectors.parameter_list(actor=_need(request, SYS))]


class SystemParamIn(Schema):
    value: str


@router.put("/parameters/{key}", response=SystemParamOut, summary="修改参数（县级系统管理员）")
def parameter_set(request: HttpRequest, key: str, body: SystemParamIn) -> dict[str, Any]:
    actor = _need(request, SYS)
    param = selectors.parameter_list(actor=actor).filter(key=key[:64]).first()
    if param is None:
        raise NotFound()
    return _param_out(services.parameter_set(actor=actor, param=param, value=body.value))


class SystemNoticeOut(Schema):
    id: int
    unit: str
    title: str
    kind: str
    body: str
    status: str
    published_at: datetime | None

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.jurisdiction_id)


@router.get("/notices", response=list[SystemNoticeOut], summary="通知公告（系统管理员）")
def notices(request: HttpRequest, status: str = "") -> list[Any]:
    return list(selectors.notice_list(actor=_need(request, SYS), status=status[:16])[:200])


class SystemNoticeIn(Schema):
    unit: str
    title: str
    kind: str = "notice"
    body: str


@router.post("/notices", response={201: SystemNoticeOut}, summary="新增通知公告（草稿）")
def notice_create(request: HttpRequest, body: SystemNoticeIn) -> Status[Any]:
    return Status(201, services.notice_save(actor=_need(request, SYS), notice=None, **body.dict()))


@router.post("/notices/{notice_id}/publish", response=SystemNoticeOut, summary="发布通知公告")
def notice_publish(request: HttpRequest, notice_id: int) -> Any:
    actor = _need(request, SYS)
    return services.notice_publish(actor=actor, notice=selectors.notice_get(actor=actor, pk=notice_id))


@router.post("/notices/{notice_id}/withdraw", response=SystemNoticeOut, summary="撤回通知公告")
def notice_withdraw(request: HttpRequest, notice_id: int) -> Any:
    actor = _need(request, SYS)
    return services.notice_withdraw(actor=actor, notice=selectors.notice_get(actor=actor, pk=notice_id))


class SystemSessionOut(Schema):
    key: str
    user_id: int
    username: str
    last_seen: datetime
    expires: datetime


@router.get("/online", response=list[SystemSessionOut], summary="在线用户（安全管理员）")
def online(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.online_list(actor=_need(request, SEC), roles=SEC)
    return [
        {
            "key": r.key,
            "user_id": r.user.pk,
            "username": r.user.username,
            "last_seen": r.last_seen,
            "expires": r.expires,
        }
        for r in rows
    ]


@router.post("/online/{key}/logout", response={204: None}, summary="强退（安全管理员）")
def online_logout(request: HttpRequest, key: str) -> Status[Any]:
    services.session_force_logout(actor=_need(request, SEC), session_key=key[:64], request=request)
    return Status(204, None)


class SystemJobOut(Schema):
    name: str
    label: str
    every_seconds: int
    last_started: datetime | None
    last_finished: datetime | None
    last_result: Any
    last_error: str
    next_due: datetime


@router.get("/jobs", response=list[SystemJobOut], summary="定时任务（系统管理员）")
def jobs(request: HttpRequest) -> list[Any]:
    return selectors.job_list(actor=_need(request, SYS))


@router.post("/jobs/{name}/run", response=dict[str, Any], summary="立即执行定时任务（县级系统管理员）")
def job_run(request: HttpRequest, name: str) -> dict[str, Any]:
    return services.job_run_now(actor=_need(request, SYS), name=name[:64])


# --- 节假日 -------------------------------------------------------------------------------------------------------


class SystemCalendarYearOut(Schema):
    year: int
    source: str
    holidays: int
    makeup: int
    working_days: int | None


@router.get("/calendar", response=list[SystemCalendarYearOut], summary="节假日年度（系统管理员）")
def calendar_years(request: HttpRequest) -> list[Any]:
    return holidays.year_list(actor=_need(request, SYS))


class SystemHolidayOut(Schema):
    date: date
    kind: str
    name: str
    source: str


class SystemCalendarOut(Schema):
    year: int
    source: str
    working_days: int
    days: list[SystemHolidayOut]


@router.get("/calendar/{int:year}", response=SystemCalendarOut, summary="某年度的法定节假日与调休上班日")
def calendar_year(request: HttpRequest, year: int) -> dict[str, Any]:
    from township.core import calendar

    actor = _need(request, SYS)
    entry = holidays.year_get(actor=actor, year=year)
    return {
        "year": entry.year,
        "source": entry.source,
        "working_days": calendar.year_working_days(entry.year),
        "days": holidays.year_days(actor=actor, year=year),
    }


class SystemDayIn(Schema):
    kind: str  # holiday / makeup_workday / normal (恢复为普通日)
    name: str = ""
    reason: str  # 依据 (notice, number or reason of the correction)


class SystemDayOut(Schema):
    date: date
    kind: str
    name: str
    source: str
    warnings: list[str]


@router.put("/calendar/days/{day}", response=SystemDayOut, summary="新增或更正某日（县级系统管理员）")
def calendar_day(request: HttpRequest, day: date, body: SystemDayIn) -> dict[str, Any]:
    """Changes the due dates computed afterwards (the clocks read the table); recorded in the operation log."""
    row, warnings = holidays.day_set(actor=_need(request, SYS), day=day, **body.dict())
    if row is None:
        return {"date": day, "kind": holidays.NORMAL, "name": "", "source": body.reason.strip(), "warnings": warnings}
    return {"date": row.date, "kind": row.kind, "name": row.name, "source": row.source, "warnings": warnings}


class SystemCalendarImportIn(Schema):
    year: int
    source: str = ""
    text: str | None = None  # CSV "date,kind,name" as for manage.py holidays_import
    from_package: bool = False
    dry_run: bool = True  # the preview; false imports


class SystemDayChangeOut(Schema):
    date: date
    before_kind: str | None
    before_name: str | None
    kind: str | None
    name: str | None


class SystemCalendarImportOut(Schema):
    year: int
    source: str
    holidays: int
    makeup: int
    new_year: bool
    applied: bool
    added: list[SystemDayChangeOut]
    changed: list[SystemDayChangeOut]
    removed: list[SystemDayChangeOut]
    unchanged: int
    warnings: list[str]


def _day_change(before: Any, after: Any) -> dict[str, Any]:
    day = (after or before)[0]
    return {
        "date": day,
        "before_kind": before[1] if before else None,
        "before_name": before[2] if before else None,
        "kind": after[1] if after else None,
        "name": after[2] if after else None,
    }


@router.post("/calendar/import", response=SystemCalendarImportOut, summary="导入年度节假日（县级系统管理员）")
def calendar_import(request: HttpRequest, body: SystemCalendarImportIn) -> dict[str, Any]:
    """``dry_run`` (default) previews the days added, changed and removed; ``dry_run: false`` imports them."""
    actor = _need(request, SYS)
    args = body.dict()
    dry_run = args.pop("dry_run")
    plan = holidays.import_plan(actor=actor, **args) if dry_run else holidays.import_apply(actor=actor, **args)
    return {
        "year": plan.year,
        "source": plan.source,
        "holidays": plan.holidays,
        "makeup": plan.makeup,
        "new_year": plan.new_year,
        "applied": not dry_run,
        "added": [_day_change(None, r) for r in plan.added],
        "changed": [_day_change(b, a) for b, a in plan.changed],
        "removed": [_day_change(r, None) for r in plan.removed],
        "unchanged": plan.unchanged,
        "warnings": plan.warnings,
    }


# --- 事件分类 -----------------------------------------------------------------------------------------------------


class SystemEventClassOut(Schema):
    code: str
    kind: str
    major_code: str
    major_name: str
    minor_code: str
    name: str
    department_name: str
    urgency: str
    handle_limit: int
    handle_unit: str
    public: bool
    active: bool


@router.get("/event-classes", response=list[SystemEventClassOut], summary="部件事件类别（系统管理员）")
def event_class_list(request: HttpRequest, q: str = "", kind: str = "") -> list[Any]:
    return list(event_classes.class_list(actor=_need(request, SYS), search=q[:64], kind=kind[:16]))


class SystemEventClassImportIn(Schema):
    text: str  # CSV with the columns of grid/data/event-classes.csv
    dry_run: bool = True


class SystemEventClassFieldOut(Schema):
    field: str
    before: Any
    after: Any


class SystemEventClassChangeOut(Schema):
    code: str
    name: str
    fields: list[SystemEventClassFieldOut]


class SystemEventClassImportOut(Schema):
    rows: int
    applied: bool
    added: list[str]
    changed: list[SystemEventClassChangeOut]
    unchanged: int
    errors: list[str]


@router.post("/event-classes/import", response=SystemEventClassImportOut, summary="导入部件事件类别（县级系统管理员）")
def event_class_import(request: HttpRequest, body: SystemEventClassImportIn) -> dict[str, Any]:
    """``dry_run`` (default) checks every row and previews the classes added and changed (row errors listed in
    ``errors``); ``dry_run: false`` imports, refused (422, field ``file``) while a row has an error."""
    actor = _need(request, SYS)
    plan = (
        event_classes.import_plan(actor=actor, text=body.text)
        if body.dry_run
        else event_classes.import_apply(actor=actor, text=body.text)
    )
    return {
        "rows": plan.rows,
        "applied": not body.dry_run,
        "added": [r["code"] for r in plan.added],
        "changed": [
            {
                "code": c.code,
                "name": c.name,
                "fields": [{"field": f, "before": b, "after": a} for f, b, a in c.fields],
            }
            for c in plan.changed
        ],
        "unchanged": plan.unchanged,
        "errors": plan.errors,
    }
