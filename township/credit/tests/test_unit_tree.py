"""The unit tree (组织机构) beside the credit lists (信用工作台, 严重失信主体名单, 信用修复): choosing a town narrows the
records, their Excel export and the listings; a unit outside the user's reach is ignored. Credit rows carry no
village (a village narrows to its town)."""

from __future__ import annotations

from django.urls import reverse

from township.credit.models import CreditKind
from township.credit.services import credit_record_create
from township.credit.workflows import listing_propose
from township.org.models import DataScope, Role, RoleGrant
from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
    page,
)
from township.subjects.services import subject_get_or_create_org


def test_credit_lists_follow_the_chosen_town(client, make_user, county, town_a, town_b, village_a):
    shop = subject_get_or_create_org(uscc="92500116MA5U7G8H24", name="罗记土特产店", registered_in=town_a)
    officer_a = make_user((town_a, Role.CREDIT_OFFICER), username="credit_tree_a")
    officer_b = make_user((town_b, Role.CREDIT_OFFICER), username="credit_tree_b")
    for officer, town, reason in ((officer_a, town_a, "白沙镇超范围经营"), (officer_b, town_b, "几江街道无证经营")):
        credit_record_create(
            subject=shop, kind=CreditKind.PENALTY, reason=reason, actor=officer, jurisdiction=town, severity="general"
        )
        listing_propose(subject=shop, facts=f"{reason}拒不履行", basis="依据", actor=officer, jurisdiction=town)
    chief = make_user(username="credit_tree_county")
    RoleGrant.objects.create(
        user=chief, jurisdiction=county, role=Role.CREDIT_OFFICER, data_scope=DataScope.UNIT_AND_BELOW
    )
    client.force_login(chief)
    url = reverse("credit:workbench")
    assert_narrows(client, url, town_a.code, "白沙镇超范围经营", "几江街道无证经营", wider=county.code)
    assert_narrows(client, url, village_a.code, "白沙镇超范围经营", "几江街道无证经营", wider="")  # its town
    assert_remembered(client, url, town_b.code, "几江街道无证经营", "白沙镇超范围经营")
    assert_export_follows(client, url, town_b.code, "几江街道无证经营", "白沙镇超范围经营", format="xlsx")
    listings = reverse("credit:listings")
    assert_narrows(client, listings, town_a.code, "白沙镇超范围经营拒不履行", "几江街道无证经营拒不履行", wider="")
    assert 'data-testid="unit-tree"' in page(client, reverse("credit:repairs"), town_a.code)
    client.force_login(officer_a)  # one town: 几江街道 is outside the reach, ignored
    assert_ignored(client, url, town_b.code, "白沙镇超范围经营")
    assert "几江街道无证经营" not in page(client, url, town_b.code)
