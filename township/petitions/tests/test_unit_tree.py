"""The unit tree (组织机构) beside 信访事项: a village narrows the list and its Excel export, a town shows all, a unit
outside the user's reach is ignored (township.org.units.chosen_unit)."""

from __future__ import annotations

from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
    page,
)


def test_petition_list_and_export_follow_the_unit(client, register, officer, town_a, town_b, village_a):
    inside = register(title="石门村宅基地纠纷", village=village_a)
    outside = register(title="镇区噪声投诉")
    a, b = inside.case.number, outside.case.number
    client.force_login(officer)
    assert_narrows(client, "/petitions/", village_a.code, a, b, wider=town_a.code)
    assert_remembered(client, "/petitions/", village_a.code, a, b)
    assert_ignored(client, "/petitions/", town_b.code, a, b)
    assert_export_follows(client, "/petitions/export.xlsx", village_a.code, a, b)
    assert f"unit={village_a.code}" in page(client, "/petitions/", village_a.code)
