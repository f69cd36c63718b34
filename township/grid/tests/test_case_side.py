"""The grid lists' and the map's case filters (``selectors.case_side``) read only the events' own cases (tenant,
type, state) so the database does not hash every case of every type — and never change what an actor sees: the
state-filtered list, the overdue list and the map equal the unfiltered scoped list filtered by the case's state."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from township.cases.models import Case
from township.grid import points, selectors
from township.grid.machine import OPEN_STATES
from township.org.models import DataScope, Role, RoleGrant


@pytest.fixture
def events(report, patroller_a, village_a, town_b, make_user):
    made = [report(), report(), report()]
    # another case type in the same town and state must not appear (the type is part of the filter)
    Case.objects.filter(pk=made[0].case_id).update(state="handling")
    points.refresh([made[0].case_id])  # as the engine's step would (its timeline entry marks the case)
    return made


def _states(actor) -> dict[int, str]:
    return {e.pk: e.case.state for e in selectors.event_list(actor=actor, limit=500)}


@pytest.mark.django_db
def test_filters_keep_what_each_scope_sees(events, dispatcher_a, patroller_a, dispatcher_b, make_user, county, town_a):
    county_leader = make_user(username="county_leader")
    RoleGrant.objects.create(
        user=county_leader, jurisdiction=county, role=Role.LEADER, data_scope=DataScope.UNIT_AND_BELOW
    )
    for actor in (dispatcher_a, patroller_a, county_leader, dispatcher_b):
        seen = _states(actor)
        for wanted in (["handling"], [s for s in OPEN_STATES if s != "handling"], ["handling", "closed"]):
            listed = [e.pk for e in selectors.event_list(actor=actor, state=wanted, limit=500)]
            assert listed == sorted((pk for pk, st in seen.items() if st in wanted), reverse=True)
        mapped = selectors.event_map_points(actor=actor)
        assert sorted(p["id"] for p in mapped) == sorted(pk for pk, st in seen.items() if st in OPEN_STATES)
    assert _states(dispatcher_b) == {} and len(_states(county_leader)) == 3


@pytest.mark.django_db
def test_the_list_walks_its_events_and_the_map_reads_only_their_cases(events, dispatcher_a):
    with CaptureQueriesContext(connection) as ctx:
        selectors.event_list(actor=dispatcher_a, state=["handling", "closed"], limit=10)  # a closed state
        selectors.event_list(actor=dispatcher_a, overdue=True, limit=10)
    for sql in (q["sql"] for q in ctx.captured_queries if "grid_event" in q["sql"] and "cases_case" in q["sql"]):
        # the event's own case as a per-event scalar subquery (co-located: its tenant is the event's), not a join
        assert re.search(r'\(SELECT \w+\."id" AS "pk" FROM "cases_case" \w+ WHERE', sql) and "IS NOT NULL" in sql, sql
        assert re.search(r'\w+\."jurisdiction_id" = \(\w+\."jurisdiction_id"\)', sql)
        assert re.search(r'\w+\."id" = \(\w+\."case_id"\)', sql)
    with CaptureQueriesContext(connection) as ctx:
        selectors.event_map_columns(actor=dispatcher_a, states=["closed"])  # a closed state: events joined to cases
    sql = next(q["sql"] for q in ctx.captured_queries if "grid_event" in q["sql"] and "cases_case" in q["sql"])
    assert "\"case_type\" = 'grid_event'" in sql
    assert re.search(r'\."jurisdiction_id" = \("?\w+"?\."jurisdiction_id"\)', sql)  # co-located: tenant = tenant
    assert re.search(r"\"?\w+\"?\.\"jurisdiction_id\" IN \('500116108'\)", sql)


@pytest.mark.django_db
def test_the_open_map_reads_its_summary_alone(events, dispatcher_a):
    """The map's default (open events) reads the open points' summary: one table by the town's key, no case."""
    with CaptureQueriesContext(connection) as ctx:
        selectors.event_map_columns(actor=dispatcher_a)
    sql = next(
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT") and "grid_eventpoint" in q["sql"]
    )
    assert "cases_case" not in sql and '"grid_event"' not in sql.replace('"grid_eventpoint"', "")
    assert re.search(r"\"?\w+\"?\.\"jurisdiction_id\" IN \('500116108'\)", sql)


@pytest.mark.django_db
def test_a_list_of_open_states_takes_its_page_from_the_open_points(events, dispatcher_a):
    """The 待处置 list (dispatched, handling …) reads its ids from ``grid_eventpoint`` by (town, state, event): no
    look at the case of every newer event in another state."""
    with CaptureQueriesContext(connection) as ctx:
        listed = selectors.event_list_values(fields=["id"], actor=dispatcher_a, state=["handling"], limit=10)
    assert [r["id"] for r in listed] == [events[0].pk]
    sql = next(q["sql"] for q in ctx.captured_queries if '"grid_event"' in q["sql"])
    assert re.search(r'FROM "grid_eventpoint" (\w+ )?WHERE .*"state" IN', sql), sql
    assert 'FROM "cases_case"' not in sql  # no per-event subquery on the cases
    # a filter the points do not carry (the description, the source, overdue) takes the events' path
    with CaptureQueriesContext(connection) as ctx:
        selectors.event_list_values(fields=["id"], actor=dispatcher_a, state=["handling"], q="上报", limit=10)
    sql = next(q["sql"] for q in ctx.captured_queries if '"grid_event"' in q["sql"])
    assert '"grid_eventpoint"' not in sql and 'FROM "cases_case"' in sql, sql
