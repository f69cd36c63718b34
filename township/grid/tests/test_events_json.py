"""The event list is serialised once by ``township.core.jsonout`` (issue 18): the same JSON value as ninja's
schema-validated answer, dates and times written as Django's encoder writes them."""

from __future__ import annotations

import json

import pytest
from ninja.responses import NinjaJSONEncoder

from township.grid import selectors, services
from township.grid.api import EventPage, _event_out

pytestmark = pytest.mark.django_db


def test_event_page_is_the_json_ninja_would_give(client, dispatcher_a, report, dept_a):
    a, b = report(), report(lon=106.021, event_class="200201")
    services.event_register(event=b, actor=dispatcher_a)
    services.event_dispatch(event=b, actor=dispatcher_a, department=dept_a)
    report(lon=106.022, address="白沙镇 “老街” 12号\n二楼")
    client.force_login(dispatcher_a)
    resp = client.get("/api/v1/grid/events?limit=2")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/json"

    rows = selectors.event_list(actor=dispatcher_a, limit=2)
    data = {"items": [_event_out(e) for e in rows], "next_before_id": rows[-1].pk}
    expected = json.loads(json.dumps(EventPage.model_validate(data).model_dump(), cls=NinjaJSONEncoder))
    assert resp.json() == expected
    assert len(expected["items"]) == 2 and expected["next_before_id"] is not None
    # Times as Django writes them (milliseconds, Z for UTC), not orjson's own form.
    reported = [item["reported_at"] for item in resp.json()["items"]]
    assert all(t.endswith("Z") and len(t) == len("2026-12-05T13:05:13.867Z") for t in reported)
    dispatched = next(item for item in resp.json()["items"] if item["id"] == b.pk)
    assert dispatched["department"] == "环卫所" and dispatched["state_label"]

    rest = client.get(f"/api/v1/grid/events?limit=2&before_id={expected['next_before_id']}").json()
    assert [item["id"] for item in rest["items"]] == [a.pk] and rest["next_before_id"] is None


def test_event_page_reads_only_the_columns_it_shows(
    client, dispatcher_a, report, dept_a, django_assert_max_num_queries
):
    """The API's rows are read as values of ``EVENT_API_FIELDS`` (no column it does not show is decoded), and nothing the
    answer needs is deferred: the statements stay the same from 1 event to 6, whatever state each is in."""
    report()
    client.force_login(dispatcher_a)
    with django_assert_max_num_queries(30) as one:
        assert len(client.get("/api/v1/grid/events?limit=50").json()["items"]) == 1
    for n in range(5):
        e = report(lon=106.021 + n / 1000, event_class="200201")
        if n % 2:
            services.event_register(event=e, actor=dispatcher_a)
            services.event_dispatch(event=e, actor=dispatcher_a, department=dept_a)
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        assert len(client.get("/api/v1/grid/events?limit=50").json()["items"]) == 6
    page_sql = next(
        q["sql"] for q in many.captured_queries if 'FROM "grid_event"' in q["sql"] and "ORDER BY" in q["sql"]
    )
    assert '"cases_case"."opened_at"' not in page_sql and '"grid_event"."contact_phone"' not in page_sql
    assert '"cases_case"."due_at"' in page_sql and '"grid_eventclass"."name"' in page_sql
