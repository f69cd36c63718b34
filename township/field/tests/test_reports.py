"""Reports from the phone's offline queue: one event per idempotency key, scoped to the worker's unit, bad input
answered with {code, message, field}."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.field import services
from township.field.models import Submission
from township.field.tests.conftest import photo
from township.grid.models import Event, EventPhoto

pytestmark = pytest.mark.django_db

WEST = (106.02, 29.05)  # inside 石门村第1网格 of 白沙镇


def _post(client, key="k-0000000001", **kw):
    data = {
        "key": key,
        "event_class": "200110",
        "lon": WEST[0],
        "lat": WEST[1],
        "description": "路边暴露垃圾",
        "at": (timezone.now() - timedelta(minutes=20)).isoformat(),
        "photos": [photo("a.png"), photo("b.png")],
        **kw,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post("/api/v1/field/reports", data)


def test_same_key_twice_makes_one_event(client, grids, patroller_a):
    client.force_login(patroller_a)
    first = _post(client)
    assert first.status_code == 201, first.content
    again = _post(client)
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["created"] is False and first.json()["created"] is True
    assert Event.objects.count() == 1
    event = Event.objects.get()
    assert EventPhoto.objects.filter(event=event).count() == 2
    assert (round(event.lon, 5), round(event.lat, 5)) == WEST
    assert event.grid.code == "50011610820101"
    assert Submission.objects.filter(key="k-0000000001", object_id=event.pk, jurisdiction_id="500116108").count() == 1
    # the device's time is the report's time (the event was seen then, sent later)
    assert timezone.now() - event.reported_at > timedelta(minutes=19)


def test_two_keys_make_two_events(client, grids, patroller_a):
    client.force_login(patroller_a)
    assert _post(client, key="k-0000000001").status_code == 201
    assert _post(client, key="k-0000000002").status_code == 201
    assert Event.objects.count() == 2


def test_another_towns_worker_is_refused(client, grids, patroller_b):
    client.force_login(patroller_b)
    r = _post(client)
    assert r.status_code == 403
    assert r.json()["code"] == "report_out_of_scope"
    assert Event.objects.count() == 0 and Submission.objects.count() == 0


def test_key_of_another_user_is_not_answered_with_their_event(client, grids, patroller_a, make_user, town_a):
    from township.org.models import Role

    client.force_login(patroller_a)
    assert _post(client).status_code == 201
    other = make_user((town_a, Role.GRID_PATROLLER), username="patroller_a2")
    client.force_login(other)
    r = _post(client)
    assert r.status_code == 422 and r.json()["code"] == "submission_key_conflict"
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("override", "status", "code", "field"),
    [
        ({"key": "short"}, 400, "submission_key_invalid", "key"),
        ({"key": "bad key with spaces"}, 400, "submission_key_invalid", "key"),
        ({"at": "yesterday"}, 400, "device_time_invalid", "at"),
        ({"at": (timezone.now() + timedelta(hours=2)).isoformat()}, 422, "device_time_invalid", "at"),
        ({"photos": None}, 422, "photo_required", "photos"),
        ({"description": "  "}, 422, "description_required", "description"),
        ({"event_class": "999999"}, 422, "event_class_unknown", "event_class"),
        ({"lon": 120.0, "lat": 30.0}, 422, "location_outside_grids", "lat"),
    ],
)
def test_bad_input_is_refused_with_a_code(client, grids, patroller_a, override, status, code, field):
    client.force_login(patroller_a)
    r = _post(client, **override)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    assert r.json()["field"] == field
    assert Event.objects.count() == 0


def test_anonymous_is_401(client, grids):
    assert _post(client).status_code == 401


def test_service_returns_the_first_event_for_a_repeated_key(grids, patroller_a):
    a = services.report_submit(
        actor=patroller_a,
        key="svc-00000001",
        event_class="200110",
        lon=WEST[0],
        lat=WEST[1],
        description="井盖缺失",
        photos=[photo()],
    )
    b = services.report_submit(
        actor=patroller_a,
        key="svc-00000001",
        event_class="200110",
        lon=WEST[0],
        lat=WEST[1],
        description="井盖缺失",
        photos=[photo()],
    )
    assert a.created and not b.created and a.object.pk == b.object.pk


def test_tasks_and_nearby(client, grids, patroller_a, leader_a):
    client.force_login(patroller_a)
    assert _post(client).status_code == 201
    near = client.get(f"/api/v1/field/events/nearby?lon={WEST[0]}&lat={WEST[1] + 0.001}&radius=500").json()
    assert len(near) == 1 and 100 < near[0]["distance_m"] < 130
    far = client.get(f"/api/v1/field/events/nearby?lon={WEST[0]}&lat={WEST[1] + 0.02}&radius=500").json()
    assert far == []
    tasks = client.get("/api/v1/field/tasks")
    assert tasks.status_code == 200 and isinstance(tasks.json(), list)
