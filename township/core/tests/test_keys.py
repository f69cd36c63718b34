"""``core.keys.plain_key``: equal keys only for equal inputs; no key for what has no exact equality."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from django.db.models import F, Q

from township.core.keys import plain_key


def test_equal_inputs_give_equal_keys():
    a = plain_key("grid", Q(jurisdiction_id__in=["320281001", "320281004"]) | Q(department_id=3), ("id", "lon"), 100)
    b = plain_key("grid", Q(jurisdiction_id__in=["320281001", "320281004"]) | Q(department_id=3), ("id", "lon"), 100)
    assert a is not None and a == b and hash(a) == hash(b)
    assert plain_key({"b", "a"}) == plain_key({"a", "b"})  # a set in any order
    assert plain_key({"x": 1, "y": [2]}) == plain_key({"y": [2], "x": 1})


def test_values_that_python_calls_equal_are_different_keys():
    assert plain_key(True) != plain_key(1)
    assert plain_key(1) != plain_key(1.0)
    assert plain_key(Q(pk=1)) != plain_key(Q(pk=True))
    assert plain_key(["a"]) != plain_key(("a",))
    moment = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    other_zone = moment.astimezone(timezone(timedelta(hours=8)))
    assert moment == other_zone and plain_key(moment) != plain_key(other_zone)


def test_every_part_of_a_q_counts():
    base = Q(jurisdiction_id="320281001")
    assert plain_key(base) != plain_key(~base)  # negation
    assert plain_key(base | Q(pk=1)) != plain_key(base & Q(pk=1))  # connector
    assert plain_key(Q(a=1, b=2)) != plain_key(Q(a=1))  # a child more
    assert plain_key(Q(case__jurisdiction_id=F("jurisdiction_id"))) != plain_key(Q(case__jurisdiction_id=F("id")))
    assert plain_key("320281001") != plain_key("320281004")
    assert plain_key((1, 2)) != plain_key((2, 1))  # a tuple in order


def test_no_key_for_what_has_no_exact_equality():
    class Thing:
        """Equal only to itself, as a queryset."""

    assert plain_key(Q(pk__in=Thing())) is None  # e.g. a queryset: equal only to itself
    assert plain_key("a", [Thing()]) is None
    assert plain_key(Q(Q(pk=1) | Q(grid__in=object()))) is None  # nested
