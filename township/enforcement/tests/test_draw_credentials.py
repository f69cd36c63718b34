"""Issue 17.7: in a (joint) 双随机 visit each department's check is done by at least two inspectors whose enforcement
credentials cover that check's domain (行政处罚法第四十二条). Credentials here are limited to one domain each: the draw
adds inspectors who cover a check short of two, or refuses with a Chinese message naming the department and domain.
"""

from __future__ import annotations

import json

import pytest

from township.core.errors import DomainError
from township.enforcement import draw as drawing
from township.enforcement import inspection
from township.enforcement.models import Domain, InspectionPlan, InspectionVisit
from township.enforcement.tests.factories import InspectionPlanFactory, OfficerFactory
from township.enforcement.tests.test_draw import uscc
from township.org.models import Department


@pytest.fixture
def joint(world):
    market = Department.objects.create(jurisdiction=world.town, name="市场监管所", kind="market")
    safety = Department.objects.create(jurisdiction=world.town, name="应急办", kind="work_safety")
    items = [
        inspection.inspection_item_create(
            jurisdiction=world.town,
            department=market,
            code="SC-001",
            name="食品经营许可事项检查",
            domain=Domain.MARKET,
            actor=world.leader,
        ),
        inspection.inspection_item_create(
            jurisdiction=world.town,
            department=safety,
            code="AQ-001",
            name="安全生产主体责任检查",
            domain=Domain.WORK_SAFETY,
            actor=world.leader,
        ),
    ]
    for i in range(6):
        inspection.inspection_target_add(
            jurisdiction=world.town, uscc=uscc(i + 1), name=f"白沙企业{i + 1}", actor=world.leader, credit_class="B"
        )
    return {"market": market, "safety": safety, "items": items}


def _officers(world, dept, domain, n):
    return [OfficerFactory(world=world, department=dept, domains=[domain]) for _ in range(n)]


def _plan(world, joint):
    return InspectionPlanFactory(world=world, departments=[joint["market"], joint["safety"]], items=joint["items"])


def test_each_departments_check_has_two_inspectors_covering_its_domain(world, joint):
    market_ok = _officers(world, joint["market"], Domain.MARKET, 2)
    # the market department's other inspectors hold credentials for another domain only: they do not count
    _officers(world, joint["market"], Domain.ECOLOGY, 4)
    safety_ok = _officers(world, joint["safety"], Domain.WORK_SAFETY, 3)
    plan = inspection.inspection_plan_draw(plan=_plan(world, joint), actor=world.leader, seed="s17-7")

    covering = {Domain.MARKET: {o.pk for o in market_ok}, Domain.WORK_SAFETY: {o.pk for o in safety_ok}}
    visits = list(InspectionVisit.objects.filter(plan=plan))
    assert len(visits) == 6  # every subject, both departments: one joint visit each
    for visit in visits:
        assert len(visit.departments) == 2
        for domain, ids in covering.items():
            assert len(ids & set(visit.inspectors)) >= 2, (domain, visit.inspectors)
    # the guard is part of the recorded draw: it reproduces bit for bit
    assert inspection.inspection_plan_verify(plan) == (True, [])
    assert drawing.Snapshot.from_json(json.loads(plan.snapshot)).coverage


def test_a_department_without_two_inspectors_covering_its_domain_is_refused_by_name(world, joint):
    _officers(world, joint["market"], Domain.MARKET, 1)
    _officers(world, joint["market"], Domain.ECOLOGY, 3)
    _officers(world, joint["safety"], Domain.WORK_SAFETY, 3)
    plan = _plan(world, joint)
    with pytest.raises(DomainError) as info:
        inspection.inspection_plan_draw(plan=plan, actor=world.leader, seed="s17-7")
    assert info.value.code == "inspectors_domain_insufficient"
    message = info.value.message
    assert "市场监管所" in message and "市场监管" in message and "第四十二条" in message
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.DRAFT and not plan.seed
    assert not InspectionVisit.objects.filter(plan=plan).exists()


def test_the_refusal_through_the_api_names_the_department(world, joint, client):
    _officers(world, joint["market"], Domain.MARKET, 3)
    _officers(world, joint["safety"], Domain.WORK_SAFETY, 1)
    _officers(world, joint["safety"], Domain.MARKET, 2)  # 应急办's others cover 市场监管, not 安全生产
    plan = _plan(world, joint)
    client.force_login(world.leader)
    response = client.post(f"/api/v1/enforcement/plans/{plan.pk}/draw")
    assert response.status_code in (409, 422), response.content.decode()
    body = response.json()
    assert body["code"] == "inspectors_domain_insufficient"
    assert "应急办" in body["message"] and "安全生产" in body["message"]


def test_unlimited_credentials_draw_as_before(world, joint):
    """Credentials without domains cover every domain: no coverage in the snapshot, the draw is unchanged."""
    for dept in (joint["market"], joint["safety"]):
        for _ in range(3):
            OfficerFactory(world=world, department=dept)
    plan = inspection.inspection_plan_draw(plan=_plan(world, joint), actor=world.leader, seed="s17-7")
    snapshot = drawing.Snapshot.from_json(json.loads(plan.snapshot))
    assert snapshot.coverage is None
    assert all(len(v["inspectors"]) == 2 for v in plan.result["visits"])
