"""Who may do what in 系统管理 (三员分立, docs/security.md and docs/system.md).

- 系统管理员 (``Role.ADMINISTRATOR``): creates users and edits their profile, units and departments, posts,
  dictionaries, parameters, notices, timed jobs. Global tables (posts, dictionaries, parameters) only at county
  level or above; a town's administrator reads them.
- 安全管理员 (``Role.SECURITY_ADMIN``): enables/disables accounts, unlocks, resets passwords, grants and revokes
  roles, forces sessions out.
- 审计管理员 (``Role.AUDITOR``): reads the user and role lists (and the logs, in township.audit / township.web).

No administrator reads business rows: these pages show only system tables.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from township.core.errors import PermissionRefused
from township.org.models import Role, User
from township.org.scoping import Reach, reach

SYS = (Role.ADMINISTRATOR,)
SEC = (Role.SECURITY_ADMIN,)
AUD = (Role.AUDITOR,)
ADMINS = (Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR)
SYS_SEC = (Role.ADMINISTRATOR, Role.SECURITY_ADMIN)


def admin_reach(actor: User | None, roles: tuple[str, ...]) -> Reach:
    """The units where ``actor`` holds one of the administrator ``roles``."""
    return reach(actor, roles)


def holds(actor: User | None, roles: tuple[str, ...]) -> bool:
    r = reach(actor, roles)
    return bool(r.codes or r.villages)


def require(actor: User | None, roles: tuple[str, ...]) -> Reach:
    """The reach of ``roles``, or ``PermissionRefused`` (403) for someone who holds none of them anywhere."""
    r = reach(actor, roles)
    if not r.codes and not r.villages:
        raise PermissionRefused("forbidden", _("无权执行此操作（三员分立）"))
    return r


def is_global(actor: User | None, roles: tuple[str, ...] = SYS) -> bool:
    """A holder of ``roles`` at county level or above (may change tables shared by every town)."""
    return any(len(code) <= 6 for code in reach(actor, roles).codes)


def require_global(actor: User | None) -> None:
    if not is_global(actor):
        raise PermissionRefused("forbidden", _("只有县级及以上的系统管理员可以修改全局配置"))
