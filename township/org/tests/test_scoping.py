"""Data scope: per-unit roles, unit-and-below, village-limited grants, fail-closed."""

from __future__ import annotations

from township.cases.models import Case
from township.org.models import DataScope, Role, RoleGrant
from township.org.scoping import has_role, reach, roles_in, units_of


def test_user_without_grants_reaches_nothing(make_user, town_a):
    nobody = make_user()
    r = reach(nobody)
    assert r.codes == frozenset() and r.villages == frozenset()
    assert not has_role(nobody, town_a.code, [Role.WINDOW_CLERK])
    assert Case.objects.for_actor(nobody).count() == 0


def test_roles_are_held_per_unit(make_user, town_a, town_b):
    """One person may be a clerk in one town and an approver, or nothing, in another."""
    person = make_user((town_a, Role.WINDOW_CLERK), (town_b, Role.APPROVER))
    assert has_role(person, town_a.code, [Role.WINDOW_CLERK])
    assert not has_role(person, town_a.code, [Role.APPROVER])
    assert has_role(person, town_b.code, [Role.APPROVER])
    assert not has_role(person, town_b.code, [Role.WINDOW_CLERK])
    assert roles_in(person, town_a.code) == {Role.WINDOW_CLERK}
    assert [u.code for u in units_of(person)] == sorted([town_a.code, town_b.code])


def test_county_grant_with_unit_and_below_reaches_its_towns(make_user, county, town_a, town_b):
    leader = make_user((county, Role.LEADER))
    codes = reach(leader).codes
    assert {county.code, town_a.code, town_b.code} <= codes
    only_county = make_user()
    RoleGrant.objects.create(user=only_county, jurisdiction=county, role=Role.LEADER, data_scope=DataScope.UNIT)
    assert reach(only_county).codes == frozenset({county.code})


def test_village_grant_reaches_only_its_village_rows(make_user, town_a, village_a, clerk_a):
    from township.cases import registry
    from township.cases.services import case_open
    from township.cases.tests.machines import TOY_MACHINE

    registry.register(TOY_MACHINE)
    try:
        agent = make_user((village_a, Role.VILLAGE_AGENT))
        mine = case_open(case_type="toy", jurisdiction=town_a, village=village_a, actor=clerk_a)
        other = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
        visible = set(Case.objects.for_actor(agent).values_list("pk", flat=True))
        assert mine.pk in visible and other.pk not in visible
        assert has_role(agent, town_a.code, [Role.VILLAGE_AGENT], village=village_a.code)
        assert not has_role(agent, town_a.code, [Role.VILLAGE_AGENT])
    finally:
        registry.unregister("toy")


def test_scoped_queryset_separates_towns(make_user, town_a, town_b, clerk_a, clerk_b):
    from township.cases import registry
    from township.cases.services import case_open
    from township.cases.tests.machines import TOY_MACHINE

    registry.register(TOY_MACHINE)
    try:
        a = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
        b = case_open(case_type="toy", jurisdiction=town_b, actor=clerk_b)
        assert list(Case.objects.for_actor(clerk_a).values_list("pk", flat=True)) == [a.pk]
        assert list(Case.objects.for_actor(clerk_b).values_list("pk", flat=True)) == [b.pk]
        assert Case.objects.for_actor(clerk_a, roles=[Role.APPROVER]).count() == 0
    finally:
        registry.unregister("toy")
