"""12345 fixtures: 白沙镇 with two villages, departments, the centre (受理员, 调度员, 领导), a department handler, a
village agent, the default responsibility list, and an order helper."""

from __future__ import annotations

import pytest

from township.hotline import services
from township.org.models import Department, Jurisdiction, Level, Role


@pytest.fixture
def village_b(town_a) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116108202", defaults={"name": "黑石山村", "level": Level.VILLAGE, "parent": town_a}
    )[0]


@pytest.fixture
def dept(town_a) -> Department:
    return Department.objects.get_or_create(jurisdiction=town_a, name="规划建设管理局", defaults={"kind": "planning"})[
        0
    ]


@pytest.fixture
def dept2(town_a) -> Department:
    return Department.objects.get_or_create(jurisdiction=town_a, name="农业农村服务局", defaults={"kind": "agri"})[0]


@pytest.fixture
def operator(make_user, town_a):
    return make_user((town_a, Role.HOTLINE_OPERATOR), username="hl_operator", full_name="陶热线")


@pytest.fixture
def leader(make_user, town_a):
    return make_user((town_a, Role.LEADER), username="hl_leader", full_name="黄镇长")


@pytest.fixture
def handler(make_user, town_a, dept):
    from township.org.models import RoleGrant

    user = make_user(username="hl_handler", full_name="冯处置")
    RoleGrant.objects.create(user=user, jurisdiction=town_a, role=Role.HANDLER, department=dept)
    return user


@pytest.fixture
def other_handler(make_user, town_a, dept2):
    from township.org.models import RoleGrant

    user = make_user(username="hl_handler2", full_name="农服局甲")
    RoleGrant.objects.create(user=user, jurisdiction=town_a, role=Role.HANDLER, department=dept2)
    return user


@pytest.fixture
def agent(make_user, village_a):
    return make_user((village_a, Role.VILLAGE_AGENT), username="hl_agent", full_name="陈代办")


@pytest.fixture
def duties(town_a):
    services.duties_seed(jurisdiction=town_a.code)


@pytest.fixture
def new_order(operator, town_a, village_a, duties):
    counter = {"n": 0}

    def make(**kw):
        counter["n"] += 1
        data = {
            "jurisdiction": town_a,
            "actor": operator,
            "content": "路口垃圾三天无人清运",
            "kind": "complaint",
            "matter": "环境卫生",
            "caller_name": "张先生",
            "caller_phone": "13800138000",
            "village": village_a,
            "external_no": f"JJ-{counter['n']:04d}",
        }
        data.update(kw)
        return services.order_create(**data)

    return make
