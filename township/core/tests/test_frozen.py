"""``FrozenQuery`` (township/core/frozen.py): compiled once per thread, the same answer as the queryset."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext

from township.core.frozen import FrozenQuery
from township.core.models import Holiday, HolidayKind

pytestmark = pytest.mark.django_db

YEAR = 2093  # core may not import the apps above it (lint-imports): core's own holiday calendar


@pytest.fixture
def days():
    return [
        Holiday.objects.create(date=datetime.date(YEAR, 1, n), kind=HolidayKind.HOLIDAY, name=f"冻结{n}")
        for n in range(1, 4)
    ]


def _by_name(builds: list[str]):
    def build(value: str):
        builds.append(value)
        return Holiday.objects.annotate(label=Concat(F("name"), Value("·"))).filter(
            name=value, date__year=YEAR, kind=HolidayKind.HOLIDAY
        )

    return build


def test_it_answers_what_the_queryset_answers_with_its_annotations(days):
    frozen = FrozenQuery(_by_name([]))
    for day in days:
        got = frozen.first(day.name)
        assert got is not None and got.pk == day.pk and got.date == day.date and got.label == day.name + "·"
    assert frozen.first("没有这一天") is None
    assert frozen.annotations() == ("label",)


def test_it_is_built_once_and_runs_one_statement_of_the_same_text(days):
    builds: list[str] = []
    frozen = FrozenQuery(_by_name(builds))
    frozen.first(days[0].name)
    with CaptureQueriesContext(connection) as ctx:
        assert frozen.first(days[1].name).pk == days[1].pk
        assert frozen.first(days[2].name).pk == days[2].pk
    assert len(builds) == 1 and len(ctx.captured_queries) == 2
    with CaptureQueriesContext(connection) as plain:  # the queryset itself, as ``first`` runs it
        list(_by_name([])(days[1].name)[:1])
    assert ctx.captured_queries[0]["sql"] == plain.captured_queries[0]["sql"]


def test_the_value_is_bound_not_written_into_the_statement(days):
    frozen = FrozenQuery(_by_name([]))
    assert frozen.first("x' OR '1'='1") is None
    Holiday.objects.filter(pk=days[0].pk).update(name="引号'与%s")
    assert frozen.first("引号'与%s").pk == days[0].pk


def test_a_value_that_is_not_exactly_one_parameter_is_refused(days):
    twice = FrozenQuery(lambda v: Holiday.objects.filter(Q(name=v) | Q(kind=v)))
    with pytest.raises(ImproperlyConfigured):
        twice.first("x")
    absent = FrozenQuery(lambda v: Holiday.objects.filter(date__year=YEAR))
    with pytest.raises(ImproperlyConfigured):
        absent.first("x")


def test_each_thread_compiles_its_own(days):
    builds: list[str] = []
    frozen = FrozenQuery(_by_name(builds))
    assert frozen.first(days[0].name).pk == days[0].pk
    compiled = frozen._local.compiled
    seen: list[object] = []

    def other() -> None:
        try:
            frozen._compiled()
            seen.append(frozen._local.compiled)
        finally:
            connections.close_all()  # this thread's own connection, if compiling opened it

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert len(builds) == 2 and seen[0] is not compiled
    assert frozen._local.compiled is compiled  # this thread's stays


def test_forget_compiles_again(days):
    builds: list[str] = []
    frozen = FrozenQuery(_by_name(builds))
    frozen.first(days[0].name)
    frozen.forget()
    assert frozen.first(days[1].name).pk == days[1].pk and len(builds) == 2


def test_an_integer_key_beyond_64_bits_finds_nothing(days):
    from township.core.frozen import INT_MARKER

    frozen = FrozenQuery(lambda pk: Holiday.objects.filter(pk=pk), marker=INT_MARKER)
    assert frozen.first(days[0].pk).date == days[0].date
    assert frozen.first(2**63) is None and frozen.first(-(2**63) - 1) is None
    assert frozen.first(days[0].pk + 1000) is None


def test_two_values_each_in_its_place(days):
    from township.core.frozen import MARKER, MARKER_2

    frozen = FrozenQuery(
        lambda name, kind: Holiday.objects.filter(Q(name=name) | Q(kind=kind), date__year=YEAR).order_by("date"),
        markers=(MARKER, MARKER_2),
    )
    assert frozen.first(days[2].name, "没有这一类").pk == days[2].pk
    assert frozen.first("没有这一天", HolidayKind.HOLIDAY).pk == days[0].pk  # the earliest of the kind
    assert frozen.first("没有这一天", "没有这一类") is None
    with pytest.raises(TypeError):
        frozen.first(days[0].name)


def test_a_frozen_statement_binds_moments_as_the_backend_passes_them():
    """``FrozenStatement``: its SQL and parameters run in a statement of one's own answer what the queryset answers;
    datetime values are adapted as the ORM adapts them (SQLite: text), and the columns come in the SELECT's order."""
    from django.utils import timezone

    from township.core.frozen import DATETIME_MARKER, DATETIME_MARKER_2, FrozenStatement
    from township.core.models import CalendarYear

    noon = timezone.make_aware(datetime.datetime(YEAR, 3, 1, 12))
    for n in range(4):
        CalendarYear.objects.create(year=YEAR + n, source=f"依据{n}")
        CalendarYear.objects.filter(year=YEAR + n).update(created_at=noon + datetime.timedelta(days=n))

    def build(start, end):
        return (
            CalendarYear.objects.filter(created_at__gte=start, created_at__lt=end)
            .order_by("year")
            .values("year", label=Concat(F("source"), Value("·")))
        )

    frozen = FrozenStatement(build, markers=(DATETIME_MARKER, DATETIME_MARKER_2))
    day = datetime.timedelta(days=1)
    for start, end in ((noon, noon + 2 * day), (noon + day / 24, noon + 3 * day + day / 24)):
        sql, params, columns = frozen.bind(start, end)
        assert columns == ["year", "label"]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            got = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        assert got == list(build(start, end))
        assert got  # the bounds select some rows, not none
    with pytest.raises(ImproperlyConfigured):  # a marker the queryset does not carry
        FrozenStatement(lambda start: CalendarYear.objects.filter(year=YEAR), markers=(DATETIME_MARKER,)).bind(noon)
