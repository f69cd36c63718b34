"""信访 fixtures: 白沙镇's 信访办 (the sealing unit), an officer, the head, a department and its staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from township.core.identifiers import resident_id_check_char, uscc_check_char
from township.org.models import Department, Role, RoleGrant
from township.petitions import services


def rid(body17: str) -> str:
    return body17 + resident_id_check_char(body17)


ZHANG_ID = rid("50011619700101123")
LI_ID = rid("50011619800202234")


@pytest.fixture
def office(town_a) -> Department:
    return Department.objects.create(
        jurisdiction=town_a, name="信访办公室", kind="petition", uscc=_uscc("11500116MB2345678")
    )


def _uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


@pytest.fixture
def planning(town_a) -> Department:
    return Department.objects.create(jurisdiction=town_a, name="规划建设管理局", kind="planning")


@pytest.fixture
def officer(make_user, town_a, office):
    return make_user((town_a, Role.PETITION_OFFICER), username="petition_a", full_name="蒋信访")


@pytest.fixture
def head(make_user, town_a, office):
    return make_user((town_a, Role.LEADER), username="leader_a", full_name="黄镇长")


@pytest.fixture
def planner(make_user, town_a, planning):
    """A handler of 规划建设管理局 who also holds the 信访 role (to show the accused unit never sees the item)."""
    user = make_user((town_a, Role.HANDLER), username="planner_a", full_name="冯规建")
    RoleGrant.objects.filter(user=user).update(department=planning)
    RoleGrant.objects.create(user=user, jurisdiction=town_a, role=Role.PETITION_OFFICER, department=planning)
    return user


@pytest.fixture
def officer_b(make_user, town_b):
    return make_user((town_b, Role.PETITION_OFFICER), username="petition_b", full_name="乙信访")


@pytest.fixture
def register(officer, town_a):
    def make(**kw: Any):
        data: dict[str, Any] = {
            "actor": officer,
            "jurisdiction": town_a,
            "channel": "visit",
            "category": "claim",
            "title": "宅基地边界纠纷",
            "request": "请求重新核定宅基地边界",
            "description": "邻居建房占用我家宅基地约三平方米。",
            "petitioners": [
                {"name": "张大山", "phone": "13812345678", "resident_id": ZHANG_ID, "address": "石门村3组"}
            ],
        }
        data.update(kw)
        return services.petition_register(**data)

    return make


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def opinion(petition, actor, outcome: str = "support"):
    return services.petition_opinion(
        petition=petition,
        actor=actor,
        outcome=outcome,
        facts="经现场测量，邻居建房越界约三平方米。",
        decision="责令恢复原状。",
        basis="《中华人民共和国民法典》第二百三十六条",
    )
