"""The unit tree (组织机构) beside the 12345 orders: a village narrows the list and its Excel export, a town shows all,
a unit outside the user's reach is ignored (township.org.units.chosen_unit)."""

from __future__ import annotations

from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
    page,
)


def test_order_list_and_export_follow_the_unit(client, new_order, leader, agent, town_a, town_b, village_a, village_b):
    new_order(village=village_a, external_no="JJ-IN-01")
    new_order(village=village_b, external_no="JJ-OUT-02")
    client.force_login(leader)
    assert_narrows(client, "/hotline/", village_a.code, "JJ-IN-01", "JJ-OUT-02", wider=town_a.code)
    assert_narrows(client, "/hotline/", village_b.code, "JJ-OUT-02", "JJ-IN-01", wider="")
    assert_remembered(client, "/hotline/", village_a.code, "JJ-IN-01", "JJ-OUT-02")
    assert_ignored(client, "/hotline/", town_b.code, "JJ-IN-01", "JJ-OUT-02")
    assert_export_follows(client, "/hotline/export.xlsx", village_a.code, "JJ-IN-01", "JJ-OUT-02")
    assert f"export.xlsx?unit={village_a.code}" in page(client, "/hotline/", village_a.code)
    client.force_login(agent)  # a village grant cannot widen to its town
    html = page(client, "/hotline/", town_a.code)
    assert "JJ-OUT-02" not in html
