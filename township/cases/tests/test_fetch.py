"""``core.fetch.rows``: a values_list read fetched in binary on PostgreSQL answers what ``list(qs)`` answers, as one
logged statement; a query it cannot take as it is falls back to the ORM."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Case, Count, Q, Value, When
from django.test.utils import CaptureQueriesContext

from township.core import fetch
from township.org.models import Jurisdiction, User

pytestmark = pytest.mark.django_db


def _users(make_user, town_a):
    for i in range(5):
        make_user((town_a, "clerk"), username=f"fetch_{i}", first_name=f"办事员{i}")
    return (
        User.objects.filter(username__startswith="fetch_")
        .annotate(first=Case(When(Q(username="fetch_0"), then=Value(True)), default=Value(False)))
        .order_by("-id")
        .values_list("id", "username", "first_name", "is_active", "date_joined", "last_login", "first")
    )


def test_the_rows_are_the_orms(make_user, town_a):
    qs = _users(make_user, town_a)
    expected = list(qs.all())  # a copy: qs itself not evaluated (cached) here
    with CaptureQueriesContext(connection) as ctx:
        got = fetch.rows(qs)
    assert got == expected and len(got) == 5
    assert [type(v) for v in got[0]] == [type(v) for v in expected[0]]
    assert len(ctx.captured_queries) == 1  # logged like any query (the statement counts and shape check see it)
    assert any(v is True for v in (r[-1] for r in got))


def test_binary_on_postgresql(make_user, town_a):
    if connection.vendor != "postgresql":
        pytest.skip("binary results are PostgreSQL's")
    from psycopg.pq import Format

    qs = _users(make_user, town_a)
    formats = []

    def spy(execute, sql, params, many, context):
        formats.append(context["cursor"].cursor.format)
        return execute(sql, params, many, context)

    counted = Jurisdiction.objects.annotate(n=Count("children")).order_by("code").values_list("code", "n")
    with connection.execute_wrapper(spy):
        fetch.rows(qs)
        fetch.rows(qs.values("id", "date_joined"))
        list(qs)
        fetch.rows(counted)  # a Count's integer converter: through the ORM, as text
    assert formats == [Format.BINARY, Format.BINARY, Format.TEXT, Format.TEXT]


def test_what_needs_a_converter_or_is_no_tuple_list_goes_through_the_orm(make_user, town_a):
    qs = _users(make_user, town_a)
    counted = Jurisdiction.objects.annotate(n=Count("children")).order_by("code").values_list("code", "n")
    assert fetch.rows(counted) == list(counted)  # Count: an integer converter
    flat = qs.values_list("username", flat=True)
    assert fetch.rows(flat) == list(flat)
    assert fetch.rows(User.objects.filter(pk__in=[]).values_list("id")) == []


def test_values_dicts_are_the_orms(make_user, town_a):
    qs = _users(make_user, town_a).values("id", "username", "date_joined", "first", grants=Count("grants"))
    assert fetch.rows(qs) == list(qs.all())  # a Count: through the ORM (its converter)
    plain = qs.values("id", "username", "date_joined", "first")
    assert fetch.rows(plain) == list(plain.all()) and len(list(plain.all())) == 5
