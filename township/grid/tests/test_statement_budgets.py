"""Statement budgets of the grid's write path (issue 18): a report through the API, and point-to-grid without a
statement per lookup."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from township.cases.counts import numbered_in_one_statement
from township.cases.integrity import verify_case_events
from township.cases.models import CaseDayCount, CaseEvent
from township.cases.tests.test_statement_budgets import citus_extra, endpoint_statements
from township.core.inserts import writes_in_with
from township.grid import spatial
from township.grid.models import Event


def _report(client, lon=106.021, lat=29.05):
    data = {"event_class": "200110", "lon": lon, "lat": lat, "description": "API 上报"}
    return client.post("/api/v1/grid/events", data)


def test_a_report_and_its_summaries_run_in_one_transaction_of_at_most_13_statements(client, patroller_a, grids):
    client.force_login(patroller_a)
    assert _report(client, 106.02).status_code == 201  # the index, the counters, the day's row, the classes kept
    with CaptureQueriesContext(connection) as ctx:
        resp = _report(client)
    assert resp.status_code == 201, resp.content
    statements = endpoint_statements(ctx)
    released = next(i for i, s in enumerate(statements) if s.startswith("RELEASE SAVEPOINT"))
    # The report: its transaction, the grid with its town and village, the grants (a session: not kept across
    # requests, as a token's are), the number (and the case's id), the case, the day count, the first event, the
    # event. Then, before the same commit, the summaries (township/grid/counts.py): the town's map version, the
    # event's open point, and the bucket's delete and INSERT … SELECT. The event class is kept by the process.
    # On PostgreSQL the version and the point are one statement, and so are the case, its first event and the
    # grid event (core/inserts.writes_in_with; their two ids drawn in one): 10.
    budget = 13 - 3 * writes_in_with()
    assert released + 1 == len(statements), "\n".join(statements)
    if citus_extra():  # a Citus coordinator: at most one more
        assert len(statements) <= budget + citus_extra(), "\n".join(statements)
    else:
        assert len(statements) == budget, "\n".join(statements)
    summaries = [s for s in statements if "grid_mapversion" in s or "grid_eventpoint" in s or "eventdaycount" in s]
    assert len(summaries) == 4 - writes_in_with() and statements.index(summaries[0]) < released, "\n".join(statements)
    assert not any("grid_eventclass" in s for s in statements)  # the classes are kept (township/grid/classes.py)
    assert not any("grid_gridindexversion" in s for s in statements)  # no version check per lookup
    assert not any(s.startswith("SAVEPOINT") for s in statements[1:])  # none besides the request's own
    body = resp.json()
    assert body["grid"] == "50011610820101" and body["state"] == "reported" and body["village"] == "500116108201"
    event = Event.objects.select_related("case").get(pk=body["id"])
    assert event.case.number.endswith("000002") and event.case.village_id == "500116108201"
    assert verify_case_events(event.case_id, list(CaseEvent.objects.filter(case=event.case))) == []
    assert CaseDayCount.objects.get(case_type="grid_event").opened == 2


def test_lookups_run_no_statement_and_a_grid_change_here_is_seen_at_once(grids, django_assert_num_queries):
    from shapely.geometry import box, mapping

    from township.grid import services

    assert spatial.locate(106.02, 29.05) == grids["west"].pk
    with django_assert_num_queries(0):
        for i in range(200):
            assert spatial.locate(106.001 + i * 0.0002, 29.05) == grids["west"].pk
    filler = services.grid_create(
        actor=None,
        code="50011610820103",
        name="石门村第3网格",
        level=3,
        geometry=mapping(box(106.07, 29.04, 106.08, 29.05)),
        division="500116108201",
        parent=grids["village"].code,
    )
    assert spatial.locate(106.075, 29.045) == filler.pk  # bumped in this process: rebuilt at once


def test_another_process_change_is_seen_after_the_check_interval(grids, settings):
    from township.grid.models import Grid, GridIndexVersion

    settings.GRID_INDEX_CHECK_SECONDS = 0.0  # as if the interval had passed
    assert spatial.locate(106.02, 29.05) == grids["west"].pk
    Grid.objects.filter(pk=grids["west"].pk).update(active=False)  # another process retires it …
    GridIndexVersion.objects.filter(key="*").update(version=999)  # … and bumps the version
    assert spatial.locate(106.02, 29.05) == grids["village"].pk


def test_the_summary_recount_of_a_report_needs_no_lookup_of_its_bucket(client, patroller_a, grids):
    """At the end of its transaction a report's (town, grid, day) bucket is recounted (grid.counts.flush_in_place):
    the report says which bucket, so the recount is the delete and one ``INSERT … SELECT`` of the aggregate
    (compiled once per thread) — no query for the marked case's event; the map's open points and their town's
    version take two more (grid.points)."""
    from township.grid import counts
    from township.grid.models import EventDayCount

    client.force_login(patroller_a)
    counts.flush()
    assert _report(client, 106.02).status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        assert _report(client).status_code == 201
    sent = [
        q["sql"]
        for q in ctx.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE")) and "django_session" not in q["sql"]
    ]
    sent = sent[next(i for i, s in enumerate(sent) if 'INSERT INTO "grid_event" (' in s) + 1 :]  # alone or in a WITH
    if numbered_in_one_statement():  # the case's number is taken at the end of the report, before the recount
        assert sent.pop(0).startswith('WITH c AS (INSERT INTO "cases_casecounter"')
    points = [s for s in sent if "grid_eventpoint" in s or "grid_mapversion" in s]
    statements = [s for s in sent if s not in points]
    # the map's open points and their version: one statement on PostgreSQL, two elsewhere
    assert len(points) == 2 - writes_in_with() and points[0].startswith(("INSERT INTO", "WITH bumped AS"))
    assert len(statements) == 2, "\n".join(statements)  # delete, insert … select
    assert statements[0].startswith("DELETE FROM") and statements[1].startswith("INSERT INTO")
    assert "SELECT" in statements[1] and "COUNT(" in statements[1]
    assert not any('"grid_event"."case_id" IN' in s for s in statements)
    row = EventDayCount.objects.get(grid=grids["west"])  # both reports are in one bucket: one row
    assert (row.reported, row.valid, row.registered) == (2, 2, 0)
    with CaptureQueriesContext(connection) as again:
        assert counts.flush() == 0  # recounted in the request: nothing left for its commit
    assert again.captured_queries == []


def test_inside_a_longer_transaction_the_summaries_wait_for_its_commit(
    patroller_a, grids, django_capture_on_commit_callbacks
):
    """An import or the demo's year reports many events in one transaction: their buckets are recounted once, at
    its commit, not after each report."""
    from django.db import transaction

    from township.grid import services
    from township.grid.models import EventDayCount

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for lon in (106.02, 106.021):
            services.event_report(actor=patroller_a, event_class="200110", lon=lon, lat=29.05, description="批量上报")
        assert not EventDayCount.objects.exists()  # not yet: the transaction is still open
    assert EventDayCount.objects.get(grid=grids["west"]).reported == 2
