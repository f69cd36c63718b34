"""The API's event list compiles its statement once per key of what it is built from (``fetch.CompiledReads``,
``keys.plain_key``): the same inputs run the kept statement; another actor's scope, a changed grant or a filter is
another key; the overdue list and later pages are compiled each time. What each actor sees never changes."""

from __future__ import annotations

import pytest
from django.db import connection

from township.core import fetch
from township.grid import selectors
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

    def spy(qs):
        made.append(qs)
        return real(qs)

    monkeypatch.setattr(fetch, "compiled", spy)
    selectors._PAGES.clear()
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
