"""Each user's grants kept across requests while the authorisation version holds (township.org.scoping.attach).

These tests run outside a test transaction (``transaction=True``): the grants are kept only in autocommit.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from township.org import scoping
from township.org.models import AuthzVersion, DataScope, Department, Jurisdiction, Level, Role, RoleGrant
from township.org.services import api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db(transaction=True)


def _version() -> int | None:
    return AuthzVersion.objects.filter(pk=1).values_list("value", flat=True).first()


def _grant_statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "org_rolegrant"')]


@pytest.fixture
def secret(clerk_a):
    return api_token_create(user=clerk_a, name="集成")[1]


def test_every_change_of_a_grant_a_unit_or_a_department_writes_a_new_version(clerk_a, town_a, town_b):
    seen = [_version()]

    def changed() -> None:
        value = _version()
        assert value is not None
        assert value not in seen
        seen.append(value)

    grant = RoleGrant.objects.create(user=clerk_a, jurisdiction=town_b, role=Role.APPROVER)
    changed()
    RoleGrant.objects.filter(pk=grant.pk).update(data_scope=DataScope.CUSTOM)  # a bulk update: no signal
    changed()
    grant.custom_units.add(town_a)
    changed()
    department = Department.objects.create(jurisdiction=town_a, name="综合执法办")
    changed()
    grant.custom_departments.add(department)
    changed()
    Jurisdiction.objects.filter(code=town_a.code).update(name="白沙镇人民政府")
    changed()
    Jurisdiction.objects.create(code="500116108202", name="新村", level=Level.VILLAGE, parent=town_a)
    changed()
    grant.custom_units.clear()
    changed()
    RoleGrant.objects.filter(pk=grant.pk).delete()
    changed()


def test_a_rolled_back_change_leaves_the_version_as_it_was(clerk_a, town_b):
    before = _version()
    with pytest.raises(RuntimeError), transaction.atomic():
        RoleGrant.objects.create(user=clerk_a, jurisdiction=town_b, role=Role.APPROVER)
        assert _version() != before
        raise RuntimeError
    assert _version() == before


def test_the_second_request_reads_no_grant(clerk_a, town_a, secret):
    first = api_token_authenticate(secret)
    assert first is not None
    assert scoping.reach(first).covers(town_a.code)
    with CaptureQueriesContext(connection) as queries:
        again = api_token_authenticate(secret)
        assert again is not None
        assert scoping.reach(again).covers(town_a.code)
        assert scoping.scope(again).covers_department(town_a.code, None)
    assert _grant_statements(queries) == []
    assert len(queries) == 1  # the token's statement, which reads the version too


def test_a_reach_is_computed_once_per_kept_entry_and_superuser_flag(clerk_a, town_a, secret, monkeypatch):
    computed: list[object] = []
    compute = scoping._compute_reach
    monkeypatch.setattr(scoping, "_compute_reach", lambda actor, roles: computed.append(roles) or compute(actor, roles))
    for _request in range(3):
        user = api_token_authenticate(secret)
        assert user is not None and scoping.has_role(user, town_a.code, [Role.WINDOW_CLERK])
    assert computed == [frozenset({Role.WINDOW_CLERK})]  # the later requests took the kept entry's
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(is_superuser=True)  # no grant changed: same version
    user = api_token_authenticate(secret)
    assert user is not None and user.is_superuser
    assert not scoping.has_role(user, town_a.code, [Role.WINDOW_CLERK])  # a superuser has no business reach
    assert len(computed) == 2


def test_a_revoked_grant_stops_at_the_revoking_commit(clerk_a, town_a, town_b, secret):
    RoleGrant.objects.create(user=clerk_a, jurisdiction=town_b, role=Role.WINDOW_CLERK)
    user = api_token_authenticate(secret)
    assert user is not None and scoping.reach(user).covers(town_b.code)
    RoleGrant.objects.filter(user=clerk_a, jurisdiction=town_b).delete()
    with CaptureQueriesContext(connection) as queries:
        user = api_token_authenticate(secret)
        assert user is not None
        assert not scoping.reach(user).covers(town_b.code)
        assert scoping.reach(user).covers(town_a.code)
    assert len(_grant_statements(queries)) == 1


def test_a_unit_added_below_a_grant_is_reached_at_once(make_user, county, town_a):
    leader = make_user((county, Role.LEADER))  # a county's grant: 本单位及以下
    secret = api_token_create(user=leader, name="集成")[1]
    user = api_token_authenticate(secret)
    assert user is not None and scoping.reach(user).covers(town_a.code)
    Jurisdiction.objects.create(code="500116199", name="新设镇", level=Level.TOWN, parent=county)
    user = api_token_authenticate(secret)
    assert user is not None and scoping.reach(user).covers("500116199")


def test_nothing_is_kept_inside_a_transaction(clerk_a, town_b, secret):
    with transaction.atomic():
        RoleGrant.objects.create(user=clerk_a, jurisdiction=town_b, role=Role.WINDOW_CLERK)
        inside = api_token_authenticate(secret)
        assert inside is not None and scoping.reach(inside).covers(town_b.code)  # this transaction's own grant
        transaction.set_rollback(True)
    assert scoping._kept.get(clerk_a.pk) is None
    user = api_token_authenticate(secret)
    assert user is not None and not scoping.reach(user).covers(town_b.code)


def test_grants_read_under_another_version_than_the_request_s_are_not_kept(clerk_a, town_a, town_b):
    clerk_a.refresh_from_db()
    setattr(clerk_a, scoping.VERSION_ATTR, _version())
    RoleGrant.objects.create(user=clerk_a, jurisdiction=town_b, role=Role.WINDOW_CLERK)  # after the request's read
    scoping.attach(clerk_a)
    assert scoping._kept.get(clerk_a.pk) is None
    assert scoping.reach(clerk_a).covers(town_b.code)  # the request itself has what it read


def test_each_request_gets_its_own_memo_and_list(clerk_a, secret):
    one = api_token_authenticate(secret)
    two = api_token_authenticate(secret)
    assert one is not None and two is not None
    assert one._township_grants is not two._township_grants
    assert one._township_below is not two._township_below
    assert [g.pk for g in one._township_grants] == [g.pk for g in two._township_grants]


def test_the_session_user_s_grants_are_kept_too(client, clerk_a, town_a):
    client.force_login(clerk_a)
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert _grant_statements(queries) == []


def test_without_a_version_row_nothing_is_kept(clerk_a, town_a, secret):
    AuthzVersion.objects.all().delete()
    user = api_token_authenticate(secret)
    assert user is not None and scoping.reach(user).covers(town_a.code)
    assert scoping._kept.get(clerk_a.pk) is None


def test_a_kept_entry_is_read_again_after_its_time_whatever_the_version(clerk_a, secret, monkeypatch):
    assert api_token_authenticate(secret) is not None
    with CaptureQueriesContext(connection) as queries:
        assert api_token_authenticate(secret) is not None
    assert _grant_statements(queries) == []
    monkeypatch.setattr(scoping, "_KEPT_SECONDS", -1.0)
    with CaptureQueriesContext(connection) as queries:
        assert api_token_authenticate(secret) is not None
    assert len(_grant_statements(queries)) == 1


def test_nothing_is_kept_on_a_citus_cluster(clerk_a, town_a, secret, monkeypatch):
    """The Citus profile drops the version's triggers (core.citus): there the grants are read on every request."""
    monkeypatch.setattr(scoping, "on_citus", lambda _connection: True)
    user = api_token_authenticate(secret)
    assert user is not None and scoping.reach(user).covers(town_a.code)
    assert scoping._kept.get(clerk_a.pk) is None
