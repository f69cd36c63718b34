"""The unit tree (组织机构) beside 主体库: a village narrows to the subjects present there, the export follows, and a
unit outside the user's reach is ignored (township.org.units.chosen_unit)."""

from __future__ import annotations

from django.urls import reverse

from township.core.identifiers import uscc_check_char
from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
)
from township.subjects.services import subject_get_or_create_org


def _org(body17: str, name: str, town, village=None):
    return subject_get_or_create_org(
        uscc=body17 + uscc_check_char(body17), name=name, registered_in=town, village=village
    )


def test_subject_list_and_export_follow_the_unit(client, clerk_a, town_a, town_b, village_a):
    _org("92500116MA6000001", "石门村好再来餐馆", town_a, village_a)
    _org("92500116MA6000002", "镇上老字号茶馆", town_a)
    client.force_login(clerk_a)
    url = reverse("subjects:list")
    assert_narrows(client, url, village_a.code, "石门村好再来餐馆", "镇上老字号茶馆", wider=town_a.code)
    assert_remembered(client, url, village_a.code, "石门村好再来餐馆", "镇上老字号茶馆")
    assert_ignored(client, url, town_b.code, "石门村好再来餐馆", "镇上老字号茶馆")
    assert_export_follows(client, reverse("subjects:export"), village_a.code, "石门村好再来餐馆", "镇上老字号茶馆")
