"""Reads of 系统管理, always limited to the units the administrator holds the role in (tenancy).

A user belongs to an administrator's units when one of its role grants, or its home unit (``UserProfile``),
lies in them: a town's administrators see only their town's (and its villages') users.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import NotFound
from township.org.models import Department, Jurisdiction, Level, Role, RoleGrant, User
from township.org.scoping import Reach
from township.system.duties import ADMINS, SEC, require
from township.system.models import DictItem, DictType, Notice, NoticeStatus, Parameter, ParamKind, Post, UserProfile

USER_STATES = (("active", _("正常")), ("disabled", _("停用")), ("locked", _("锁定")))


def units_q(r: Reach, field: str = "code") -> Q:
    """Jurisdictions an administrator manages: the units reached and the villages below them."""
    q = Q(pk__in=[])
    if r.codes:
        q |= Q(**{f"{field}__in": sorted(r.codes)}) | Q(**{f"{field}__in": _villages_of(r.codes)})
    for _town, village in sorted(r.villages):
        q |= Q(**{field: village})
    return q


def _villages_of(codes: frozenset[str]) -> Any:
    return Jurisdiction.objects.filter(parent_id__in=sorted(codes), level=Level.VILLAGE).values("code")


def managed_units(actor: User, roles: tuple[str, ...] = ADMINS) -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(units_q(require(actor, roles))).order_by("code")


def managed_departments(actor: User, roles: tuple[str, ...] = ADMINS) -> QuerySet[Department]:
    r = require(actor, roles)
    return Department.objects.filter(units_q(r, "jurisdiction_id")).select_related("jurisdiction")


def _users_in(r: Reach) -> Q:
    grants = RoleGrant.objects.filter(units_q(r, "jurisdiction_id"), user_id=OuterRef("pk"))
    homes = UserProfile.objects.filter(units_q(r, "unit_id"), user_id=OuterRef("pk"))
    return Q(Exists(grants)) | Q(Exists(homes))


def user_list(
    *,
    actor: User,
    roles: tuple[str, ...] = ADMINS,
    search: str = "",
    unit: str = "",
    department: int | None = None,
    role: str = "",
    state: str = "",
    post: int | None = None,
) -> QuerySet[User]:
    """用户管理: the users of the actor's units, filtered; each with ``visible_grants`` (grants in those units)."""
    from township.web.models import LoginThrottle

    r = require(actor, roles)
    qs = User.objects.filter(_users_in(r))
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    if unit:
        qs = qs.filter(
            Q(Exists(RoleGrant.objects.filter(user_id=OuterRef("pk"), jurisdiction_id=unit)))
            | Q(system_profile__unit_id=unit)
        )
    if department:
        qs = qs.filter(
            Q(Exists(RoleGrant.objects.filter(user_id=OuterRef("pk"), department_id=department)))
            | Q(system_profile__department_id=department)
        )
    if role:
        in_units = RoleGrant.objects.filter(units_q(r, "jurisdiction_id"), user_id=OuterRef("pk"), role=role)
        qs = qs.filter(Exists(in_units))
    locked = LoginThrottle.objects.filter(username=OuterRef("username"), locked_until__gt=timezone.now())
    if state == "active":
        qs = qs.filter(is_active=True)
    elif state == "disabled":
        qs = qs.filter(is_active=False)
    elif state == "locked":
        qs = qs.filter(Exists(locked))
    if post:
        qs = qs.filter(system_profile__posts__id=post)
    visible = (
        RoleGrant.objects.filter(units_q(r, "jurisdiction_id"))
        .select_related("jurisdiction", "department")
        .prefetch_related(
            "custom_units",
            Prefetch("custom_departments", queryset=Department.objects.select_related("jurisdiction")),
        )
    )
    return (
        qs.annotate(is_locked=Exists(locked))
        .select_related("system_profile__unit", "system_profile__department")
        .prefetch_related(Prefetch("grants", queryset=visible, to_attr="visible_grants"), "system_profile__posts")
        .order_by("id")
        .distinct()
    )


