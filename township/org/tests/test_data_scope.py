"""数据权限 per grant: the pure resolution of the five scopes, their union, and fail-closed cases."""

from __future__ import annotations

from township.org.models import DataScope, Department, Role, RoleGrant
from township.org.scoping import GrantSpec, Scope, resolve_scope, scope

TOWN = "500116108"
VILLAGE = "500116108201"
COUNTY = "500116"
OTHER_TOWN = "500116109"
TREE = {COUNTY: [COUNTY, TOWN, OTHER_TOWN], TOWN: [TOWN], OTHER_TOWN: [OTHER_TOWN]}


def below(code: str) -> list[str]:
    return TREE.get(code, [code])


def test_all_is_the_whole_subtree_of_the_unit_whatever_the_department():
    s = resolve_scope([GrantSpec(DataScope.ALL, COUNTY, department=7)], below)
    assert s.codes == {COUNTY, TOWN, OTHER_TOWN} and not s.departments and not s.own


def test_unit_is_the_department_when_the_grant_has_one():
    s = resolve_scope([GrantSpec(DataScope.UNIT, TOWN, department=7)], below)
    assert s == Scope(departments=frozenset({(TOWN, 7)}))
    assert s.covers_department(TOWN, 7) and not s.covers_department(TOWN, 8) and not s.covers_department(TOWN, None)


def test_unit_without_department_is_the_unit_alone():
    assert resolve_scope([GrantSpec(DataScope.UNIT, COUNTY)], below).codes == {COUNTY}
    village = resolve_scope([GrantSpec(DataScope.UNIT, VILLAGE, village_of=TOWN)], below)
    assert village.villages == {(TOWN, VILLAGE)} and not village.codes


def test_unit_and_below_is_the_subtree_or_the_department():
    assert resolve_scope([GrantSpec(DataScope.UNIT_AND_BELOW, COUNTY)], below).codes == {COUNTY, TOWN, OTHER_TOWN}
    dept = resolve_scope([GrantSpec(DataScope.UNIT_AND_BELOW, TOWN, department=7)], below)
    assert dept.departments == {(TOWN, 7)} and not dept.codes


def test_custom_is_exactly_the_ticked_units_inside_the_grant():
    spec = GrantSpec(
        DataScope.CUSTOM,
        TOWN,
        custom_departments=((TOWN, 7), (OTHER_TOWN, 9)),  # 9 is another town's: ignored
        custom_units=((VILLAGE, TOWN), (OTHER_TOWN, None)),  # the other town is outside: ignored
    )
    s = resolve_scope([spec], below)
    assert s.departments == {(TOWN, 7)} and s.villages == {(TOWN, VILLAGE)} and not s.codes
    assert resolve_scope([GrantSpec(DataScope.CUSTOM, TOWN)], below) == Scope()  # nothing ticked: nothing


def test_self_is_own_rows_only():
    s = resolve_scope([GrantSpec(DataScope.SELF, TOWN, department=7)], below)
    assert s == Scope(own=True)


def test_scopes_of_several_grants_are_a_union_and_unknown_scopes_give_nothing():
    s = resolve_scope(
        [GrantSpec(DataScope.SELF, TOWN), GrantSpec(DataScope.UNIT, TOWN, department=7), GrantSpec("bogus", COUNTY)],
        below,
    )
    assert s == Scope(departments=frozenset({(TOWN, 7)}), own=True)
    assert resolve_scope([], below) == Scope()


def test_q_is_fail_closed_without_department_or_owner_columns(make_user, town_a):
    from township.cases.models import Case

    actor = make_user()
    s = Scope(departments=frozenset({(town_a.code, 1)}), own=True)
    q = s.q(actor, department_field=None, own_fields=())
    assert Case.objects.filter(q).count() == 0
    assert "owner_id" in str(s.q(actor, department_field=None, own_fields=("owner",)))


def test_scope_reads_the_grants_with_their_ticked_units(make_user, town_a, town_b, village_a):
    dept = Department.objects.create(jurisdiction=town_a, name="供电所")
    foreign = Department.objects.create(jurisdiction=town_b, name="供电所")
    user = make_user()
    grant = RoleGrant.objects.create(user=user, jurisdiction=town_a, role=Role.HANDLER, data_scope=DataScope.CUSTOM)
    grant.custom_departments.set([dept, foreign])
    grant.custom_units.set([village_a])
    RoleGrant.objects.create(user=user, jurisdiction=town_b, role=Role.LEADER, data_scope=DataScope.SELF)
    s = scope(user, [Role.HANDLER])
    assert s.departments == {(town_a.code, dept.pk)} and s.villages == {(town_a.code, village_a.code)}
    assert not s.own and scope(user).own
    assert scope(None) == Scope()


def test_custom_units_are_checked_against_the_grant():
    from township.org.scoping import custom_units_errors

    assert custom_units_errors(DataScope.CUSTOM, TOWN, [(TOWN, "供电所")], [(VILLAGE, "黑石山村")]) == {}
    assert set(custom_units_errors(DataScope.CUSTOM, TOWN, [], [])) == {"data_scope"}
    assert set(custom_units_errors(DataScope.UNIT, TOWN, [(TOWN, "供电所")], [])) == {"data_scope"}
    wrong = custom_units_errors(DataScope.CUSTOM, TOWN, [(OTHER_TOWN, "环卫所")], [(OTHER_TOWN, "石蟆镇")])
    assert "环卫所" in wrong["custom_departments"] and "石蟆镇" in wrong["custom_units"]


def test_the_grant_form_edits_the_scope_with_its_units(make_user, town_a, town_b, village_a):
    from township.org.admin import RoleGrantForm

    dept = Department.objects.create(jurisdiction=town_a, name="供电所")
    foreign = Department.objects.create(jurisdiction=town_b, name="环卫所")
    user = make_user()
    base = {"user": user.pk, "jurisdiction": town_a.code, "role": Role.HANDLER, "data_scope": DataScope.CUSTOM}
    refused = RoleGrantForm({**base, "custom_departments": [foreign.pk]})
    assert not refused.is_valid() and "环卫所" in str(refused.errors["custom_departments"])
    assert not RoleGrantForm(base).is_valid()  # 自定 with nothing ticked
    form = RoleGrantForm({**base, "custom_departments": [dept.pk], "custom_units": [village_a.code]})
    assert form.is_valid(), form.errors
    grant = form.save()
    assert scope(user).departments == {(town_a.code, dept.pk)} and grant.custom_units.count() == 1


def test_scopes_are_shown_in_words(make_user, town_a):
    from township.org.scoping import scope_labels

    dept = Department.objects.create(jurisdiction=town_a, name="供电所")
    user = make_user()
    RoleGrant.objects.create(user=user, jurisdiction=town_a, department=dept, role=Role.HANDLER)
    RoleGrant.objects.create(user=user, jurisdiction=town_a, role=Role.LEADER, data_scope=DataScope.ALL)
    assert sorted(scope_labels(user)) == sorted([f"{town_a.name} · 全部", f"{town_a.name} 供电所 · 本单位"])
    assert scope_labels(user, [Role.HANDLER]) == [f"{town_a.name} 供电所 · 本单位"]
    assert scope_labels(None) == []
