"""Test and demo helpers for people and places: one way to make a jurisdiction and a user with role grants."""

from __future__ import annotations

from typing import Any

from township.org.models import DataScope, Jurisdiction, Level, RoleGrant, User

TEST_PASSWORD = "Test-pass-123"  # noqa: S105 - test fixtures only


def jurisdiction(code: str, name: str, level: str, parent: Jurisdiction | None = None) -> Jurisdiction:
    """The division with this code, created once (fixtures of several apps share the same real codes)."""
    return Jurisdiction.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})[0]


def user_with_roles(username: str, *grants: tuple[Jurisdiction, str], full_name: str = "", **extra: Any) -> User:
    """A user holding each (unit, role); a county-level grant reaches the units below it, others only the unit."""
    user = User.objects.create_user(username=username, password=TEST_PASSWORD, full_name=full_name or username, **extra)
    for jur, role in grants:
        scope = DataScope.UNIT_AND_BELOW if jur.level == Level.COUNTY else DataScope.UNIT
        RoleGrant.objects.create(user=user, jurisdiction=jur, role=role, data_scope=scope)
    return user