def user_get(*, actor: User, pk: int, roles: tuple[str, ...] = ADMINS) -> User:
    """One user of the actor's units, else ``NotFound`` (a foreign and an unknown user read the same)."""
    user = user_list(actor=actor, roles=roles).filter(pk=pk).first()
    if user is None:
        raise NotFound()
    return user


def grant_get(*, actor: User, user: User, pk: int, for_update: bool = False) -> RoleGrant:
    """One of ``user``'s grants in a unit the actor secures (security administrator), else ``NotFound``."""
    qs = RoleGrant.objects.filter(units_q(require(actor, SEC), "jurisdiction_id"), pk=pk, user=user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    grant = qs.select_related("jurisdiction").first()
    if grant is None:
        raise NotFound()
    return grant


def profile_of(user: User) -> UserProfile | None:
    return UserProfile.objects.filter(user=user).select_related("unit", "department").first()


# --- 角色管理 ---------------------------------------------------------------------------------------

ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.APPLICANT: _("办事群众或企业，在线申请并查看自己的办件"),
    Role.VILLAGE_AGENT: _("村（社区）代办员，为群众代办事项"),
    Role.WINDOW_CLERK: _("便民服务中心综合窗口，受理、补正、出件"),
    Role.APPROVER: _("审批人员，审查并作出审批决定"),
    Role.APPROVAL_HEAD: _("审批负责人，签批与特别程序"),
    Role.ENFORCEMENT_OFFICER: _("执法队员，立案、调查、送达"),
    Role.LEGAL_REVIEWER: _("法制审核员，重大执法决定法制审核"),
    Role.GRID_PATROLLER: _("网格员，巡查上报事件"),
    Role.GRID_HEAD: _("网格长，网格内事件处置与督促"),
    Role.GRID_SUPERVISOR: _("网格督导员，督导考核网格工作"),
    Role.GRID_POLICE: _("网格警务员，协同处置治安类事件"),
    Role.GRID_VOLUNTEER: _("网格志愿者，随手拍上报"),
    Role.DISPATCHER: _("指挥中心调度员，分拨、督办事件"),
    Role.HANDLER: _("处置部门人员，签收并办理分拨的事件"),
    Role.LEADER: _("领导，查看统计、驾驶舱并签批"),
    Role.HOTLINE_OPERATOR: _("12345热线工单受理员"),
    Role.PETITION_OFFICER: _("信访工作人员，登记、交办、答复信访事项"),
    Role.MEDIATOR: _("人民调解员，受理并调解纠纷"),
    Role.CREDIT_OFFICER: _("信用管理员，信用记录与信用修复"),
    Role.ADMINISTRATOR: _("系统管理员：用户、单位、岗位、字典、参数、通知公告、定时任务；不读取业务数据"),
    Role.SECURITY_ADMIN: _("安全管理员：账户启停、解锁、重置密码、角色授权、在线用户强退；不读取业务数据"),
    Role.AUDITOR: _("审计管理员：只读查看操作日志、登录日志与用户、角色；不读取业务数据"),
}


@dataclass
class RoleRow:
    key: str
    label: str
    description: str
    grants: int
    menu: list[str]


def role_list(*, actor: User, search: str = "") -> list[RoleRow]:
    """角色管理 (roles are defined in code: read-only): each role, its duty, its grants in the actor's units and
    the menu entries it sees."""
    from township.core import navigation

    r = require(actor, ADMINS)
    counts: dict[str, int] = {}
    for role in RoleGrant.objects.filter(units_q(r, "jurisdiction_id")).values_list("role", flat=True):
        counts[role] = counts.get(role, 0) + 1
    entries = list(getattr(navigation, "_MENU", []))
    rows = []
    for key, label in Role.choices:
        if search and search not in str(label) and search not in key:
            continue
        menu = [str(e["label"]) for e in entries if e.get("roles") is None or key in e["roles"]]
        rows.append(RoleRow(key, str(label), str(ROLE_DESCRIPTIONS.get(key, "")), counts.get(key, 0), menu))
    return rows


# --- 单位管理 / 区划 --------------------------------------------------------------------------------


@dataclass
class UnitNode:
    unit: Jurisdiction
    depth: int
    departments: list[Department]


