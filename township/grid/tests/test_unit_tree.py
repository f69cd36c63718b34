"""The unit tree (组织机构) beside the grid lists (网格事件, 网格管理): choosing a town or a village narrows the list and
its export; a unit outside the user's reach is ignored (township.org.units.chosen_unit)."""

from __future__ import annotations

from township.grid.models import Event
from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
    page,
)


def test_event_list_narrows_to_the_chosen_village(client, report, dispatcher_a, town_a, town_b, village_a, village_a2):
    inside = report(description="石门村路口垃圾")
    outside = report(description="金盆村路口垃圾")
    Event.objects.filter(pk=outside.pk).update(village=village_a2)
    a, b = inside.case.number, outside.case.number
    client.force_login(dispatcher_a)
    assert_narrows(client, "/grid/events/", village_a.code, a, b, wider=town_a.code)
    assert_narrows(client, "/grid/events/", village_a2.code, b, a, wider="")
    assert_remembered(client, "/grid/events/", village_a.code, a, b)
    assert_ignored(client, "/grid/events/", town_b.code, a, b)
    assert_export_follows(client, "/downloads/export/grid-events/", village_a.code, a, b)
    # The export link of the narrowed list carries the unit (the export may run later, without the session).
    assert f"/downloads/export/grid-events/?unit={village_a.code}" in page(client, "/grid/events/", village_a.code)


def test_a_village_grant_cannot_widen_to_its_town(client, make_user, report, village_a, village_a2, town_a):
    from township.org.models import Role

    inside = report(description="石门村路口垃圾")
    outside = report(description="金盆村路口垃圾")
    Event.objects.filter(pk=outside.pk).update(village=village_a2)
    watcher = make_user((village_a, Role.DISPATCHER), username="village_dispatcher")
    client.force_login(watcher)
    html = page(client, "/grid/events/", town_a.code)
    assert inside.case.number in html and outside.case.number not in html


def test_grid_list_narrows_to_the_chosen_village(client, grids, dispatcher_a, town_a, town_b, village_a, village_a2):
    client.force_login(dispatcher_a)
    mine, other = grids["west"].code, grids["jinpen"].code
    assert_narrows(client, "/grid/grids/", village_a.code, mine, other, wider=town_a.code)
    assert_ignored(client, "/grid/grids/", town_b.code, mine, other)
    geojson = client.get("/grid/grids/", {"format": "geojson", "unit": village_a2.code}).content.decode()
    assert other in geojson and mine not in geojson


def test_grid_breadcrumbs_follow_the_menu(client, dispatcher_a, leader_a):
    """The shell's breadcrumb (首页 / menu group / page), not a hard-coded 网格化管理."""
    from township.core.navigation import GROUPS

    labels = {key: str(label) for key, label, _icon in GROUPS}
    client.force_login(leader_a)
    for url, group in (("/grid/grids/", "grid"), ("/grid/", "command"), ("/grid/events/", "command")):
        html = client.get(url).content.decode()
        crumbs = html.split('class="crumbs"', 1)[1].split("</nav>", 1)[0]
        assert "网格化管理" not in crumbs and labels[group] in crumbs, (url, crumbs)
