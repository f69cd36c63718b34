"""三员分立 (GB/T 22239-2019 8.1.4.2 d, CONVENTIONS §4.3): separated administrator duties.

- The system administrator (系统管理员), the security administrator (安全管理员) and the auditor (审计管理员)
  exclude each other per user: ``admin_role_conflict`` is the pure guard; ``RoleGrant.clean``/``save``,
  ``township.org.services.role_grant_create`` and the admin's inline form call it.
- None of them, and no superuser, reaches business rows: ``counted_grants`` keeps their grants out of every
  business question asked of ``township.org.scoping`` (``reach``/``scope``). A question about administrator
  duties only (the login log, 用户管理, seal keys) still counts them. In the Django admin a superuser's
  implicit "all permissions" stops at business tables (``superuser_refused``, used by ``User.has_perm``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.org.models import Role

if TYPE_CHECKING:
    from django.db.models import Model

    from township.org.models import RoleGrant, User

ADMIN_ROLE_ORDER: tuple[str, ...] = (Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR)
ADMIN_ROLES: frozenset[str] = frozenset(ADMIN_ROLE_ORDER)


class RoleConflict(DomainError):
    """Two of the three administrator roles for one user (422, field ``role``)."""

    def __init__(self, pair: tuple[str, str]) -> None:
        super().__init__("role_conflict", conflict_message(pair), "role")


def admin_role_conflict(roles: Iterable[str]) -> tuple[str, str] | None:
    """The first pair of distinct administrator roles among ``roles`` (None when they may be held together)."""
    given = {str(r) for r in roles}
    held = [r for r in ADMIN_ROLE_ORDER if r in given]
    return (held[0], held[1]) if len(held) >= 2 else None


def conflict_message(pair: tuple[str, str]) -> str:
    a, b = (str(Role(r).label) for r in pair)
    return _("三员分立：同一用户不能同时担任“%(a)s”和“%(b)s”") % {"a": a, "b": b}


def check_grant(user_id: int | None, role: str, exclude_pk: int | None = None) -> None:
    """Raise ``RoleConflict`` if the user already holds another administrator role (any unit)."""
    if user_id is None or role not in ADMIN_ROLES:
        return
    from township.org.models import RoleGrant

    others = RoleGrant.objects.filter(user_id=user_id, role__in=sorted(ADMIN_ROLES - {role}))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.values_list("role", flat=True).first()
    if other is not None:
        pair = admin_role_conflict([role, other])
        assert pair is not None
        raise RoleConflict(pair)


def counted_grants(actor: User, grants: Iterable[RoleGrant], roles: frozenset[str] | None) -> list[RoleGrant]:
    """The grants that answer a question about ``roles`` (any role if None).

    Business questions (any role, or one naming a business role) never count administrator grants, and a
    superuser has no business reach at all. Questions naming administrator roles only count them.
    """
    if roles and roles <= ADMIN_ROLES:
        return list(grants)
    if actor.is_superuser:
        return []
    return [g for g in grants if g.role not in ADMIN_ROLES]


# --- a superuser's implicit permissions stop at business tables ------------------------------------


def is_business_model(model: type[Model]) -> bool:
    """A business row: it carries the tenant key (``JurisdictionScoped``), or points at a row that does."""
    from township.core.tenancy import JurisdictionScoped

    def scoped(m: Any) -> bool:
        return isinstance(m, type) and issubclass(m, JurisdictionScoped)

    if scoped(model):
        return True
    return any(f.many_to_one and f.concrete and scoped(f.related_model) for f in model._meta.get_fields())


@lru_cache(maxsize=1)
def business_permission_suffixes() -> dict[str, frozenset[str]]:
    """app label → model names of its business tables (their default permissions end in ``_<model>``)."""
    from django.apps import apps

    out: dict[str, set[str]] = {}
    for model in apps.get_models():
        if is_business_model(model):
            out.setdefault(model._meta.app_label, set()).add(model._meta.model_name or "")
    return {label: frozenset(names) for label, names in out.items()}


def superuser_refused(perm: str) -> bool:
    """Whether ``perm`` ("app.codename") is a business table's permission, which a superuser is not given
    (三员分立: no super-administrator reads business data, not in the Django admin either)."""
    app_label, _sep, codename = perm.partition(".")
    models = business_permission_suffixes().get(app_label)
    if not models:
        return False
    action, _sep, model_name = codename.partition("_")
    return action in ("add", "change", "delete", "view") and model_name in models