def unit_tree(*, actor: User, search: str = "") -> list[UnitNode]:
    """The actor's units as a tree (county → town → village), each with its departments."""
    units = list(managed_units(actor))
    deps: dict[str, list[Department]] = {}
    for d in Department.objects.filter(jurisdiction__in=units).order_by("sort", "id"):
        deps.setdefault(d.jurisdiction_id, []).append(d)
    codes = {u.code for u in units}
    by_parent: dict[str | None, list[Jurisdiction]] = {}
    for u in units:
        by_parent.setdefault(u.parent_id if u.parent_id in codes else None, []).append(u)
    out: list[UnitNode] = []

    def walk(parent: str | None, depth: int) -> None:
        for u in by_parent.get(parent, []):
            names = [u.name, u.code] + [d.name for d in deps.get(u.code, [])]
            if not search or any(search in n for n in names):
                out.append(UnitNode(u, depth, deps.get(u.code, [])))
            walk(u.code, depth + 1)

    walk(None, 0)
    return out


def department_get(*, actor: User, pk: int, roles: tuple[str, ...] = ADMINS) -> Department:
    dep = managed_departments(actor, roles).filter(pk=pk).first()
    if dep is None:
        raise NotFound()
    return dep


# --- posts, dictionaries, parameters ---------------------------------------------------------------


def post_list(*, actor: User, search: str = "", state: str = "") -> QuerySet[Post]:
    require(actor, ADMINS)
    qs = Post.objects.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if state in ("active", "disabled"):
        qs = qs.filter(active=state == "active")
    return qs


def dict_type_list(*, actor: User, search: str = "", builtin: str = "") -> QuerySet[DictType]:
    require(actor, ADMINS)
    qs = DictType.objects.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if builtin in ("yes", "no"):
        qs = qs.filter(builtin=builtin == "yes")
    return qs


def dict_type_get(*, actor: User, pk: int) -> DictType:
    require(actor, ADMINS)
    found = DictType.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def dict_items(*, dict_type: DictType, search: str = "") -> QuerySet[DictItem]:
    qs = DictItem.objects.filter(dict_type=dict_type)
    if search:
        qs = qs.filter(Q(label__icontains=search) | Q(value__icontains=search))
    return qs


def dict_labels(code: str) -> dict[str, str]:
    """value → label of the active items of a dictionary (for other pages)."""
    return dict(
        DictItem.objects.filter(dict_type__code=code, active=True, dict_type__active=True).values_list("value", "label")
    )


def parameter_list(*, actor: User, search: str = "") -> QuerySet[Parameter]:
    require(actor, ADMINS)
    qs = Parameter.objects.all()
    if search:
        qs = qs.filter(Q(key__icontains=search) | Q(name__icontains=search) | Q(description__icontains=search))
    return qs


# Defaults the code applies when a setting is absent (township.web.security, township.approval).
SETTING_DEFAULTS: dict[str, Any] = {
    "TOWNSHIP_QUEUE_WAIT_MINUTES": 20,
    "TOWNSHIP_LOGIN_MAX_FAILURES": 5,
    "TOWNSHIP_PASSWORD_MAX_AGE_DAYS": 90,
}


def parameter_default(param: Parameter) -> Any:
    """The deployment's value (settings / environment), which the code reads today."""
    if not param.setting:
        return None
    return getattr(settings, param.setting, SETTING_DEFAULTS.get(param.setting))


def parameter_effective(param: Parameter) -> Any:
    """The value in force: the stored value when set, else the deployment default."""
    if param.value == "":
        return parameter_default(param)
    if param.kind == ParamKind.INTEGER:
        return int(param.value)
    if param.kind == ParamKind.BOOLEAN:
        return param.value == "true"
    return param.value


def parameter_value(key: str, default: Any = None) -> Any:
    """The effective value of a parameter by key (``default`` when there is no such parameter)."""
    param = Parameter.objects.filter(key=key).first()
    if param is None:
        return default
    value = parameter_effective(param)
    return default if value is None else value


# --- 通知公告 -------------------------------------------------------------------------------------


