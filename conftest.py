"""Project-wide pytest fixtures: jurisdictions and personas (a clerk in town A, a stranger in town B)."""

from __future__ import annotations

import pytest

from township.org.models import Jurisdiction, Level, Role, User
from township.org.testing import user_with_roles


@pytest.fixture
def county(db) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(code="500116", defaults={"name": "江津区", "level": Level.COUNTY})[0]


@pytest.fixture
def town_a(county) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116108", defaults={"name": "白沙镇", "level": Level.TOWN, "parent": county}
    )[0]


@pytest.fixture
def village_a(town_a) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116108201", defaults={"name": "石门村", "level": Level.VILLAGE, "parent": town_a}
    )[0]


@pytest.fixture
def town_b(county) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116100", defaults={"name": "几江街道", "level": Level.TOWN, "parent": county}
    )[0]


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(*grants: tuple[Jurisdiction, str], username: str | None = None, **extra) -> User:
        counter["n"] += 1
        full_name = extra.pop("full_name", "") or f"用户{counter['n']}"
        return user_with_roles(username or f"user{counter['n']}", *grants, full_name=full_name, **extra)

    return make


@pytest.fixture
def clerk_a(make_user, town_a) -> User:
    return make_user((town_a, Role.WINDOW_CLERK), username="clerk_a", full_name="窗口甲")


@pytest.fixture
def approver_a(make_user, town_a) -> User:
    return make_user((town_a, Role.APPROVER), username="approver_a", full_name="审批甲")


@pytest.fixture
def clerk_b(make_user, town_b) -> User:
    return make_user((town_b, Role.WINDOW_CLERK), username="clerk_b", full_name="窗口乙")
