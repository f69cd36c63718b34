"""The unit tree (组织机构) beside 调解案件: a village narrows the list and its Excel export, a town shows all, a unit
outside the user's reach is ignored (township.org.units.chosen_unit)."""

from __future__ import annotations

from township.cases.models import Case
from township.mediation.models import Mediation
from township.org.models import Jurisdiction, Level, Role
from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
)


def test_mediation_list_and_export_follow_the_unit(client, make_user, mediation, mediator, town_a, town_b, village_a):
    from township.mediation import services
    from township.mediation.tests.conftest import PARTIES

    other = Jurisdiction.objects.create(code="500116108209", name="红旗村", level=Level.VILLAGE, parent=town_a)
    second = services.mediation_register(
        actor=mediator,
        committee=mediation.committee,
        dispute_type="neighbour",
        summary="红旗村山林边界纠纷",
        parties=[dict(p) for p in PARTIES],
        received_on=mediation.received_on,
    )
    Mediation.objects.filter(pk=second.pk).update(village=other)
    Case.objects.filter(pk=second.case_id).update(village=other)
    a, b = mediation.case.number, second.case.number
    leader = make_user((town_a, Role.LEADER), username="med_leader")
    client.force_login(leader)
    assert_narrows(client, "/mediation/", village_a.code, a, b, wider=town_a.code)
    assert_remembered(client, "/mediation/", village_a.code, a, b)
    assert_ignored(client, "/mediation/", town_b.code, a, b)
    assert_export_follows(client, "/mediation/export.xlsx", village_a.code, a, b)
