"""三员分立: the system, security and audit administrator roles exclude each other per user, and none of
them (nor a superuser) reaches business rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from township.core.errors import PermissionRefused
from township.org.duties import ADMIN_ROLES, RoleConflict, admin_role_conflict
from township.org.models import Role, RoleGrant, User
from township.org.scoping import reach, scope
from township.org.services import role_grant_create

pytestmark = pytest.mark.django_db

A, S, U = Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR


@pytest.mark.parametrize(
    "roles,conflict",
    [
        ([A], None),
        ([A, A], None),
        ([A, Role.LEADER, Role.WINDOW_CLERK], None),
        ([A, S], (A, S)),
        ([U, A], (A, U)),
        ([S, U, Role.APPROVER], (S, U)),
    ],
)
def test_pure_guard_finds_a_pair_of_administrator_roles(roles, conflict):
    assert admin_role_conflict(roles) == conflict


@pytest.mark.parametrize("first,second", [(A, S), (A, U), (S, U), (U, A)])
def test_model_refuses_a_second_administrator_role_at_save_and_in_clean(make_user, town_a, village_a, first, second):
    user = make_user((town_a, first))
    grant = RoleGrant(user=user, jurisdiction=village_a, role=second)  # even in another unit
    with pytest.raises(ValidationError) as err:
        grant.full_clean()
    assert "三员分立" in str(err.value.message_dict["role"])
    with pytest.raises(RoleConflict):
        grant.save()
    assert list(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == [first]


def test_model_allows_the_same_administrator_role_in_another_unit_and_business_roles(make_user, town_a, town_b):
    user = make_user((town_a, A))
    RoleGrant(user=user, jurisdiction=town_b, role=A).save()
    RoleGrant(user=user, jurisdiction=town_a, role=Role.LEADER).save()
    grant = RoleGrant.objects.get(user=user, jurisdiction=town_a, role=A)
    grant.full_clean()  # editing the grant itself is no conflict
    assert RoleGrant.objects.filter(user=user).count() == 3


def test_service_grants_and_refuses_the_combination(make_user, town_a):
    sec = make_user((town_a, S), username="sec_admin")
    target = make_user(username="target")
    role_grant_create(user=target, jurisdiction=town_a, role=A, actor=sec)
    with pytest.raises(RoleConflict) as err:
        role_grant_create(user=target, jurisdiction=town_a, role=U, actor=sec)
    assert err.value.code == "role_conflict" and err.value.field == "role" and "审计管理员" in err.value.message


def test_only_a_security_administrator_grants_roles(make_user, town_a, town_b):
    admin = make_user((town_a, A))
    foreign_sec = make_user((town_b, S))
    target = make_user()
    for actor in (admin, foreign_sec):
        with pytest.raises(PermissionRefused):
            role_grant_create(user=target, jurisdiction=town_a, role=Role.WINDOW_CLERK, actor=actor)
    assert not RoleGrant.objects.filter(user=target).exists()


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_administrator_roles_have_no_business_reach(make_user, town_a, role):
    user = make_user((town_a, role))
    assert not reach(user).codes and not reach(user).villages
    assert not reach(user, [Role.WINDOW_CLERK, role]).codes  # a business question naming the role too
    assert scope(user) == scope(None)
    assert reach(user, [role]).codes == {town_a.code}  # their own duties (logs, users) still reach the unit


def test_business_grant_of_an_administrator_still_counts(make_user, town_a, town_b):
    user = make_user((town_a, A), (town_b, Role.LEADER))
    assert reach(user).codes == {town_b.code}


def test_superuser_has_no_business_reach_even_with_grants(make_user, town_a):
    root = make_user((town_a, Role.WINDOW_CLERK), is_superuser=True, is_staff=True)
    assert not reach(root).codes and not reach(root, [Role.WINDOW_CLERK]).codes
    assert not scope(root).codes and not scope(root).departments


def test_admin_inline_refuses_two_administrator_roles_with_a_chinese_message(client, make_user, town_a):
    root = User.objects.create_superuser("root", password="Root-pass-123")
    client.force_login(root)
    user = make_user(username="two_hats")
    prefix = "grants"
    data = {
        "username": "two_hats",
        "full_name": "双重身份",
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-jurisdiction": town_a.code,
        f"{prefix}-0-role": A,
        f"{prefix}-0-data_scope": "unit",
        f"{prefix}-1-jurisdiction": town_a.code,
        f"{prefix}-1-role": U,
        f"{prefix}-1-data_scope": "unit",
    }
    res = client.post(f"/admin/org/user/{user.pk}/change/", data)
    assert res.status_code == 200
    assert "三员分立：同一用户不能同时担任" in res.content.decode()
    assert not RoleGrant.objects.filter(user=user).exists()
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    res = client.post(f"/admin/org/user/{user.pk}/change/", data)
    assert res.status_code == 302, res.content.decode()[:2000]
    assert list(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == [A]
    # A second row added later is refused by the model's own check.
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-role": S})
    data[f"{prefix}-TOTAL_FORMS"] = "2"
    data[f"{prefix}-INITIAL_FORMS"] = "1"
    grant = RoleGrant.objects.get(user=user)
    data.update(
        {
            f"{prefix}-0-id": str(grant.pk),
            f"{prefix}-0-user": str(user.pk),
            f"{prefix}-0-role": A,
            f"{prefix}-1-role": S,
        }
    )
    res = client.post(f"/admin/org/user/{user.pk}/change/", data)
    assert res.status_code == 200 and "三员分立" in res.content.decode()
    assert RoleGrant.objects.filter(user=user).count() == 1


def test_superuser_gets_no_business_table_in_the_django_admin(client, make_user, town_a):
    root = User.objects.create_superuser("root", password="Root-pass-123")
    assert root.has_perm("org.change_user") and root.has_perm("grid.change_eventclass")
    assert root.has_perm("core.add_holiday") and root.has_perm("subjects.reveal_personal_data")
    for perm in ("cases.view_case", "approval.view_application", "grid.view_event", "approval.view_notification"):
        assert not root.has_perm(perm), perm
    client.force_login(root)
    assert client.get("/admin/org/user/").status_code == 200
    assert client.get("/admin/grid/eventclass/").status_code == 200
    for url in ("/admin/approval/application/", "/admin/grid/event/", "/admin/enforcement/penaltycase/"):
        assert client.get(url).status_code in (403, 404), url
    index = client.get("/admin/").content.decode()
    assert "/admin/approval/application/" not in index and "/admin/org/user/" in index
