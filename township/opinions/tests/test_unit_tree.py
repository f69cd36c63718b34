"""The unit tree (组织机构) beside 社情民意: a village narrows the list and its Excel export, a town shows all; a
village agent cannot widen to the town (township.org.units.chosen_unit)."""

from __future__ import annotations

from township.cases.models import Case
from township.opinions.models import Opinion
from township.org.models import Jurisdiction, Level, Role
from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
    page,
)


def test_opinion_list_and_export_follow_the_unit(client, collect, dispatcher_a, make_user, town_a, town_b, village_a):
    other = Jurisdiction.objects.create(code="500116108209", name="红旗村", level=Level.VILLAGE, parent=town_a)
    inside = collect(title="石门村路灯损坏")
    outside = collect(title="红旗村道路积水")
    Opinion.objects.filter(pk=outside.pk).update(village=other)
    Case.objects.filter(pk=outside.case_id).update(village=other)
    a, b = inside.case.number, outside.case.number
    client.force_login(dispatcher_a)
    assert_narrows(client, "/opinions/", village_a.code, a, b, wider=town_a.code)
    assert_narrows(client, "/opinions/", other.code, b, a, wider="")
    assert_remembered(client, "/opinions/", village_a.code, a, b)
    assert_ignored(client, "/opinions/", town_b.code, a, b)
    assert_export_follows(client, "/opinions/export.xlsx", village_a.code, a, b)
    agent = make_user((village_a, Role.VILLAGE_AGENT), username="op_village_agent")
    client.force_login(agent)  # a village grant: choosing the town does not show the other village's opinion
    html = page(client, "/opinions/", town_a.code)
    assert a in html and b not in html
