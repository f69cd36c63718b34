"""我的待办's first page is compiled once per key of its inputs (``cases.selectors._FIRST_PAGES``,
``fetch.CompiledInstances``): the arms' units and each case type's ``Visible`` inputs. The kept statement answers
what building it again would; another actor, a new grant or a filter is another key; a filtered page and a later
page are built each time; a case type whose ``visible`` is a plain callable gives no key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from township.cases import selectors as cases
from township.cases.models import Case
from township.cases.types import find_case_type
from township.core import kept
from township.grid.machine import S
from township.grid.tests.factories import EventFactory
from township.org import scoping
from township.org.models import Role, RoleGrant

pytestmark = pytest.mark.django_db

ORDER = (F("due_at").asc(nulls_last=True), "id")
BUILD = cases._first_by_due


@pytest.fixture
def builds(monkeypatch):
    """How many times the first page was built (``cases._first_by_due`` calls), from an empty cache."""
    made: list[object] = []
    real = cases._first_by_due

    def spy(*args, **kwargs):
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(cases, "_first_by_due", spy)
    kept.clear_all()
    return made


def _built(actor, limit=20):
    """The first page built now, through the types' ``visible`` as called (no key, nothing kept)."""
    arms, _owner = cases.actionable_arms(actor)
    qs = Case.objects.filter(closed_at__isnull=True)
    return [c.pk for c in BUILD(qs, arms, limit + 1, ORDER)][:limit]


def _page(actor, **kw):
    scoping.clear_cache(actor)  # a new request: the grants read again
    return [c.pk for c in cases.workbench_list(actor=actor, **kw).items]


def test_the_kept_page_answers_what_building_it_would(grids, patroller_a, dispatcher_a, handler_a, dept_a, builds):
    events = [EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a) for _ in range(3)]
    events += [
        EventFactory(actor=patroller_a, state=S.DISPATCHED, dispatcher=dispatcher_a, department=dept_a)
        for _ in range(3)
    ]
    now = timezone.now()
    for i, e in enumerate(events):
        Case.objects.filter(pk=e.case_id).update(due_at=now + timedelta(hours=(i * 5) % 7))
    for actor in (dispatcher_a, handler_a, patroller_a):  # the whole town; a department (承办); taking part
        first = _page(actor)
        assert first == _built(actor)
        assert _page(actor) == first  # the kept statement
    assert set(_page(handler_a)) <= {e.case_id for e in events[3:]}
    assert len(builds) == 3 and len(cases._FIRST_PAGES) == 3  # one build per actor's key


def test_the_kept_read_holds_no_filter_and_reads_the_units_with_the_cases(
    grids, patroller_a, dispatcher_a, builds, django_assert_num_queries
):
    """What is kept is the SQL and a compiler without the statement's filter (the union of the arms: most of its
    memory); the cases still come with their unit, as ``select_related`` reads it."""
    for _ in range(2):
        EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a)
    first = cases.workbench_list(actor=dispatcher_a).items
    (kept_read,) = cases._FIRST_PAGES._reads._values.values()
    assert not kept_read.compiler.query.where.children  # the kept compiler has no filter
    assert '"state" = ' in kept_read.sql.split("WHERE", 1)[1]  # the SQL kept has the arms' filter
    again = cases.workbench_list(actor=dispatcher_a).items
    assert [c.pk for c in again] == [c.pk for c in first] and len(again) == 2
    with django_assert_num_queries(0):
        assert {c.jurisdiction.name for c in again} == {first[0].jurisdiction.name}


