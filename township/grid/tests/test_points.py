"""The map's open points (``EventPoint``, issue 18): kept current by the engine's steps — a report adds its point, a
step updates it, closing, rejecting or cancelling removes it — equal to a rebuild from the events, read by the map
with the event scope, and one statement per refreshed open case."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from township.cases.models import Case
from township.core.inserts import writes_in_with
from township.grid import counts, points, selectors, services
from township.grid.machine import OPEN_STATES
from township.grid.models import Event, EventPoint
from township.grid.tests.conftest import photo

pytestmark = pytest.mark.django_db

COPIED = (
    *("event_id", "case_id", "jurisdiction_id", "village_id", "grid_id", "department_id", "reporter_id"),
    *("handler_id", "event_class_id", "lon", "lat", "state", "number", "due_at", "reported_at"),
)


def _points() -> dict[int, tuple]:
    counts.flush()  # what each step's commit does (the test's transaction never commits)
    return {row[0]: row for row in EventPoint.objects.values_list(*COPIED)}


def _expected() -> dict[int, tuple]:
    """The open events read the long way: each event with its case."""
    out = {}
    for e in Event.objects.select_related("case"):
        if e.case.state in OPEN_STATES:
            out[e.pk] = (
                e.pk,
                e.case_id,
                e.jurisdiction_id,
                e.village_id,
                e.grid_id,
                e.department_id,
                e.reporter_id,
                e.handler_id,
                e.event_class_id,
                e.lon,
                e.lat,
                e.case.state,
                e.case.number,
                e.case.due_at,
                e.reported_at,
            )
    return out


def test_steps_keep_the_points_and_a_rebuild_agrees(report, dispatcher_a, handler_a, patroller_a, dept_a):
    first, second, third = report(), report(lon=106.09, lat=29.09), report(lon=106.15, lat=29.05)
    assert set(_points()) == {first.pk, second.pk, third.pk} and _points() == _expected()
    assert _points()[first.pk][COPIED.index("state")] == "reported"

    services.event_register(event=first, actor=dispatcher_a)
    services.event_dispatch(event=first, actor=dispatcher_a, department=dept_a)
    services.event_accept(event=first, actor=handler_a)
    row = _points()[first.pk]
    assert row[COPIED.index("state")] == "handling" and row[COPIED.index("department_id")] == dept_a.pk
    assert row[COPIED.index("handler_id")] == handler_a.pk
    assert _points() == _expected()

    services.event_reject(event=second, actor=dispatcher_a, reason="不属实")  # 不予立案: off the map
    services.event_feedback(event=first, actor=handler_a, photos=[photo()])
    services.event_check(event=first, actor=patroller_a, ok=True)
    services.event_close(event=first, actor=dispatcher_a)  # 结案: off the map
    assert set(_points()) == {third.pk} and _points() == _expected()

    before = _points()
    out = io.StringIO()
    call_command("recount_grid_events", stdout=out)
    assert "1 open map points" in out.getvalue()
    assert _points() == before
    EventPoint.objects.all().delete()
    assert points.rebuild() == 1 and _points() == before


def test_refresh_is_two_statements_for_an_open_case_and_three_when_it_closed(report, dispatcher_a):
    event = report()
    counts.flush()
    town = event.jurisdiction_id
    version = points.stamp([town])
    with CaptureQueriesContext(connection) as ctx:
        assert points.refresh([event.case_id], towns=[town]) == 1
    writes = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    if writes_in_with():  # PostgreSQL: the town's version (it locks the town) in the point's own statement
        assert len(writes) == 1 and writes[0].startswith('WITH bumped AS (INSERT INTO "grid_mapversion"')
    else:  # the town's version first, then the point
        assert len(writes) == 2 and "grid_mapversion" in writes[0]
    assert 'INSERT INTO "grid_eventpoint"' in writes[-1] and "ON CONFLICT" in writes[-1]
    assert points.stamp([town]) == version + 1
    Case.objects.filter(pk=event.case_id).update(state="closed")
    with CaptureQueriesContext(connection) as ctx:
        assert points.refresh([event.case_id]) == 0  # towns not given: looked up
    writes = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(writes) == 4 - writes_in_with() and writes[0].startswith("SELECT") and writes[-1].startswith("DELETE")
    assert not EventPoint.objects.exists() and points.stamp([town]) == version + 2
    assert points.refresh([]) == 0


def test_a_rebuild_moves_every_version_on(report):
    event = report()
    counts.flush()
    version = points.stamp([event.jurisdiction_id])
    points.rebuild()
    assert points.stamp([event.jurisdiction_id]) == version + 1  # never reset: a cached map must not come back


def test_the_map_reads_the_points_with_the_event_scope(report, dispatcher_a, patroller_a, dispatcher_b, handler_a):
    mine, other = report(), report(lon=106.09, lat=29.09)
    services.event_register(event=mine, actor=dispatcher_a)
    counts.flush()
    for actor in (dispatcher_a, patroller_a, dispatcher_b, handler_a):
        listed = {e.pk for e in selectors.event_list(actor=actor, state=list(OPEN_STATES), limit=500)}
        assert {p["id"] for p in selectors.event_map_points(actor=actor)} == listed
    assert {p["id"] for p in selectors.event_map_points(actor=dispatcher_a)} == {mine.pk, other.pk}
    assert selectors.event_map_points(actor=dispatcher_b) == []
    only = selectors.event_map_points(actor=dispatcher_a, states=["registered"])
    assert [p["id"] for p in only] == [mine.pk] and only[0]["state"] == "registered"


def test_overdue_reads_the_copied_deadline(report, dispatcher_a):
    late, fresh = report(), report(lon=106.09, lat=29.09)
    Case.objects.filter(pk=late.case_id).update(due_at=timezone.now() - timedelta(hours=1))
    Case.objects.filter(pk=fresh.case_id).update(due_at=timezone.now() + timedelta(hours=1))
    points.refresh([late.case_id, fresh.case_id])  # a direct update takes no step: refreshed by hand
    shown = {p["id"]: p["overdue"] for p in selectors.event_map_points(actor=dispatcher_a)}
    assert shown == {late.pk: True, fresh.pk: False}


def test_the_map_answer_is_cached_by_its_etag_until_a_point_changes(client, report, dispatcher_a, handler_a):
    from township.grid.models import MapVersion

    report()
    client.force_login(dispatcher_a)
    url = "/api/v1/grid/map?format=columns"
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Cache-Control"] == "private, no-cache"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert not any("grid_eventpoint" in q["sql"] for q in ctx.captured_queries)  # served from the cache
    assert sum("grid_mapversion" in q["sql"] for q in ctx.captured_queries) == 1  # its one stamp
    # another parameter, another answer
    assert client.get(url + "&limit=1")["ETag"] != first["ETag"]
    # a new report changes the town's version: a new ETag, the new point in the answer
    report(lon=106.09, lat=29.09)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"] and changed.json()["count"] == 2
    assert (
        MapVersion.objects.get(
            jurisdiction_id=dispatcher_a.jurisdiction_id if hasattr(dispatcher_a, "jurisdiction_id") else "500116108"
        ).version
        >= 2
    )


def test_overdue_moves_the_etag_with_the_clock(client, report, dispatcher_a, monkeypatch):
    import time

    report()
    client.force_login(dispatcher_a)
    url = "/api/v1/grid/map"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    first = client.get(url)["ETag"]
    monkeypatch.setattr(time, "time", lambda: now + selectors.MAP_FRESH_SECONDS)
    assert client.get(url)["ETag"] != first  # 超期 is recomputed at least every 30 seconds


def test_a_department_or_own_scope_is_not_cached(client, report, handler_a, make_user, town_a):
    from township.org.models import DataScope, Role, RoleGrant

    report()
    own = make_user(username="patroller_own")
    RoleGrant.objects.create(user=own, jurisdiction=town_a, role=Role.GRID_PATROLLER, data_scope=DataScope.SELF)
    for actor in (handler_a, own):  # 承办 by department; 仅本人: reported, handled, or in one's grids
        client.force_login(actor)
        answer = client.get("/api/v1/grid/map")
        assert answer.status_code == 200 and not answer.has_header("ETag")
        assert selectors.event_map_stamp(actor=actor) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_recounts_of_one_bucket_at_once_count_it_once(report, monkeypatch):
    """Two steps of events of one (town, grid, day) bucket commit at once: their recounts run one after the other
    (the town's version row, locked first by ``points.bump``), so the bucket has one set of rows. Each recount is
    slowed between its aggregate and its delete, where two recounts side by side would each insert their own."""
    import threading
    import time

    from township.grid.models import EventDayCount

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    first, second = report(), report(lon=106.0201)
    assert (first.grid_id, first.jurisdiction_id) == (second.grid_id, second.jurisdiction_id)
    real_rows = counts._rows

    def slow_rows(*args, **kwargs):
        rows = real_rows(*args, **kwargs)
        time.sleep(0.3)
        return rows

    monkeypatch.setattr(counts, "_rows", slow_rows)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def recount(event):
        from django.db import connection as conn

        try:
            counts._marked().add(event.case_id)
            barrier.wait()
            counts.flush()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=recount, args=(e,)) for e in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    rows = EventDayCount.objects.filter(jurisdiction_id=first.jurisdiction_id, grid_id=first.grid_id)
    assert sum(r.reported for r in rows) == 2 and rows.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_step_does_not_keep_the_next_commit_from_refreshing(report, dispatcher_a):
    """Marks left by a transaction that rolled back (its commit callbacks discarded) are flushed with the next
    commit's: the next step's point and day counts are current without any read flushing them."""
    from django.db import transaction

    from township.grid.models import EventDayCount

    first, second = report(), report(lon=106.0201)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.event_register(event=first, actor=dispatcher_a)
        raise RuntimeError("rolled back")
    assert counts._marked()  # the rolled-back step's mark is still there
    services.event_register(event=Event.objects.get(pk=second.pk), actor=dispatcher_a)
    assert not counts._marked()
    states = dict(EventPoint.objects.values_list("event_id", "state"))
    assert states == {first.pk: "reported", second.pk: "registered"}
    assert sum(EventDayCount.objects.values_list("registered", flat=True)) == 1


def test_a_cached_map_is_never_served_to_another_scope(client, report, dispatcher_a, dispatcher_b):
    report()
    url = "/api/v1/grid/map?format=columns"
    client.force_login(dispatcher_a)
    mine = client.get(url)
    assert mine.json()["count"] == 1
    client.force_login(dispatcher_b)  # town B: same parameters, same versions, another scope
    theirs = client.get(url, HTTP_IF_NONE_MATCH=mine["ETag"])
    assert theirs.status_code == 200 and theirs["ETag"] != mine["ETag"] and theirs.json()["count"] == 0


def test_a_stale_mark_naming_a_town_that_is_gone_counts_nothing(report):
    """A mark left by a rolled-back transaction may name a town created in it: the version of a town that does
    not exist is not written (the commit's foreign-key check would refuse it), the existing town's is."""
    from township.grid.models import MapVersion

    event = report()
    counts.flush()
    before = points.stamp([event.jurisdiction_id])
    points.bump(["999999999", event.jurisdiction_id])
    assert not MapVersion.objects.filter(jurisdiction_id="999999999").exists()
    assert points.stamp([event.jurisdiction_id]) == before + 1
