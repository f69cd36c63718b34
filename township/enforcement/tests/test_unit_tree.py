"""The unit tree (组织机构) beside the enforcement lists (行政处罚案件, 案源管理, 双随机抽查): choosing a town or a village
narrows the list, its counts and its export; a unit outside the user's reach is ignored."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from township.enforcement.models import Clue, InspectionPlan, PenaltyCase
from township.enforcement.tests.test_views_api import _file
from township.org.models import DataScope, Jurisdiction, Level, Role, RoleGrant
from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
    page,
)


def _other_village(world) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116108202", defaults={"name": "西湖村", "level": Level.VILLAGE, "parent": world.town}
    )[0]


def test_penalty_case_list_and_its_late_count_follow_the_unit(world, client):
    inside, outside = _file(world, "石门当事人"), _file(world, "西湖当事人")
    other = _other_village(world)
    PenaltyCase.objects.filter(pk=outside.pk).update(village=other)
    client.force_login(world.o1)
    url = "/enforcement/cases/"
    a, b = inside.case.number, outside.case.number
    assert_narrows(client, url, world.village.code, a, b, wider=world.town.code)
    assert_narrows(client, url, other.code, b, a, wider="")
    assert_remembered(client, url, world.village.code, a, b)
    assert_ignored(client, url, world.other_town.code, a, b)
    # 超期办结 counts the chosen unit only.
    from township.cases.models import Case

    Case.objects.filter(pk=outside.case_id).update(finished_late=True)
    assert '<a href="?warning=late">0</a>' in page(client, url, world.village.code)
    assert '<a href="?warning=late">1</a>' in page(client, url, other.code)


def test_clue_list_and_export_follow_the_unit(world, client):
    now = timezone.now()
    other = _other_village(world)

    def clue(summary, village):
        return Clue.objects.create(
            jurisdiction=world.town,
            village=village,
            source=Clue.Source.COMPLAINT,
            summary=summary,
            received_at=now,
            decide_by=timezone.localdate() + dt.timedelta(days=10),
        )

    clue("东海村占道经营", world.village)
    clue("西湖村噪声扰民", other)
    client.force_login(world.o1)
    url = "/enforcement/clues/"
    assert_narrows(client, url, world.village.code, "东海村占道经营", "西湖村噪声扰民", wider=world.town.code)
    assert_ignored(client, url, world.other_town.code, "东海村占道经营", "西湖村噪声扰民")
    assert_export_follows(
        client, "/downloads/export/enforcement-clues/", other.code, "西湖村噪声扰民", "东海村占道经营"
    )
    assert f"unit={other.code}" in page(client, url, other.code)  # the 导出 link carries the unit


def test_plan_list_narrows_to_the_chosen_town(world, client):
    for town, name in ((world.town, "白沙镇抽查计划"), (world.other_town, "龙华镇抽查计划")):
        InspectionPlan.objects.create(
            jurisdiction=town, number=f"{town.code}-1", name=name, period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 6, 30),
        )  # fmt: skip
    chief = world.o3
    RoleGrant.objects.create(
        user=chief, jurisdiction=world.county, role=Role.ENFORCEMENT_OFFICER, data_scope=DataScope.UNIT_AND_BELOW
    )
    client.force_login(chief)
    url = "/enforcement/plans/"
    assert_narrows(client, url, world.other_town.code, "龙华镇抽查计划", "白沙镇抽查计划", wider=world.county.code)
    client.force_login(world.o1)  # one town: 龙华镇 is outside the reach, ignored
    assert_ignored(client, url, world.other_town.code, "白沙镇抽查计划")
    assert "龙华镇抽查计划" not in page(client, url, world.other_town.code)
