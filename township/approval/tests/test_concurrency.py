"""Two clerks accept the same application at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from township.approval import services as svc
from township.approval.models import Application, Channel
from township.approval.testing import ensure_holidays
from township.cases.errors import ConcurrentTransition, TransitionRefused


def test_stale_second_accept_loses_on_any_database(now, clerk_a, clerk_a2, catalog, luo, upload):
    app = svc.application_submit(
        actor=clerk_a,
        item=catalog["insurance"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
    )
    stale = Application.objects.select_related("case", "item_version", "applicant").get(pk=app.pk)
    svc.application_accept(application=app, actor=clerk_a)
    with pytest.raises(ConcurrentTransition):
        svc.application_accept(application=stale, actor=clerk_a2)
    app.refresh_from_db()
    assert app.case.events.filter(name="accept").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_accepting_at_once_exactly_one_wins(now, clerk_a, clerk_a2, catalog, luo, upload):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    ensure_holidays()
    app = svc.application_submit(
        actor=clerk_a,
        item=catalog["insurance"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
    )
    barrier = threading.Barrier(2)
    results: list[str] = []

    def accept(actor):
        from django.db import connection as conn

        try:
            mine = Application.objects.select_related("case", "item_version", "applicant").get(pk=app.pk)
            barrier.wait()
            svc.application_accept(application=mine, actor=actor)
            results.append("won")
        except ConcurrentTransition:
            results.append("lost")
        except TransitionRefused as exc:  # the loser may also see the new state first
            results.append(f"lost:{exc.code}")
        finally:
            conn.close()

    threads = [threading.Thread(target=accept, args=(a,)) for a in (clerk_a, clerk_a2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("won") == 1 and len(results) == 2
    app.refresh_from_db()
    assert app.case.version == 2
    assert app.case.events.filter(name="accept").count() == 1
