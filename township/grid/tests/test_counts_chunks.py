"""The summary recount takes hundreds of buckets at once (one transaction of a demo's year touches ~240)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from township.grid import counts

pytestmark = pytest.mark.django_db


def test_refresh_of_many_buckets_runs_in_chunks(town_a):
    buckets = [(town_a.code, None, date(2026, 1, 1) + timedelta(days=i)) for i in range(3 * counts.REFRESH_CHUNK + 7)]
    assert counts.refresh(buckets) == 0  # no events there: nothing written, and no "misuse of aggregate" on SQLite


def _snapshot():
    from township.grid.models import EventDayCount

    fields = [f.attname for f in EventDayCount._meta.concrete_fields if f.attname != "id"]
    return sorted(EventDayCount.objects.values_list(*fields), key=repr)


def test_a_bucket_recounted_alone_or_in_a_chunk_gives_the_rebuild_s_rows(report, dispatcher_a, handler_a, dept_a):
    """A bucket alone takes the recount compiled once per thread (with a grid, or without one); several take one
    compiled for them. Both write what the full rebuild writes, on both sides of a local midnight."""
    from township.grid.models import Event, EventDayCount
    from township.grid.services import event_dispatch, event_register

    events = [report(lon=106.01 + 0.03 * (i % 5), lat=29.01 + 0.03 * (i % 3)) for i in range(10)]
    for e in events[:6]:
        event_register(event=e, actor=dispatcher_a)
    for e in events[:3]:
        event_dispatch(event=e, actor=dispatcher_a, department=dept_a)
    midnight = counts.day_start(date(2026, 11, 20))
    for i, e in enumerate(events):
        at = midnight + timedelta(minutes=(-30, 30)[i % 2]) + timedelta(days=i % 3)  # 23:30 and 00:30 local time
        Event.objects.filter(pk=e.pk).update(reported_at=at, handler_id=handler_a.pk if i % 4 == 0 else None)
    Event.objects.filter(pk__in=[events[1].pk, events[4].pk]).update(grid=None)  # reported outside every grid
    counts.rebuild()
    expected = _snapshot()
    assert len(expected) >= 8 and EventDayCount.objects.filter(grid__isnull=True).exists()
    buckets = counts.buckets_of_cases(e.case_id for e in events)

    EventDayCount.objects.all().delete()
    for bucket in sorted(buckets, key=repr):
        counts.refresh([bucket])  # alone
    assert _snapshot() == expected

    EventDayCount.objects.all().delete()
    assert counts.refresh(buckets) == len(expected)  # together
    assert _snapshot() == expected

    counts.refresh(buckets)  # again: the same rows, none twice
    assert _snapshot() == expected
