"""The API's event list compiles its statement once per key of what it is built from (``fetch.CompiledReads``,
``keys.plain_key``): the same inputs run the kept statement; another actor's scope, a changed grant or a filter is
another key; the overdue list and later pages are compiled each time. What each actor sees never changes."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from township.cases.models import Case
from township.core import fetch, kept
from township.grid import points, selectors
from township.grid.machine import OPEN_STATES
from township.grid.models import Event
from township.org.models import DataScope, Role, RoleGrant

pytestmark = pytest.mark.django_db

OPEN = list(OPEN_STATES)


@pytest.fixture
def compiles(monkeypatch):
    """The reads compiled during the test (``fetch.compiled`` calls)."""
    made: list[object] = []
    real = fetch.compiled

    def spy(qs, markers=()):
        made.append(qs)
        return real(qs, markers)

    monkeypatch.setattr(fetch, "compiled", spy)
    kept.clear_all()
    return made


def _ids(actor, **filters) -> list[int]:
    return [r["id"] for r in selectors.event_list_values(fields=["id"], actor=actor, limit=50, **filters)]


def _expected(actor, **filters) -> list[int]:
    return [e.pk for e in selectors.event_list(actor=actor, limit=50, **filters)]


def test_the_same_inputs_run_the_kept_statement(report, dispatcher_a, compiles):
    made = [report(), report(), report()]
    first = _ids(dispatcher_a, state=OPEN)
    assert first == sorted((e.pk for e in made), reverse=True) == _expected(dispatcher_a, state=OPEN)
    compiled_once = len(compiles)
    made.append(report())  # a new event: the kept statement finds it (the SQL holds no rows, only the filter)
    assert _ids(dispatcher_a, state=OPEN) == sorted((e.pk for e in made), reverse=True)
    assert _ids(dispatcher_a) == _expected(dispatcher_a)  # another filter: another key
    if connection.vendor == "postgresql":
        assert compiled_once == 1 and len(compiles) == 2 and len(selectors._PAGES) == 2
    else:
        assert len(selectors._PAGES) == 0  # the ORM reads SQLite: nothing kept


def test_another_scope_is_another_key(report, dispatcher_a, dispatcher_b, make_user, town_b, compiles):
    made = [report(), report()]
    assert _ids(dispatcher_a, state=OPEN) == sorted((e.pk for e in made), reverse=True)
    assert _ids(dispatcher_b, state=OPEN) == [] == _expected(dispatcher_b, state=OPEN)  # the kept A page not reused
    assert _ids(dispatcher_a, state=OPEN) == sorted((e.pk for e in made), reverse=True)
    # B is granted A's town: a new scope, a new key, A's events
    RoleGrant.objects.create(
        user=dispatcher_b, jurisdiction=made[0].jurisdiction, role=Role.DISPATCHER, data_scope=DataScope.UNIT
    )
    from township.org.scoping import clear_cache

    clear_cache(dispatcher_b)
    assert _ids(dispatcher_b, state=OPEN) == sorted((e.pk for e in made), reverse=True)
    if connection.vendor == "postgresql":
        assert len(compiles) == 3  # A, B, B widened — A's second page ran the kept statement


def test_department_and_staffed_scopes_are_keyed_by_their_inputs(report, handler_a, patroller_a, grids, compiles):
    """承办/协办 departments and staffed grids: the scope holds subqueries, built from plain inputs
    (``_scope_inputs``) that key it; each actor sees what the uncompiled list shows, and only that."""
    report()
    for actor in (handler_a, patroller_a):
        for _ in range(2):
            assert _ids(actor, state=OPEN) == _expected(actor, state=OPEN)
    assert _ids(patroller_a, state=OPEN)  # the reporter sees their report
    if connection.vendor == "postgresql":
        assert len(compiles) == 2 and len(selectors._PAGES) == 2
    for actor in (handler_a, patroller_a):  # the scope is its inputs' (the same SQL)
        rebuilt = selectors._scope_of(*selectors._scope_inputs(actor))
        assert str(Event.objects.filter(selectors.event_scope_q(actor)).query) == str(
            Event.objects.filter(rebuilt).query
        )


def test_overdue_and_later_pages_are_not_kept(report, dispatcher_a, compiles):
    made = [report(), report(), report()]
    assert _ids(dispatcher_a, overdue=True) == _expected(dispatcher_a, overdue=True)
    assert _ids(dispatcher_a, before_id=made[-1].pk) == sorted((e.pk for e in made[:-1]), reverse=True)
    assert len(selectors._PAGES) == 0


def test_the_map_binds_its_box_and_moment_into_the_kept_statement(report, dispatcher_a, compiles):
    """The map's statement is kept per key of everything but the moment and the box, which are bound per call."""
    late, fresh = report(), report(lon=106.09, lat=29.09)
    Case.objects.filter(pk=late.case_id).update(due_at=timezone.now() + timedelta(minutes=30))
    Case.objects.filter(pk=fresh.case_id).update(due_at=timezone.now() + timedelta(hours=2))
    points.refresh([late.case_id, fresh.case_id])  # a direct update takes no step: refreshed by hand

    def shown(bbox, moment=None):
        if moment is not None:
            with mock.patch("django.utils.timezone.now", return_value=moment):
                return _map(bbox)
        return _map(bbox)

    def _map(bbox):
        got = selectors.event_map_columns(actor=dispatcher_a, bbox=bbox)
        return dict(zip(got["id"], got["overdue"], strict=True))

    everywhere = (100.0, 20.0, 110.0, 40.0)
    assert shown(everywhere) == {late.pk: 0, fresh.pk: 0}
    assert shown((106.08, 29.08, 106.10, 29.10)) == {fresh.pk: 0}  # another box: only the point inside it
    assert shown((0.0, 0.0, 1.0, 1.0)) == {}
    in_an_hour = timezone.now() + timedelta(hours=1)
    assert shown(everywhere, in_an_hour) == {late.pk: 1, fresh.pk: 0}  # the moment bound, not the first one's
    assert selectors.event_map_columns(actor=dispatcher_a)["count"] == 2  # no box: another key
    if connection.vendor == "postgresql":
        assert len(compiles) == 2 and len(selectors._MAPS) == 2
    else:
        assert len(selectors._MAPS) == 0
