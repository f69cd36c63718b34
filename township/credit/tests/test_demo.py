"""The credit demo: tiers, computed grades, a listing in its statement period, one repair granted, one refused."""

from __future__ import annotations

import io

from township.core import demo as core_demo
from township.credit import demo
from township.credit.models import CreditRecord, Listing, Repair
from township.subjects import demo as subjects_demo
from township.subjects.models import Subject


def test_demo_seeds_idempotently(db):
    out = io.StringIO()
    for _ in range(2):
        core_demo.seed(out)
        subjects_demo.seed(out)
        demo.seed(out)
    assert CreditRecord.objects.count() == len(demo.ENTRIES)
    assert set(CreditRecord.objects.exclude(severity="").values_list("severity", flat=True)) == {
        "minor",
        "general",
        "serious",
    }
    grades = dict(Subject.objects.exclude(credit_class="").values_list("uscc", "credit_class"))
    assert grades["91500116MA60LWJ12B"] == "A"
    assert grades["93500116MA61234N57"] == "B"
    assert grades["N2500116MA6ABCDE19"] == "B"  # its minor record was repaired
    assert grades["92500116MA5U7G8H24"] == "C"
    assert grades["91500116MA5YQ7N61J"] == "D"
    assert list(Listing.objects.values_list("case__state", flat=True)) == ["statement"]
    assert sorted(Repair.objects.values_list("case__state", flat=True)) == ["granted", "refused"]
