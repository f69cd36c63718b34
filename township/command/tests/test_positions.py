"""Positions from field devices: idempotent batches, last position kept current, scoped reads, retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.command.models import LastPosition, Position
from township.command.positions import last_positions, positions_purge, positions_record, track
from township.core.errors import BadInput, NotFound
from township.org.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def midday():
    """Noon of today (Beijing time), moving: a point "5 minutes ago" is on today's track whatever the hour of the
    run (at 00:03 it was yesterday's)."""
    from datetime import datetime, time

    import time_machine

    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    with time_machine.travel(noon, tick=True):
        yield


@pytest.fixture
def patroller_a(make_user, town_a):
    return make_user((town_a, Role.GRID_PATROLLER), username="patroller_a", full_name="张网格")


def _pt(i: int, minutes_ago: int, lon: float = 106.1, lat: float = 29.05) -> dict:
    return {
        "client_id": f"dev1-{i}",
        "at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
        "lon": lon,
        "lat": lat,
        "accuracy": 8,
    }


def test_batch_is_stored_once_and_last_position_is_the_newest(patroller_a, town_a):
    batch = [_pt(1, 30), _pt(2, 20, lon=106.11), _pt(3, 10, lon=106.12)]
    assert positions_record(actor=patroller_a, points=batch).accepted == 3
    again = positions_record(actor=patroller_a, points=batch + [_pt(4, 5, lon=106.13)])
    assert (again.accepted, again.duplicates) == (1, 3)
    assert Position.objects.filter(user=patroller_a).count() == 4
    last = LastPosition.objects.get(user=patroller_a)
    assert (last.lon, last.jurisdiction_id) == (106.13, town_a.code)
    # An older point arriving late does not move the last position back.
    positions_record(actor=patroller_a, points=[_pt(5, 60, lon=106.0)])
    assert LastPosition.objects.get(user=patroller_a).lon == 106.13


@pytest.mark.parametrize(
    ("point", "field"),
    [
        ({"client_id": "", "at": timezone.now().isoformat(), "lon": 106, "lat": 29}, "points[0].client_id"),
        ({"client_id": "x", "at": "yesterday", "lon": 106, "lat": 29}, "points[0].at"),
        ({"client_id": "x", "at": timezone.now().isoformat(), "lon": 0, "lat": 0}, "points[0]"),
        (
            {"client_id": "x", "at": (timezone.now() + timedelta(hours=1)).isoformat(), "lon": 106, "lat": 29},
            "points[0].at",
        ),
        (
            {"client_id": "x", "at": timezone.now().isoformat(), "lon": 106, "lat": 29, "accuracy": -1},
            "points[0].accuracy",
        ),
    ],
)
def test_malformed_point_refuses_the_whole_batch(patroller_a, point, field):
    with pytest.raises(BadInput) as e:
        positions_record(actor=patroller_a, points=[_pt(1, 5), point])
    assert e.value.code == "position_invalid" and e.value.status == 400
    assert e.value.field == field.replace("points[0]", "points[1]")
    assert not Position.objects.exists()


def test_only_field_roles_report(clerk_a):
    with pytest.raises(BadInput) as e:
        positions_record(actor=clerk_a, points=[_pt(1, 5)])
    assert e.value.code == "position_role_required"


@pytest.mark.usefixtures("midday")
def test_reads_are_scoped_to_people_watching_the_unit(patroller_a, make_user, town_a, town_b, clerk_a):
    positions_record(actor=patroller_a, points=[_pt(1, 5)])
    leader_a = make_user((town_a, Role.LEADER), username="leader_a")
    leader_b = make_user((town_b, Role.LEADER), username="leader_b")
    assert [p.user_id for p in last_positions(actor=leader_a)] == [patroller_a.pk]
    assert list(last_positions(actor=leader_b)) == []
    assert list(last_positions(actor=clerk_a)) == []
    assert len(track(actor=leader_a, user_id=patroller_a.pk, day=timezone.localdate())) == 1
    with pytest.raises(NotFound):
        track(actor=leader_b, user_id=patroller_a.pk, day=timezone.localdate())


def test_retention_purges_old_positions(patroller_a, settings):
    positions_record(actor=patroller_a, points=[_pt(1, 5)])
    assert positions_purge(timezone.now())["positions_purged"] == 0
    settings.TOWNSHIP_POSITION_RETENTION_DAYS = 1
    out = positions_purge(timezone.now() + timedelta(days=2))
    assert out == {"positions_purged": 1, "last_positions_purged": 1}


@pytest.mark.usefixtures("midday")
def test_api_batch_last_and_track(client, patroller_a, make_user, town_a):
    client.force_login(patroller_a)
    r = client.post("/api/v1/command/positions", {"points": [_pt(1, 5), _pt(2, 1)]}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"accepted": 2, "duplicates": 0}
    bad = client.post(
        "/api/v1/command/positions",
        {"points": [{"client_id": "z", "at": "x", "lon": 1, "lat": 1}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "position_invalid"
    client.force_login(make_user((town_a, Role.DISPATCHER), username="disp"))
    last = client.get("/api/v1/command/positions/last").json()
    assert [(p["user_id"], p["name"]) for p in last] == [(patroller_a.pk, "张网格")]
    assert len(client.get(f"/api/v1/command/positions/track?user_id={patroller_a.pk}").json()) == 2


def test_the_screen_gets_a_days_tracks_thinned_and_scoped(client, patroller_a, leader_a, make_user, town_b):
    from datetime import datetime, time

    from township.command.positions import day_tracks

    day = timezone.localdate() - timedelta(days=1)  # a whole day behind us, whatever the hour of the run
    ten = timezone.make_aware(datetime.combine(day, time(10)))
    batch = [
        {
            "client_id": f"dev1-{i}",
            "at": (ten + timedelta(minutes=i)).isoformat(),
            "lon": 106.1 + i / 1000,
            "lat": 29.05,
        }
        for i in range(120)
    ]
    assert positions_record(actor=patroller_a, points=batch).accepted == 120
    (t,) = day_tracks(actor=leader_a, day=day)
    assert (t.user_id, t.name, len(t.points)) == (patroller_a.pk, "张网格", 120)
    assert t.points[0] == (106.1, 29.05) and t.points[-1][0] == pytest.approx(106.1 + 119 / 1000)
    thin = day_tracks(actor=leader_a, day=day, per_person=10)[0].points
    assert len(thin) == 10 and thin[0] == t.points[0] and thin[-1] == t.points[-1]
    assert [p[0] for p in thin] == sorted(p[0] for p in thin)  # still in time order
    assert day_tracks(actor=leader_a, day=day - timedelta(days=1)) == []
    assert day_tracks(actor=patroller_a, day=day) == []  # a patroller watches no one
    leader_b = make_user((town_b, Role.LEADER), username="leader_tracks_b")
    assert day_tracks(actor=leader_b, day=day) == []
    client.force_login(leader_a)
    body = client.get(f"/api/v1/command/positions/tracks?date={day.isoformat()}").json()
    assert [(r["name"], len(r["points"])) for r in body] == [("张网格", 120)]
    assert client.get(f"/api/v1/command/positions/tracks?date={day.isoformat()}&unit={town_b.code}").json() == []
    bad = client.get("/api/v1/command/positions/tracks?date=not-a-date")
    assert 400 <= bad.status_code < 500


def test_the_demo_sends_todays_patrols_to_the_positions_api_once(patroller_a, leader_a, town_a):
    import io

    from township.command.demo import seed_patrol_positions
    from township.command.positions import day_tracks
    from township.grid.services import patrol_start, patrol_track_add

    patrol = patrol_start(actor=patroller_a, jurisdiction=town_a.code)
    start = timezone.now() - timedelta(minutes=30)
    points = [
        {"lon": 106.1 + i / 1000, "lat": 29.05, "at": (start + timedelta(minutes=i)).isoformat()} for i in range(5)
    ]
    patrol_track_add(patrol=patrol, actor=patroller_a, points=points)
    out = io.StringIO()
    seed_patrol_positions(out)
    assert "5 patrol positions" in out.getvalue()
    seed_patrol_positions(out)  # a second seed_demo sends nothing again
    assert Position.objects.filter(user=patroller_a).count() == 5
    assert LastPosition.objects.get(user=patroller_a).lon == pytest.approx(106.104)
    (t,) = day_tracks(actor=leader_a, day=timezone.localdate(start))
    assert len(t.points) == 5
