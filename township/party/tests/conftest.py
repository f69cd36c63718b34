"""Party fixtures: 白沙镇's 石门村 with a grid, a village branch with a secretary and a 党员中心户 (the grid volunteer's
account), a leader (full view), a dispatcher (masked), a clerk (no access); 几江街道's leader next door."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import box, mapping

from township.org.models import Role


@pytest.fixture(autouse=True)
def _fresh_index(db):
    from township.grid import spatial

    spatial.clear()
    yield
    spatial.clear()


@pytest.fixture
def grid_a(town_a, village_a):
    from township.grid import services

    g1 = services.grid_create(
        actor=None,
        code="50011610800000",
        name="白沙镇一级网格",
        level=1,
        geometry=mapping(box(106.0, 29.0, 106.2, 29.2)),
        division=town_a.code,
    )
    return services.grid_create(
        actor=None,
        code="50011610820100",
        name="石门村网格",
        level=2,
        geometry=mapping(box(106.0, 29.0, 106.1, 29.1)),
        division=village_a.code,
        parent=g1.code,
    )


@pytest.fixture
def leader_a(make_user, town_a):
    return make_user((town_a, Role.LEADER), username="leader_a", full_name="领导甲")


@pytest.fixture
def dispatcher_a(make_user, town_a):
    return make_user((town_a, Role.DISPATCHER), username="dispatcher_a", full_name="调度甲")


@pytest.fixture
def clerk_a2(make_user, town_a):
    return make_user((town_a, Role.WINDOW_CLERK), username="clerk_a2", full_name="窗口乙")


@pytest.fixture
def leader_b(make_user, town_b):
    return make_user((town_b, Role.LEADER), username="leader_b", full_name="领导乙")


@pytest.fixture
def volunteer_a(make_user, town_a):
    return make_user((town_a, Role.GRID_VOLUNTEER), username="volunteer_a", full_name="王志愿")


@pytest.fixture
def branch(leader_a, town_a, village_a, grid_a, volunteer_a):
    from township.party import services

    org = services.org_create(
        actor=leader_a,
        jurisdiction=town_a.code,
        code="SM01",
        name="石门村党支部",
        kind="branch",
        village=village_a.code,
        grid=grid_a,
        secretary_name="张建国",
        term_start=dt.date(2021, 3, 1),
    )
    services.member_link_add(
        actor=leader_a,
        org=org,
        role="central_household",
        user=volunteer_a,
        grid=grid_a,
        household_address="石门村3组8号",
        households=9,
    )
    return org
