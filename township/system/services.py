"""Writes of 系统管理. Every change is saved row by row so the operation log (township.audit) records it; nothing
is deleted: accounts, posts and dictionary entries are disabled, notices withdrawn (a revoked role grant is the
one deletion, logged with its last values)."""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from township.core.errors import DomainError, NotFound, PermissionRefused
from township.org import services as org_services
from township.org.models import DataScope, Department, Jurisdiction, Role, RoleGrant, User
from township.org.scoping import clear_cache, custom_units_errors, has_role
from township.system import selectors
from township.system.duties import SEC, SYS, require, require_global
from township.system.models import (
    DictItem,
    DictType,
    Notice,
    NoticeKind,
    NoticeStatus,
    Parameter,
    ParamKind,
    Post,
    UserProfile,
)

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,150}$")
PHONE_RE = re.compile(r"^1\d{10}$")


def _required(value: str, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError("required", _("请填写%(label)s") % {"label": label}, field)
    if len(value) > max_length:
        raise DomainError("too_long", _("%(label)s最多%(n)d个字符") % {"label": label, "n": max_length}, field)
    return value


def generate_password() -> str:
    """A one-time password meeting the complexity rule (4 classes, 12 characters)."""
    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_#@"]
    chars = [secrets.choice(p) for p in pools] + [secrets.choice("".join(pools)) for _i in range(8)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


# --- 用户管理 -------------------------------------------------------------------------------------


def _home(actor: User, unit_code: str, department_id: int | None) -> tuple[Jurisdiction, Department | None]:
    unit = selectors.managed_units(actor, SYS).filter(code=unit_code).first()
    if unit is None:
        raise DomainError("invalid_unit", _("请选择您管理的归属单位"), "unit")
    department = None
    if department_id:
        department = Department.objects.filter(pk=department_id, jurisdiction=unit).first()
        if department is None:
            raise DomainError("invalid_department", _("部门不属于所选单位"), "department")
    return unit, department


def _posts(post_ids: Iterable[int]) -> list[Post]:
    ids = {int(i) for i in post_ids}
    posts = list(Post.objects.filter(pk__in=ids, active=True))
    if len(posts) != len(ids):
        raise DomainError("invalid_post", _("岗位不存在或已停用"), "posts")
    return posts


def _contact(phone: str, email: str) -> tuple[str, str]:
    phone = (phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise DomainError("invalid_phone", _("手机号应为11位数字，以1开头"), "phone")
    email = (email or "").strip()
    if email and ("@" not in email or len(email) > 254):
        raise DomainError("invalid_email", _("邮箱格式不正确"), "email")
    return phone, email


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    unit: str,
    department: int | None = None,
    phone: str = "",
    email: str = "",
    posts: Iterable[int] = (),
) -> tuple[User, str]:
    """新增用户 (system administrator of the unit). Returns the user and a one-time initial password that must be
    changed at first sign-in. The new account holds no role: the security administrator grants them."""
    require(actor, SYS)
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise DomainError("invalid_username", _("登录名为3至150位字母、数字或 _ . @ -"), "username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("duplicate_username", _("登录名已存在"), "username")
    full_name = _required(full_name, "full_name", _("姓名"), 64)
    home, dep = _home(actor, unit, department)
    phone, email = _contact(phone, email)
    chosen = _posts(posts)
    password = generate_password()
    user = User(username=username, full_name=full_name, phone=phone, email=email, must_change_password=True)
    user.set_password(password)
    user.save()
    profile = UserProfile.objects.create(user=user, unit=home, department=dep)
    profile.posts.set(chosen)
    return user, password


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    unit: str,
    department: int | None = None,
    phone: str | None = None,
    email: str = "",
    posts: Iterable[int] = (),
) -> User:
    """修改用户 (profile, home unit, posts). ``phone`` None keeps the stored number (it is never shown in clear)."""
    selectors.user_get(actor=actor, pk=user.pk, roles=SYS)
    user.full_name = _required(full_name, "full_name", _("姓名"), 64)
    home, dep = _home(actor, unit, department)
    new_phone, user.email = _contact(phone or "", email)
    if phone is not None and phone.strip():
        user.phone = new_phone
    chosen = _posts(posts)
    user.save()
    profile, _created = UserProfile.objects.get_or_create(user=user, defaults={"unit": home, "department": dep})
    if profile.unit_id != home.code or profile.department_id != (dep.pk if dep else None):
        profile.unit, profile.department = home, dep
        profile.save()
    if {p.pk for p in profile.posts.all()} != {p.pk for p in chosen}:
        profile.posts.set(chosen)
    return user


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """停用 / 启用 (security administrator). Disabling ends the user's sessions at their next request."""
    selectors.user_get(actor=actor, pk=user.pk, roles=SEC)
    if user.pk == actor.pk and not active:
        raise DomainError("self", _("不能停用自己的账户"), None)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    if not active:
        _end_sessions(user)
    return user


def user_unlock(*, actor: User, user: User, request: Any = None) -> bool:
    """账户解锁 (security administrator); written to the login log as 管理员解锁."""
    from township.web import security
    from township.web.models import LoginLog

    selectors.user_get(actor=actor, pk=user.pk, roles=SEC)
    done = security.unlock(user.username)
    security.login_log_write(request, username=user.username, result=LoginLog.Result.UNLOCKED, user=user)
    return done


def user_reset_password(*, actor: User, user: User) -> str:
    """重置密码 (security administrator): a one-time password, to be changed at the next sign-in."""
    selectors.user_get(actor=actor, pk=user.pk, roles=SEC)
    if user.pk == actor.pk:
        raise DomainError("self", _("请通过“修改密码”修改自己的密码"), None)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    _end_sessions(user)
    return password


def _custom_ticks(
    actor: User, jur: Jurisdiction, data_scope: str, unit_codes: Iterable[str], department_ids: Iterable[int]
) -> tuple[list[Jurisdiction], list[Department]]:
    """The units and departments ticked for a 自定 grant: each one the administrator manages (fail-closed: an
    unknown or foreign one refuses the whole grant) and inside the grant's unit (``custom_units_errors``)."""
    codes = sorted({str(c).strip() for c in unit_codes if str(c).strip()})
    ids = sorted({int(i) for i in department_ids})
    units = list(selectors.managed_units(actor, SEC).filter(code__in=codes)) if codes else []
    if len(units) != len(codes):
        raise DomainError("invalid_unit", _("自定区划须为您管理的单位"), "custom_units")
    departments = list(selectors.managed_departments(actor, SEC).filter(pk__in=ids)) if ids else []
    if len(departments) != len(ids):
        raise DomainError("invalid_department", _("自定部门须为您管理的单位的部门"), "custom_departments")
    errors = custom_units_errors(
        data_scope,
        jur.code,
        [(str(d.jurisdiction_id), d.name) for d in departments],
        [(u.code, u.name) for u in units],
    )
    for name in ("data_scope", "custom_departments", "custom_units"):
        if name in errors:
            raise DomainError("invalid_scope", errors[name], name)
    return units, departments


@transaction.atomic
def user_grant(
    *,
    actor: User,
    user: User,
    unit: str,
    role: str,
    department: int | None = None,
    data_scope: str = DataScope.UNIT,
    custom_units: Iterable[str] = (),
    custom_departments: Iterable[int] = (),
) -> RoleGrant:
    """角色授权 with its 数据权限 (security administrator of the unit; 三员分立 checked by org). 自定 takes the
    ticked units (``custom_units``, division codes) and departments (``custom_departments``), at least one, all
    managed by the administrator and inside the grant's unit; the ticks are recorded in the operation log."""
    selectors.user_get(actor=actor, pk=user.pk, roles=SEC)
    if role not in Role.values:
        raise DomainError("invalid_role", _("请选择角色"), "role")
    if data_scope not in DataScope.values:
        raise DomainError("invalid_scope", _("请选择数据权限"), "data_scope")
    jur = selectors.managed_units(actor, SEC).filter(code=unit).first()
    if jur is None:
        raise DomainError("invalid_unit", _("请选择您管理的单位"), "unit")
    dep = None
    if department:
        dep = Department.objects.filter(pk=department, jurisdiction=jur).first()
        if dep is None:
            raise DomainError("invalid_department", _("部门不属于所选单位"), "department")
    ticked_units, ticked_departments = _custom_ticks(actor, jur, data_scope, custom_units, custom_departments)
    if RoleGrant.objects.filter(user=user, jurisdiction=jur, role=role, department=dep).exists():
        raise DomainError("duplicate", _("该用户在此单位已有此角色"), "role")
    grant = org_services.role_grant_create(
        user=user, jurisdiction=jur, role=role, department=dep, data_scope=data_scope, actor=actor
    )
    if data_scope == DataScope.CUSTOM:
        grant.custom_units.set(ticked_units)
        grant.custom_departments.set(ticked_departments)
        clear_cache(user)
    return grant


@transaction.atomic
def user_grant_scope(
    *,
    actor: User,
    user: User,
    grant_id: int,
    data_scope: str,
    custom_units: Iterable[str] = (),
    custom_departments: Iterable[int] = (),
) -> RoleGrant:
    """修改数据权限 of an existing grant (security administrator of the grant's unit): the same checks as a new
    grant (``_custom_ticks``, fail-closed), the ticks cleared when the scope is no longer 自定; the change and the
    ticks are recorded in the operation log (township.audit captures RoleGrant and its many-to-many fields)."""
    selectors.user_get(actor=actor, pk=user.pk, roles=SEC)
    if data_scope not in DataScope.values:
        raise DomainError("invalid_scope", _("请选择数据权限"), "data_scope")
    grant = selectors.grant_get(actor=actor, user=user, pk=grant_id, for_update=True)
    ticked_units, ticked_departments = _custom_ticks(
        actor, grant.jurisdiction, data_scope, custom_units, custom_departments
    )
    if grant.data_scope != data_scope:
        grant.data_scope = data_scope
        grant.save(update_fields=["data_scope"])
    grant.custom_units.set(ticked_units)
    grant.custom_departments.set(ticked_departments)
    clear_cache(user)
    return grant


def user_revoke(*, actor: User, user: User, grant_id: int) -> None:
    selectors.user_get(actor=actor, pk=user.pk, roles=SEC)
    grant = RoleGrant.objects.filter(pk=grant_id, user=user).select_related("jurisdiction", "user").first()
    if grant is None:
        raise NotFound()
    org_services.role_grant_revoke(grant=grant, actor=actor)
    clear_cache(user)


def _end_sessions(user: User) -> int:
    n = 0
    for s in Session.objects.filter(expire_date__gt=timezone.now()):
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk):
            s.delete()
            n += 1
    return n


def session_force_logout(*, actor: User, session_key: str, request: Any = None) -> None:
    """在线用户 → 强退 (security administrator): the session ends now; recorded in the login log."""
    from township.web import security
    from township.web.models import LoginLog

    rows = [r for r in selectors.online_list(actor=actor, roles=SEC) if r.key == session_key]
    if not rows:
        raise NotFound()
    if request is not None and request.session.session_key == session_key:
        raise DomainError("self", _("不能强退自己的会话"), None)
    Session.objects.filter(session_key=session_key).delete()
    security.login_log_write(request, username=rows[0].user.username, result=LoginLog.Result.LOGOUT, user=rows[0].user)


# --- 单位管理 -------------------------------------------------------------------------------------


def department_create(
    *, actor: User, unit: str, name: str, short_name: str = "", kind: str = "", sort: int = 0
) -> Department:
    jur = selectors.managed_units(actor, SYS).filter(code=unit).first()
    if jur is None:
        raise DomainError("invalid_unit", _("请选择您管理的单位"), "unit")
    return org_services.department_create(
        jurisdiction=jur, name=name, short_name=short_name, kind=kind, sort=sort, actor=actor
    )


def department_update(
    *, actor: User, pk: int, name: str, short_name: str, kind: str, sort: int, active: bool
) -> Department:
    dep = selectors.department_get(actor=actor, pk=pk, roles=SYS)
    return org_services.department_update(
        department=dep, name=name, short_name=short_name, kind=kind, sort=sort, active=active, actor=actor
    )


# --- 岗位管理 -------------------------------------------------------------------------------------


def post_save(
    *, actor: User, post: Post | None, code: str, name: str, sort: int = 0, remark: str = "", active: bool = True
) -> Post:
    require_global(actor)
    code = _required(code, "code", _("岗位编码"), 32)
    if Post.objects.filter(code=code).exclude(pk=post.pk if post else 0).exists():
        raise DomainError("duplicate", _("岗位编码已存在"), "code")
    post = post or Post()
    post.code, post.name = code, _required(name, "name", _("岗位名称"), 64)
    post.sort, post.remark, post.active = sort, (remark or "").strip()[:200], active
    post.save()
    return post


# --- 字典管理 -------------------------------------------------------------------------------------


def dict_type_save(
    *, actor: User, dict_type: DictType | None, code: str, name: str, remark: str = "", active: bool = True
) -> DictType:
    require_global(actor)
    if dict_type is not None and dict_type.builtin:
        raise DomainError("builtin", _("内置字典由代码定义，只读"), None)
    code = _required(code, "code", _("字典编码"), 64)
    if not re.match(r"^[a-z][a-z0-9_]*$", code):
        raise DomainError("invalid_code", _("字典编码只能包含小写字母、数字和下划线，并以字母开头"), "code")
    if DictType.objects.filter(code=code).exclude(pk=dict_type.pk if dict_type else 0).exists():
        raise DomainError("duplicate", _("字典编码已存在"), "code")
    dict_type = dict_type or DictType()
    dict_type.code, dict_type.name = code, _required(name, "name", _("字典名称"), 64)
    dict_type.remark, dict_type.active = (remark or "").strip()[:200], active
    dict_type.save()
    return dict_type


def dict_item_save(
    *,
    actor: User,
    dict_type: DictType,
    item: DictItem | None,
    value: str,
    label: str,
    sort: int = 0,
    active: bool = True,
) -> DictItem:
    require_global(actor)
    if dict_type.builtin or (item is not None and item.builtin):
        raise DomainError("builtin", _("内置字典由代码定义，只读"), None)
    value = _required(value, "value", _("字典键值"), 64)
    if DictItem.objects.filter(dict_type=dict_type, value=value).exclude(pk=item.pk if item else 0).exists():
        raise DomainError("duplicate", _("该字典已有此键值"), "value")
    item = item or DictItem(dict_type=dict_type)
    item.value, item.label = value, _required(label, "label", _("字典标签"), 100)
    item.sort, item.active = sort, active
    item.save()
    return item


def builtin_dictionaries() -> dict[str, tuple[str, list[tuple[str, Any]]]]:
    """code → (name, choices) of the dictionaries the product defines in code (read-only here)."""
    from township.org.models import Level
    from township.web.models import LoginLog

    return {
        "org_level": (_("区划层级"), list(Level.choices)),
        "org_role": (_("角色"), list(Role.choices)),
        "org_data_scope": (_("数据权限"), list(DataScope.choices)),
        "login_result": (_("登录结果"), list(LoginLog.Result.choices)),
        "notice_kind": (_("通知公告类型"), list(NoticeKind.choices)),
        "notice_status": (_("通知公告状态"), list(NoticeStatus.choices)),
        "param_kind": (_("参数类型"), list(ParamKind.choices)),
    }


def sync_builtin_dictionaries() -> int:
    """Create or refresh the built-in dictionaries from the code (after every migrate). Returns items written."""
    written = 0
    with override("zh-hans"):
        for code, (name, choices) in builtin_dictionaries().items():
            dt, _created = DictType.objects.get_or_create(code=code, defaults={"name": str(name), "builtin": True})
            if dt.name != str(name) or not dt.builtin:
                dt.name, dt.builtin = str(name), True
                dt.save()
            for sort, (value, label) in enumerate(choices):
                item = DictItem.objects.filter(dict_type=dt, value=value).first()
                if item is None:
                    DictItem.objects.create(dict_type=dt, value=value, label=str(label), sort=sort, builtin=True)
                    written += 1
                elif item.label != str(label) or item.sort != sort or not item.builtin:
                    item.label, item.sort, item.builtin = str(label), sort, True
                    item.save()
                    written += 1
    return written


# --- 参数设置 -------------------------------------------------------------------------------------

BUILTIN_PARAMETERS: list[dict[str, Any]] = [
    {
        "key": "QUEUE_WAIT_MINUTES",
        "name": "排队等候时限（分钟）",
        "kind": ParamKind.INTEGER,
        "min_value": 1,
        "max_value": 240,
        "setting": "TOWNSHIP_QUEUE_WAIT_MINUTES",
        "description": "取号后超过此时长未叫号计为等候超时（好差评分析）",
    },
    {
        "key": "LOGIN_MAX_FAILURES",
        "name": "登录失败锁定次数",
        "kind": ParamKind.INTEGER,
        "min_value": 3,
        "max_value": 10,
        "setting": "TOWNSHIP_LOGIN_MAX_FAILURES",
        "description": "连续登录失败达到此次数后锁定账户（等保要求不超过5次）",
    },
    {
        "key": "PASSWORD_MAX_AGE_DAYS",
        "name": "密码有效期（天）",
        "kind": ParamKind.INTEGER,
        "min_value": 1,
        "max_value": 180,
        "setting": "TOWNSHIP_PASSWORD_MAX_AGE_DAYS",
        "description": "密码超过此天数须修改（等保建议90天）",
    },
]


def seed_parameters() -> int:
    created = 0
    with override("zh-hans"):
        for spec in BUILTIN_PARAMETERS:
            _p, made = Parameter.objects.get_or_create(key=spec["key"], defaults={**spec, "builtin": True})
            created += int(made)
    return created


def parameter_set(*, actor: User, param: Parameter, value: str) -> Parameter:
    """Change a parameter's value, checked against its type and range ("" returns to the default)."""
    require_global(actor)
    value = (value or "").strip()
    if value:
        if param.kind == ParamKind.INTEGER:
            if not re.fullmatch(r"-?\d{1,9}", value):
                raise DomainError("invalid_value", _("请输入整数"), "value")
            number = int(value)
            if param.min_value is not None and number < param.min_value:
                raise DomainError("too_small", _("不能小于%(n)d") % {"n": param.min_value}, "value")
            if param.max_value is not None and number > param.max_value:
                raise DomainError("too_large", _("不能大于%(n)d") % {"n": param.max_value}, "value")
            value = str(number)
        elif param.kind == ParamKind.BOOLEAN:
            if value not in ("true", "false"):
                raise DomainError("invalid_value", _("请选择“是”或“否”"), "value")
        elif len(value) > 500:
            raise DomainError("too_long", _("参数值最多500个字符"), "value")
    if param.value != value:
        param.value = value
        param.save()
        from township.core import params

        params.clear()  # in effect at once in this process; other processes within params.TTL_SECONDS
    return param


# --- 通知公告 -------------------------------------------------------------------------------------


def notice_save(*, actor: User, notice: Notice | None, unit: str, title: str, kind: str, body: str) -> Notice:
    """A draft (or an edit of a draft); published notices are withdrawn, not edited."""
    jur = selectors.managed_units(actor, SYS).filter(code=unit).first()
    if jur is None:
        raise DomainError("invalid_unit", _("请选择您管理的单位"), "unit")
    if notice is not None and notice.status == NoticeStatus.PUBLISHED:
        raise DomainError("published", _("已发布的公告不能修改，请先撤回"), None)
    if kind not in NoticeKind.values:
        raise DomainError("invalid_kind", _("请选择类型"), "kind")
    notice = notice or Notice(created_by=actor)
    notice.jurisdiction = jur
    notice.title = _required(title, "title", _("标题"), 100)
    notice.kind = kind
    notice.body = _required(body, "body", _("内容"), 5000)
    notice.save()
    return notice


def _own_notice(actor: User, notice: Notice) -> Notice:
    if not has_role(actor, notice.jurisdiction.tenant_code, SYS):
        raise PermissionRefused("forbidden", _("只有系统管理员可以发布或撤回通知公告"))
    return notice


def notice_publish(*, actor: User, notice: Notice) -> Notice:
    _own_notice(actor, notice)
    if notice.status == NoticeStatus.PUBLISHED:
        raise DomainError("published", _("该公告已发布"), None)
    notice.status, notice.published_at = NoticeStatus.PUBLISHED, timezone.now()
    notice.save()
    return notice


def notice_withdraw(*, actor: User, notice: Notice) -> Notice:
    _own_notice(actor, notice)
    if notice.status != NoticeStatus.PUBLISHED:
        raise DomainError("not_published", _("只有已发布的公告可以撤回"), None)
    notice.status = NoticeStatus.WITHDRAWN
    notice.save()
    return notice


# --- 定时任务 -------------------------------------------------------------------------------------


def job_run_now(*, actor: User, name: str) -> dict[str, Any]:
    """立即执行 (system administrator at county level or above: jobs scan every town). Recorded as a run of
    its own (a negative slot, so the worker's regular slot is untouched)."""
    from township.cases.models import JobRun
    from township.cases.timed import timed_jobs

    require_global(actor)
    job = next((j for j in timed_jobs() if j.name == name), None)
    if job is None:
        raise NotFound()
    now = timezone.now()
    slot = -int(now.timestamp() * 1000)
    run = JobRun.objects.create(name=job.name, slot=slot, started_at=now, result={"manual_by": actor.username})
    try:
        result = job.fn(now) or {}
    except Exception as exc:  # recorded like the worker's failures
        JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), error=repr(exc)[:2000])
        return {"error": repr(exc)}
    JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result={**result, "manual_by": actor.username})
    return result
