"""The unit tree (组织机构) beside 预警中心 and 督办: a village narrows the cases (and the warnings export), a town
shows all, a unit outside the user's reach is ignored (township.org.units.chosen_unit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.cases.models import Case
from township.cases.services import case_assign
from township.command.services import supervision_issue
from township.org.models import Jurisdiction, Level
from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
    page,
)


@pytest.fixture
def two_villages(at_level, town_a, village_a):
    other = Jurisdiction.objects.create(code="500116108209", name="红旗村", level=Level.VILLAGE, parent=town_a)
    inside, outside = at_level("red", "石门村排水"), at_level("overdue", "红旗村积水")
    Case.objects.filter(pk=inside.pk).update(village=village_a)
    Case.objects.filter(pk=outside.pk).update(village=other)
    inside.refresh_from_db()
    outside.refresh_from_db()
    return inside, outside, other


def test_warnings_center_and_export_follow_the_unit(client, leader_a, two_villages, town_a, town_b, village_a):
    inside, outside, other = two_villages
    a, b = inside.number, outside.number
    client.force_login(leader_a)
    url = "/command/warnings/"
    assert_narrows(client, url, village_a.code, a, b, wider=town_a.code)
    assert_narrows(client, url, other.code, b, a, wider="")
    assert_remembered(client, url, village_a.code, a, b)
    assert_ignored(client, url, town_b.code, a, b)
    assert_export_follows(client, "/command/warnings/export/", village_a.code, a, b)
    assert f"/command/warnings/export/?unit={village_a.code}" in page(client, url, village_a.code)


def test_supervision_list_follows_the_unit(client, leader_a, clerk_a, handler_a, dept_a, two_villages, village_a):
    inside, outside, _other = two_villages
    for case, text in ((inside, "请核实石门村排水"), (outside, "请核实红旗村积水")):
        case_assign(case=case, actor=clerk_a, assignee=handler_a, department=dept_a)
        supervision_issue(case=case, actor=leader_a, instruction=text, due_at=timezone.now() + timedelta(days=2))
    client.force_login(leader_a)
    assert_narrows(client, "/command/supervisions/", village_a.code, "请核实石门村排水", "请核实红旗村积水", wider="")
