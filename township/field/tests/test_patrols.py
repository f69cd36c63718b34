"""Patrols from the phone: a batch resent after a lost answer adds nothing twice, a patrol without a grid is placed
in the grid of its first point, and the logs per person and per grid (counts, distance) are scoped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.grid import services
from township.grid.models import TrackPoint
from township.grid.patrol_stats import BY_GRID, BY_PERSON, patrol_stats

pytestmark = pytest.mark.django_db


def _points(start, n=3):
    return [
        {"lon": 106.02, "lat": 29.05 + i * 0.001, "at": (start + timedelta(minutes=i)).isoformat(), "accuracy": 8}
        for i in range(n)
    ]


def test_resent_batch_is_not_counted_twice(grids, patroller_a):
    start = timezone.now() - timedelta(hours=1)
    p = services.patrol_start(actor=patroller_a, jurisdiction="500116108", at=start)
    batch = _points(start)
    services.patrol_track_add(patrol=p, actor=patroller_a, points=batch)
    services.patrol_track_add(patrol=p, actor=patroller_a, points=batch)
    p.refresh_from_db()
    assert p.point_count == 3 == TrackPoint.objects.filter(patrol=p).count()
    assert 200 < p.distance_m < 240  # two steps of ~111 m
    assert p.grid.code == "50011610820101"  # placed in the grid of its first point


def test_stats_per_person_and_grid(grids, patroller_a, leader_a, patroller_b):
    start = timezone.now() - timedelta(hours=2)
    for k in range(2):
        p = services.patrol_start(actor=patroller_a, jurisdiction="500116108", at=start + timedelta(minutes=k))
        services.patrol_track_add(patrol=p, actor=patroller_a, points=_points(start + timedelta(minutes=10 * k)))
        services.patrol_end(patrol=p, actor=patroller_a)
    window = {"start": start - timedelta(hours=1), "end": timezone.now() + timedelta(minutes=1)}
    people = patrol_stats(actor=leader_a, by=BY_PERSON, **window)
    assert len(people) == 1
    row = people[0]
    assert (row.key, row.patrols, row.finished, row.points, row.days) == (patroller_a.pk, 2, 2, 6, 1)
    assert 400 < row.distance_m < 480 and row.label == "巡查甲"
    by_grid = patrol_stats(actor=leader_a, by=BY_GRID, **window)
    assert [(g.label, g.patrols) for g in by_grid] == [("石门村第1网格（50011610820101）", 2)]
    assert patrol_stats(actor=patroller_b, by=BY_PERSON, **window) == []  # another town sees nothing
    assert patrol_stats(actor=None, by=BY_PERSON, **window) == []


def test_patrols_feed_the_evaluation_page_and_api(client, grids, patroller_a, dispatcher_a, patroller_b):
    """综合评价 shows this month's patrols by grid or by person; the API gives the same figures for any period."""
    start = timezone.now() - timedelta(minutes=30)
    p = services.patrol_start(actor=patroller_a, jurisdiction="500116108", at=start)
    services.patrol_track_add(patrol=p, actor=patroller_a, points=_points(start))
    services.patrol_end(patrol=p, actor=patroller_a)
    client.force_login(dispatcher_a)
    assert "本月巡查（按网格）" in client.get("/grid/evaluation/?by=grid").content.decode()
    assert "本月巡查（按人员）" in client.get("/grid/evaluation/?by=reporter").content.decode()
    assert "本月巡查" not in client.get("/grid/evaluation/?by=town").content.decode()
    window = {
        "start": (start - timedelta(hours=1)).isoformat(),
        "end": (timezone.now() + timedelta(minutes=1)).isoformat(),
    }
    rows = client.get("/api/v1/grid/patrols/stats", {"by": "person", **window}).json()
    assert [(r["label"], r["patrols"], r["finished"], r["points"]) for r in rows] == [("巡查甲", 1, 1, 3)]
    assert 0.2 < rows[0]["distance_km"] < 0.25
    assert client.get("/api/v1/grid/patrols/stats", {"by": "village"}).status_code == 422
    client.force_login(patroller_b)  # another town
    assert client.get("/api/v1/grid/patrols/stats", {"by": "person", **window}).json() == []
