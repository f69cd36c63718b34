"""``InPage`` (township/core/lookups.py): the same rows as ``IN (subquery)``; on PostgreSQL read as an array."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from township.core.lookups import InPage
from township.org.models import Jurisdiction, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns():
    county = Jurisdiction.objects.create(code="990101", name="测试县", level=Level.COUNTY)
    return [
        Jurisdiction.objects.create(code=f"990101{n:03d}", name=f"测试{n}镇", level=Level.TOWN, parent=county)
        for n in range(1, 8)
    ]


def test_same_rows_as_in_subquery(towns):
    page = Jurisdiction.objects.filter(code__startswith="990101", level=Level.TOWN).order_by("-code").values("code")
    expected = list(Jurisdiction.objects.filter(code__in=page[:3]).order_by("-code"))
    with CaptureQueriesContext(connection) as ctx:
        got = list(Jurisdiction.objects.filter(InPage(F("code"), page[:3])).order_by("-code"))
    assert got == expected == towns[-1:-4:-1]
    assert len(ctx.captured_queries) == 1  # still one statement
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql and " IN (SELECT" not in sql
    else:
        assert " IN (SELECT" in sql


def test_an_empty_page_matches_nothing(towns):
    page = Jurisdiction.objects.filter(code="000000").values("code")[:5]
    assert list(Jurisdiction.objects.filter(InPage(F("code"), page))) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array form is PostgreSQL's")
def test_values_are_refused_on_postgresql(towns):
    with pytest.raises(TypeError):
        list(Jurisdiction.objects.filter(InPage(F("code"), ["990101001"])))