def test_the_kept_statement_sees_new_cases_and_changed_dispatches(
    grids, patroller_a, dispatcher_a, handler_a, dept_a, builds
):
    first = EventFactory(actor=patroller_a, state=S.DISPATCHED, dispatcher=dispatcher_a, department=dept_a)
    assert _page(handler_a) == [first.case_id]
    second = EventFactory(actor=patroller_a, state=S.DISPATCHED, dispatcher=dispatcher_a, department=dept_a)
    other = EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a)
    assert set(_page(handler_a)) == {first.case_id, second.case_id}  # not the event of no department
    assert other.case_id in _page(dispatcher_a)
    type(first).objects.filter(pk=first.pk).update(department=None)  # its 承办 taken back
    assert _page(handler_a) == [second.case_id]
    assert _page(dispatcher_a) == _built(dispatcher_a)
    assert len(builds) == 2  # the handler's key, then the dispatcher's


def test_another_actor_or_a_new_grant_is_another_key(grids, patroller_a, dispatcher_a, dispatcher_b, town_b, builds):
    mine = EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a)
    assert _page(dispatcher_a) == [mine.case_id]
    assert mine.case_id not in _page(dispatcher_b)
    assert len(cases._FIRST_PAGES) == 2
    RoleGrant.objects.create(user=dispatcher_b, jurisdiction=mine.jurisdiction, role=Role.DISPATCHER)
    assert mine.case_id in _page(dispatcher_b)  # the new grant's units: another key
    assert len(cases._FIRST_PAGES) == 3 and len(builds) == 3


def test_filtered_and_later_pages_are_built_each_time(grids, patroller_a, dispatcher_a, builds):
    for _ in range(3):
        EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a)
    page = cases.workbench_list(actor=dispatcher_a, limit=2)
    assert len(cases._FIRST_PAGES) == 1
    for kw in ({"cursor": page.next_cursor}, {"warning": "normal"}, {"search": "垃圾"}):
        cases.workbench_list(actor=dispatcher_a, limit=2, **kw)
        cases.workbench_list(actor=dispatcher_a, limit=2, **kw)
    assert len(cases._FIRST_PAGES) == 1 and len(builds) == 7
    cases.workbench_list(actor=dispatcher_a, limit=2, state="registered")  # a filter of the key: kept
    cases.workbench_list(actor=dispatcher_a, limit=2, state="registered")
    assert len(cases._FIRST_PAGES) == 2 and len(builds) == 8


def test_a_visible_hook_without_inputs_gives_no_key(grids, patroller_a, dispatcher_a, handler_a, dept_a, monkeypatch):
    event = EventFactory(actor=patroller_a, state=S.DISPATCHED, dispatcher=dispatcher_a, department=dept_a)
    grid = find_case_type("grid_event")
    declared = grid.visible
    monkeypatch.setattr(grid, "visible", lambda actor: declared(actor))
    kept.clear_all()
    assert _page(handler_a) == [event.case_id] == _built(handler_a)
    assert len(cases._FIRST_PAGES) == 0


def test_the_api_page_is_the_json_ninja_would_give(client, grids, patroller_a, dispatcher_a, dept_a):
    """``GET /api/v1/cases/workbench`` is serialised once (``core.jsonout``): the same JSON value as ninja's
    schema-validated answer, times as Django's encoder writes them."""
    import json

    from ninja.responses import NinjaJSONEncoder

    from township.cases.api import PageOut, case_out

    for i in range(3):
        e = EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a, address=f"老街 “{i}” 号\n二楼")
        Case.objects.filter(pk=e.case_id).update(due_at=timezone.now() + timedelta(hours=i - 1))
    client.force_login(dispatcher_a)
    resp = client.get("/api/v1/cases/workbench?limit=2")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/json"
    page = cases.workbench_list(actor=dispatcher_a, limit=2)
    data = {"items": [case_out(c) for c in page.items], "next_cursor": page.next_cursor}
    expected = json.loads(json.dumps(PageOut.model_validate(data).model_dump(), cls=NinjaJSONEncoder))
    assert resp.json() == expected
    assert len(expected["items"]) == 2 and expected["next_cursor"] and expected["items"][0]["warning"] == "overdue"
    assert all(item["opened_at"].endswith("Z") for item in resp.json()["items"])
    rest = client.get("/api/v1/cases/workbench", {"limit": 2, "cursor": expected["next_cursor"]}).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
