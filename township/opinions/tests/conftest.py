"""社情民意 fixtures: Baisha's staff in each role, a village grid (for forwarding to grid events), helpers."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from shapely.geometry import box, mapping

from township.grid import services as grid_services
from township.grid import spatial
from township.org.models import Role


@pytest.fixture(autouse=True)
def _clean_state(db):
    cache.clear()
    spatial.clear()
    grid_services.event_class_seed_defaults()
    yield
    spatial.clear()
    cache.clear()


@pytest.fixture
def agent_a(make_user, town_a, village_a):
    return make_user((town_a, Role.VILLAGE_AGENT), username="op_agent_a", full_name="代办甲")


@pytest.fixture
def dispatcher_a(make_user, town_a):
    return make_user((town_a, Role.DISPATCHER), username="op_dispatcher_a", full_name="调度甲")


@pytest.fixture
def leader_b(make_user, town_b):
    return make_user((town_b, Role.LEADER), username="op_leader_b", full_name="领导乙")


@pytest.fixture
def village_b(town_b):
    from township.org.models import Jurisdiction, Level

    return Jurisdiction.objects.get_or_create(
        code="500116100201", defaults={"name": "乙村", "level": Level.VILLAGE, "parent": town_b}
    )[0]


@pytest.fixture
def village_grid(town_a, village_a):
    g1 = grid_services.grid_create(
        actor=None,
        code="50011610800000",
        name="白沙镇一级网格",
        level=1,
        geometry=mapping(box(106.0, 29.0, 106.2, 29.2)),
        division=town_a.code,
    )
    return grid_services.grid_create(
        actor=None,
        code="50011610820100",
        name="石门村网格",
        level=2,
        geometry=mapping(box(106.0, 29.0, 106.1, 29.1)),
        division=village_a.code,
        parent=g1.code,
    )


@pytest.fixture
def collect(village_a, agent_a):
    from township.opinions import services

    def make(**kw):
        args = {
            "actor": agent_a,
            "village": village_a,
            "channel": "village_agent",
            "content": "村口路灯坏了一个月，晚上出行不便",
            "title": "路灯损坏",
            "reporter_name": "张三丰",
            "reporter_phone": "13812345678",
        }
        args.update(kw)
        return services.opinion_collect(**args)

    return make
