"""Services of the organisation app: API tokens and role grants (三员分立)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError, PermissionRefused
from township.core.frozen import FrozenQuery
from township.org import scoping
from township.org.duties import check_grant
from township.org.models import ApiToken, DataScope, Department, Jurisdiction, Role, RoleGrant, User
from township.org.scoping import clear_cache, has_role


class AccountRefused(DomainError):
    """A personal API token whose account may not work now (password change due, locked): 403."""

    status = 403


# Account checks of the sign-in policy that live above org (the lock, password expiry: township.web.security);
# installed by that app's config. Each raises AccountRefused.
_token_checks: list[Callable[[User], None]] = []
# What those checks read, as expressions on the token's row (``OuterRef("user__username")`` …, the moment as
# ``Now()``): fetched with the token in one statement and set on the user (attribute = the name) for the checks.
_token_reads: list[Callable[[], dict[str, Any]]] = []


def register_token_check(check: Callable[[User], None], reads: Callable[[], dict[str, Any]] | None = None) -> None:
    if check not in _token_checks:
        _token_checks.append(check)
    if reads is not None and reads not in _token_reads:
        _token_reads.append(reads)
    _token_statement.forget()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored."""
    secret = "tsp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:64] or "token", prefix=secret[:12], key_hash=_digest(secret))
    return token, secret


# 最近使用 of a token is written at most once a minute: not a write on every API request.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _token_reads_now() -> dict[str, Any]:
    reads: dict[str, Any] = {scoping.VERSION_ATTR: scoping.version_read()}  # the grants kept across requests
    for build in _token_reads:
        reads.update(build())
    return reads


def _token_query(key_hash: str) -> Any:
    return (
        ApiToken.objects.select_related("user")
        .annotate(**_token_reads_now())
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
    )


# compiled once per thread (township.core.frozen): building and compiling it cost more than running it
_token_statement: FrozenQuery[ApiToken] = FrozenQuery(_token_query)


def api_token_authenticate(secret: str) -> User | None:
    """The token's user, or None (unknown, revoked, inactive account: the API answers 401).

    A token whose user must change the password, whose password has expired or whose login name is locked
    raises ``AccountRefused`` (403 ``{code, message, field}``): the sign-in policy gates tokens too.
    """
    if not secret:
        return None
    token = _token_statement.first(_digest(secret))
    if token is None:
        return None
    user: User = token.user
    for name in _token_statement.annotations():
        setattr(user, name, getattr(token, name))
    if user.must_change_password:
        raise AccountRefused("password_change_required", _("须修改初始密码：请先登录网页端修改密码，再使用 API 令牌"))
    for check in _token_checks:
        check(user)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    scoping.attach(user)
    return user


def api_token_revoke(*, user: User, token_id: int) -> bool:
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


# --- role grants (三员分立) ------------------------------------------------------------------------


def role_grant_create(
    *,
    user: User,
    jurisdiction: Jurisdiction,
    role: str,
    department: Department | None = None,
    data_scope: str = DataScope.UNIT,
    actor: User | None = None,
) -> RoleGrant:
    """Grant ``role`` in ``jurisdiction``. Only a security administrator of the unit grants roles (``actor``
    None: the system, e.g. the demo loader); the three administrator roles exclude each other per user."""
    if role not in Role.values:
        raise DomainError("invalid_role", _("未知角色"), "role")
    if department is not None and department.jurisdiction_id != jurisdiction.code:
        raise DomainError("invalid_department", _("部门不属于该单位"), "department")
    if actor is not None and not has_role(actor, jurisdiction.tenant_code, [Role.SECURITY_ADMIN]):
        raise PermissionRefused("forbidden", _("只有安全管理员可以授予角色"))
    check_grant(user.pk, role)
    grant, _created = RoleGrant.objects.get_or_create(
        user=user, jurisdiction=jurisdiction, role=role, department=department, defaults={"data_scope": data_scope}
    )
    clear_cache(user)
    return grant


def role_grant_revoke(*, grant: RoleGrant, actor: User) -> None:
    """Take a grant back (系统管理 → 用户管理). Only a security administrator of the grant's unit; recorded in the
    operation log as the grant's deletion with its last values."""
    if not has_role(actor, grant.jurisdiction.tenant_code, [Role.SECURITY_ADMIN]):
        raise PermissionRefused("forbidden", _("只有安全管理员可以收回角色"))
    user = grant.user
    grant.delete()
    clear_cache(user)


# --- departments (系统管理 → 单位管理) -------------------------------------------------------------


def _department_fields(*, jurisdiction: Jurisdiction, name: str, short_name: str, exclude_pk: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("required", _("请填写部门名称"), "name")
    if len(name) > 64:
        raise DomainError("too_long", _("部门名称最多64个字符"), "name")
    if len((short_name or "").strip()) > 16:
        raise DomainError("too_long", _("简称最多16个字符"), "short_name")
    same = Department.objects.filter(jurisdiction=jurisdiction, name=name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise DomainError("duplicate", _("该单位已有同名部门"), "name")
    return name


def department_create(
    *, jurisdiction: Jurisdiction, name: str, short_name: str = "", kind: str = "", sort: int = 0, actor: User
) -> Department:
    """Add a department to a town or county. Only a system administrator of the unit."""
    if not has_role(actor, jurisdiction.tenant_code, [Role.ADMINISTRATOR]):
        raise PermissionRefused("forbidden", _("只有系统管理员可以维护部门"))
    name = _department_fields(jurisdiction=jurisdiction, name=name, short_name=short_name, exclude_pk=None)
    return Department.objects.create(
        jurisdiction=jurisdiction, name=name, short_name=short_name.strip(), kind=kind.strip()[:32], sort=sort
    )


def department_update(
    *, department: Department, name: str, short_name: str, kind: str, sort: int, active: bool, actor: User
) -> Department:
    """Edit a department (disabling it rather than deleting). Only a system administrator of its unit."""
    if not has_role(actor, department.jurisdiction.tenant_code, [Role.ADMINISTRATOR]):
        raise PermissionRefused("forbidden", _("只有系统管理员可以维护部门"))
    department.name = _department_fields(
        jurisdiction=department.jurisdiction, name=name, short_name=short_name, exclude_pk=department.pk
    )
    department.short_name = short_name.strip()
    department.kind = kind.strip()[:32]
    department.sort = sort
    department.active = active
    department.save()
    return department
