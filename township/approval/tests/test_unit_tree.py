"""The unit tree (组织机构) beside 办件查询 and 审批待办: a village narrows to its applications, a town shows them all,
and a village agent cannot widen to the town (township.org.units.chosen_unit)."""

from __future__ import annotations

from django.urls import reverse

from township.approval.machine import S
from township.approval.models import Channel
from township.approval.tests.factories import ApplicationFactory
from township.org.tests.unit_tree_checks import assert_ignored, assert_narrows, assert_remembered, page


def _townsman():
    from township.approval.tests.conftest import rid
    from township.subjects.services import subject_get_or_create_person

    return subject_get_or_create_person(resident_id=rid("50011619700101001"), name="张三")


def test_application_list_narrows_to_the_village(
    now, client, clerk_a, agent_a, luo, catalog, town_a, town_b, village_a
):
    inside = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    outside = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=_townsman(), channel=Channel.WINDOW)
    assert inside.village_id == village_a.code and outside.village_id is None
    a, b = inside.case.number, outside.case.number
    url = reverse("approval:list")
    client.force_login(clerk_a)
    assert_narrows(client, url, village_a.code, a, b, wider=town_a.code)
    assert_remembered(client, url, village_a.code, a, b)
    assert_ignored(client, url, town_b.code, a, b)
    client.force_login(agent_a)  # a village grant: the town is outside the reach, so it never widens to it
    html = page(client, url, town_a.code)
    assert a in html and b not in html


def test_review_queue_narrows_to_the_village(now, client, clerk_a, approver_a, luo, catalog, town_a, village_a):
    inside = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, state=S.UNDER_REVIEW)
    outside = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=_townsman(), state=S.UNDER_REVIEW)
    client.force_login(approver_a)
    assert_narrows(
        client, reverse("approval:review"), village_a.code, inside.case.number, outside.case.number, wider=town_a.code
    )
