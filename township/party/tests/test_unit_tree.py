"""The unit tree (组织机构) beside 党建引领网格: a village narrows the organisations, a town shows all, a unit outside
the user's reach is ignored (township.org.units.chosen_unit)."""

from __future__ import annotations

import datetime as dt

from township.org.tests.unit_tree_checks import assert_ignored, assert_narrows, assert_remembered


def test_party_org_list_follows_the_unit(client, branch, leader_a, town_a, town_b, village_a):
    from township.party import services

    services.org_create(
        actor=leader_a,
        jurisdiction=town_a.code,
        code="BS01",
        name="白沙镇机关党支部",
        kind="branch",
        secretary_name="李书记",
        term_start=dt.date(2021, 3, 1),
    )
    client.force_login(leader_a)
    assert_narrows(client, "/party/", village_a.code, "石门村党支部", "白沙镇机关党支部", wider=town_a.code)
    assert_remembered(client, "/party/", village_a.code, "石门村党支部", "白沙镇机关党支部")
    assert_ignored(client, "/party/", town_b.code, "石门村党支部", "白沙镇机关党支部")