def notice_list(*, actor: User, search: str = "", status: str = "") -> QuerySet[Notice]:
    r = require(actor, ADMINS)
    qs = Notice.objects.filter(units_q(r, "jurisdiction_id")).select_related("jurisdiction", "created_by")
    if search:
        qs = qs.filter(title__icontains=search)
    if status in NoticeStatus.values:
        qs = qs.filter(status=status)
    return qs


def notice_get(*, actor: User, pk: int) -> Notice:
    found = notice_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def notices_for(user: Any, limit: int = 5) -> list[Notice]:
    """Published notices for the workbench: those of the user's units and of the units above them."""
    if user is None or not user.is_authenticated:
        return []
    codes: set[str] = set()
    for unit in Jurisdiction.objects.filter(
        Q(pk__in=RoleGrant.objects.filter(user=user).values("jurisdiction_id"))
        | Q(pk__in=UserProfile.objects.filter(user=user).values("unit_id"))
    ):
        code = unit.code
        codes.update(code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code))
    if not codes:
        return []
    return list(
        Notice.objects.filter(status=NoticeStatus.PUBLISHED, jurisdiction_id__in=sorted(codes))
        .select_related("jurisdiction")
        .order_by("-published_at", "-id")[:limit]
    )


# --- 在线用户 -------------------------------------------------------------------------------------


@dataclass
class OnlineRow:
    key: str
    user: User
    expires: datetime
    last_seen: datetime


def online_list(*, actor: User, search: str = "", roles: tuple[str, ...] = ADMINS) -> list[OnlineRow]:
    """Sessions not expired whose users the actor administers (sessions are saved on every request, so the
    last activity is the expiry minus the idle timeout)."""
    visible = user_list(actor=actor, roles=roles, search=search)
    now = timezone.now()
    by_user: dict[int, list[Session]] = {}
    for s in Session.objects.filter(expire_date__gt=now).order_by("-expire_date")[:5000]:
        uid = s.get_decoded().get("_auth_user_id")
        if uid is not None and str(uid).isdigit():
            by_user.setdefault(int(uid), []).append(s)
    users = {u.pk: u for u in visible.filter(pk__in=list(by_user))}
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = [
        OnlineRow(s.session_key, users[uid], s.expire_date, s.expire_date - age)
        for uid, sessions in by_user.items()
        if uid in users
        for s in sessions
    ]
    return sorted(rows, key=lambda r: r.last_seen, reverse=True)


# --- 定时任务 -------------------------------------------------------------------------------------


JOB_LABELS: dict[str, str] = {
    "approval.timed_work": _("政务服务期限（视为受理等）"),
    "cases.checkpoint": _("办件时间线封存"),
    "cases.warnings": _("黄牌/红牌/超期预警"),
    "command.positions_purge": _("位置记录清理"),
    "credit.grades": _("信用分级"),
    "credit.listings": _("信用名单到期"),
    "credit.publications": _("信用公示到期"),
    "downloads.build": _("下载中心导出"),
    "downloads.purge": _("下载中心过期清理"),
    "grid.escalations": _("网格事件超时升级"),
    "hotline.imports": _("12345工单导入"),
    "petitions.finalize": _("信访事项期满办结"),
}


@dataclass
class JobRow:
    name: str
    label: str
    every_seconds: int
    last_started: datetime | None
    last_finished: datetime | None
    last_result: Any
    last_error: str
    next_due: datetime


def job_list(*, actor: User, search: str = "") -> list[JobRow]:
    from township.cases.models import JobRun
    from township.cases.timed import timed_jobs

    require(actor, ADMINS)
    now = timezone.now()
    rows = []
    for job in timed_jobs():
        if search and search not in job.name and search not in str(JOB_LABELS.get(job.name, "")):
            continue
        last = JobRun.objects.filter(name=job.name).order_by("-started_at", "-id").first()
        slot = int(now.timestamp()) // job.every_seconds
        next_due = datetime.fromtimestamp((slot + 1) * job.every_seconds, tz=timezone.get_current_timezone())
        rows.append(
            JobRow(
                job.name,
                str(JOB_LABELS.get(job.name, job.name)),
                job.every_seconds,
                last.started_at if last else None,
                last.finished_at if last else None,
                last.result if last else None,
                last.error if last else "",
                next_due,
            )
        )
    return rows
