"""``InPage`` (township/core/lookups.py): the same rows as ``IN (subquery)``; on PostgreSQL read as an array."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from township.core.lookups import InPage
from township.core.models import Holiday, HolidayKind

pytestmark = pytest.mark.django_db

# core may not import the apps above it (lint-imports), so the rows are core's own holiday calendar.
YEAR = 2091


@pytest.fixture
def days():
    made = [
        Holiday.objects.create(date=datetime.date(YEAR, 1, n), kind=HolidayKind.HOLIDAY, name=f"测试{n}")
        for n in range(1, 8)
    ]
    Holiday.objects.create(date=datetime.date(YEAR + 1, 1, 1), kind=HolidayKind.HOLIDAY, name="不在页内")
    return made


def test_same_rows_as_in_subquery(days):
    page = Holiday.objects.filter(date__year=YEAR, kind=HolidayKind.HOLIDAY).order_by("-date").values("date")
    expected = list(Holiday.objects.filter(date__in=page[:3]).order_by("-date"))
    with CaptureQueriesContext(connection) as ctx:
        got = list(Holiday.objects.filter(InPage(F("date"), page[:3])).order_by("-date"))
    assert got == expected == days[-1:-4:-1]
    assert len(ctx.captured_queries) == 1  # still one statement
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql and " IN (SELECT" not in sql
    else:
        assert " IN (SELECT" in sql


def test_an_empty_page_matches_nothing(days):
    page = Holiday.objects.filter(date__year=YEAR - 50).values("date")[:5]
    assert list(Holiday.objects.filter(InPage(F("date"), page))) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array form is PostgreSQL's")
def test_values_are_refused_on_postgresql(days):
    with pytest.raises(TypeError):
        list(Holiday.objects.filter(InPage(F("date"), [datetime.date(YEAR, 1, 1)])))
