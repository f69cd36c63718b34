"""大屏: figures of one unit across every case type, drill-down county → town → village, scoped."""

from __future__ import annotations

import pytest

from township.command.screen import resolve_unit, screen_data
from township.core.errors import NotFound
from township.org.models import DataScope, Jurisdiction, Level, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_leader(make_user, county, town_a, town_b):
    user = make_user((county, Role.LEADER), username="county_leader")
    user.grants.update(data_scope=DataScope.UNIT_AND_BELOW)
    return user


def test_town_figures(leader_a, at_level, town_a):
    for level in ("overdue", "overdue", "red", "yellow", "normal", "late"):
        at_level(level)
    d = screen_data(actor=leader_a, unit=town_a)
    assert d["warnings"]["overdue"] == 2 and d["warnings"]["red"] == 1 and d["late_month"] == 1
    assert [(k["label"], k["month"]) for k in d["kpis"]] == [("玩具案件", 6)]
    assert sum(d["trend"]["series"][0]["data"]) == 6


def test_drill_down_county_town_village(county_leader, at_level, county, town_a, village_a):
    case = at_level("overdue")
    type(case).objects.filter(pk=case.pk).update(village=village_a)
    d = screen_data(actor=county_leader, unit=county)
    towns = {c["code"]: c for c in d["children"]}
    assert towns[town_a.code]["overdue"] == 1
    d = screen_data(actor=county_leader, unit=town_a)
    assert {c["code"]: c["overdue"] for c in d["children"]}[village_a.code] == 1
    d = screen_data(actor=county_leader, unit=village_a)
    assert d["warnings"]["overdue"] == 1 and d["children"] == []


def test_units_outside_are_refused(leader_a, leader_b, town_a, town_b, village_a, county):
    assert resolve_unit(leader_a, None) == town_a
    assert resolve_unit(leader_a, village_a.code) == village_a
    for code in (town_b.code, county.code, "999999999"):
        with pytest.raises(NotFound):
            resolve_unit(leader_a, code)
    with pytest.raises(NotFound):
        resolve_unit(leader_b, village_a.code)
    assert Jurisdiction.objects.get(code=village_a.code).level == Level.VILLAGE


def test_pages(client, leader_a, clerk_a, at_level, town_b):
    at_level("overdue")
    client.force_login(leader_a)
    r = client.get("/command/screen/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "综合指挥中心" in html and 'id="k-overdue">1<' in html
    feed = client.get("/command/screen/data/").json()
    assert feed["warnings"]["overdue"] == 1
    assert client.get(f"/command/screen/?unit={town_b.code}").status_code == 403
    client.force_login(clerk_a)
    assert client.get("/command/screen/").status_code == 403
    assert client.get("/command/screen/data/").status_code == 403


def test_cockpit_tabs(client, leader_a, at_level):
    at_level("overdue")
    client.force_login(leader_a)
    for theme in ("approval", "enforcement", "grid", "credit", "voices", "nonsense"):
        r = client.get(f"/command/cockpit/?theme={theme}")
        assert r.status_code == 200, theme
        assert "驾驶舱" in r.content.decode()
    # The toy case type belongs to no theme: no theme counts it.
    assert client.get("/command/cockpit/data/?theme=grid").json()["warnings"]["overdue"] == 0


def test_indicators_are_kept_a_few_minutes_per_towns_and_month(leader_a, at_level, town_a):
    """The 大屏's monthly indicators are computed once per (towns, month, types) and kept INDICATOR_TTL seconds."""
    from django.core.cache import cache

    from township.cases.indicators import on_time_rate
    from township.cases.tests.machines import TOY_MACHINE
    from township.cases.types import CaseType, register_case_type, unregister_case_type

    unregister_case_type(TOY_MACHINE.case_type)
    register_case_type(CaseType(machine=TOY_MACHINE, indicators=(on_time_rate("toy"),)))
    try:
        at_level("late")

        def toy_rate():
            d = screen_data(actor=leader_a, unit=town_a)
            return next((i["rate"], i["n"]) for i in d["indicators"] if i["type"] == "玩具案件")

        assert toy_rate() == (0.0, 1)
        at_level("late")
        assert toy_rate() == (0.0, 1)  # kept
        cache.clear()
        assert toy_rate() == (0.0, 2)  # recomputed
    finally:
        unregister_case_type(TOY_MACHINE.case_type)
        register_case_type(CaseType(machine=TOY_MACHINE))
