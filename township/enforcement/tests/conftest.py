"""Enforcement personas: 白沙镇 with a leader, three credentialed officers, a legal reviewer; 龙华镇 next door."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from township.enforcement import services
from township.enforcement.models import Domain, LegalReviewer
from township.org.models import Level, Role
from township.org.testing import jurisdiction as _jur
from township.org.testing import user_with_roles as _user

# A Monday in a year the holiday table covers.
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, travel):
    return build_world()


def _uscc(body: str) -> str:
    from township.core.identifiers import uscc_check_char

    return body + uscc_check_char(body)


@pytest.fixture
def licensed_shop(world):
    from township.certificates.services import certificate_issue
    from township.org.models import Department, RoleGrant
    from township.org.scoping import clear_cache
    from township.subjects.services import subject_get_or_create_org

    dept = Department.objects.create(
        jurisdiction=world.town, name="行政审批办", kind="approval", uscc=_uscc("11500116MB1234567")
    )
    RoleGrant.objects.create(user=world.leader, jurisdiction=world.town, role=Role.APPROVAL_HEAD)
    clear_cache(world.leader)  # the grants are cached on the instance (his 系统管理员 grant no longer issues: 三员分立)
    shop = subject_get_or_create_org(uscc=_uscc("92500116MA6000001"), name="白沙镇好再来餐馆", registered_in=world.town)
    cert = certificate_issue(
        holder=shop, type_code="11100000000013338W001", type_name="食品经营许可证", department=dept, actor=world.leader
    )
    return shop, cert


def build_world() -> SimpleNamespace:
    """The personas, built at whatever time it is (the ``world`` fixture pins it to NOW first)."""
    province = _jur("50", "重庆市", Level.PROVINCE)
    city = _jur("5001", "市辖区", Level.CITY, province)
    county = _jur("500116", "江津区", Level.COUNTY, city)
    town = _jur("500116108", "白沙镇", Level.TOWN, county)
    village = _jur("500116108201", "东海村", Level.VILLAGE, town)
    other_town = _jur("500116109", "龙华镇", Level.TOWN, county)
    leader = _user("enf_leader", (town, Role.LEADER), (town, Role.ADMINISTRATOR), full_name="王局长")
    team = services.team_create(
        jurisdiction=town,
        name="第一综合执法中队",
        actor=leader,
        domains=[Domain.CITY, Domain.PLANNING],
        villages=[village],
    )
    officers = []
    for i, name in enumerate(["李明", "赵强", "孙丽"], start=1):
        u = _user(f"enf_officer{i}", (town, Role.ENFORCEMENT_OFFICER), full_name=name)
        off = services.officer_create(jurisdiction=town, user=u, team=team, actor=leader)
        services.credential_add(
            officer=off,
            number=f"渝执-5001-{i:04d}",
            issuer="重庆市人民政府",
            valid_from=dt.date(2024, 1, 1),
            valid_until=dt.date(2028, 12, 31),
            actor=leader,
        )
        officers.append(u)
    reviewer = _user("enf_reviewer", (town, Role.LEGAL_REVIEWER), full_name="周审核")
    services.legal_reviewer_create(
        jurisdiction=town,
        user=reviewer,
        qualification=LegalReviewer.Qualification.LEGAL_PROFESSION,
        certificate_number="A20195001160001",
        actor=leader,
    )
    stranger = _user("enf_stranger", (other_town, Role.ENFORCEMENT_OFFICER), (other_town, Role.LEADER))
    return SimpleNamespace(
        town=town,
        village=village,
        other_town=other_town,
        county=county,
        leader=leader,
        team=team,
        o1=officers[0],
        o2=officers[1],
        o3=officers[2],
        reviewer=reviewer,
        stranger=stranger,
    )
