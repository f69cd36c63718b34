"""``seed_demo --volume``: a year of life in 白沙镇 lived through the services. A scaled-down run (``tiny``, about
fifty cases) shows the mix (every case type, some late and overdue, spread over months and villages), that the
per-day counts kept by the services match a recount, determinism (same seed → same figures), idempotency, and
that the 大屏 feed then shows real figures."""

from __future__ import annotations

import io
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from township.cases.models import Case, CaseDayCount
from township.command import volume
from township.org.models import User

pytestmark = pytest.mark.django_db(transaction=False)

TYPES = {
    "approval_application",
    "grid_event",
    "penalty",
    "penalty_summary",
    "hotline_order",
    "opinion",
    "petition",
    "mediation_case",
}


class Rollback(Exception):
    pass


def _figures(before: int) -> Counter[tuple[str, str]]:
    """Cases made by the run, by type and state (ids after ``before``)."""
    rows = Case.objects.filter(jurisdiction_id=volume.TOWN, pk__gt=before).values_list("case_type", "state")
    return Counter(rows)


def _day_counts() -> set[tuple]:
    fields = ("jurisdiction_id", "village_code", "case_type", "day", "opened", "closed", "closed_late")
    return {row for row in CaseDayCount.objects.values_list(*fields) if any(row[4:])}


@pytest.mark.slow
def test_a_year_of_life(client, monkeypatch):
    out = io.StringIO()
    call_command(
        "seed_demo", keep_demo_passwords=True, stdout=out
    )  # the normal demo first (the volume builds on its accounts and items)
    before = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        # determinism: a first run, rolled back, and a second one with the same seed make the same cases
        try:
            with transaction.atomic():
                first = volume.seed_volume(out, scale="tiny", seed=7)
                first_figures = _figures(before)
                raise Rollback
        except Rollback:
            pass
        assert not volume.volume_done()
        # the recount at the end must find what the services counted: run without it, then compare
        from township.cases import counts

        real_rebuild = counts.rebuild
        monkeypatch.setattr(counts, "rebuild", lambda *a, **k: 0)
        second = volume.seed_volume(out, scale="tiny", seed=7)
        monkeypatch.setattr(counts, "rebuild", real_rebuild)
    figures = _figures(before)
    assert second == first and figures == first_figures

    kept = _day_counts()
    counts.rebuild(Case, CaseDayCount)
    assert _day_counts() == kept

    made = Case.objects.filter(jurisdiction_id=volume.TOWN, pk__gt=before)
    assert {t for t, _s in figures} >= TYPES, figures
    assert made.count() >= 45
    assert made.filter(finished_late=True).exists()  # decided or closed after the due time
    assert made.filter(closed_at__isnull=True, due_at__lt=now).exists()  # still open, overdue
    assert made.filter(closed_at__isnull=False).count() > made.count() // 2
    months = {timezone.localtime(at).strftime("%Y-%m") for at in made.values_list("opened_at", flat=True)}
    assert len(months) >= 6, months
    assert made.exclude(village_id=None).values("village_id").distinct().count() >= 3
    assert second["督办"] > 0 and second["positions"] > 0

    # idempotent: a second run (as ``seed_demo --volume tiny`` again) adds nothing
    total = Case.objects.count()
    call_command("seed_demo", volume="tiny", keep_demo_passwords=True, stdout=out)
    assert Case.objects.count() == total
    assert "跳过" in out.getvalue()

    client.force_login(User.objects.get(username="leader"))
    feed = client.get("/command/screen/data/").json()
    kpis = {k["key"]: k for k in feed["kpis"]}
    assert sum(k["month"] for k in kpis.values()) > 0
    assert feed["warnings"]["overdue"] > 0 and feed["warnings"]["late"] > 0
    series = {s["key"]: sum(s["data"]) for s in feed["trend"]["series"]}
    assert series.get("grid_event", 0) + series.get("approval_application", 0) > 0
