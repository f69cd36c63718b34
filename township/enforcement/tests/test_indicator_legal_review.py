"""法制审核通过率 (#12 item 5): passed reviews / reviews done in the period, by town, department and person."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from township.enforcement.case_type import LEGAL_REVIEW_PASSED
from township.enforcement.models import PenaltyCase
from township.enforcement.tests.steps import file_case


def test_legal_review_pass_rate(world):
    cases = [file_case(world) for _ in range(4)]
    today = timezone.localdate()
    outcomes = [True, True, False, None]  # the last is not reviewed yet
    for pc, passed in zip(cases, outcomes, strict=True):
        PenaltyCase.objects.filter(pk=pc.pk).update(
            review_passed=passed, reviewed_on=today if passed is not None else None
        )
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=1)
    assert LEGAL_REVIEW_PASSED.compute([world.town.code], start, end) == (2, 3)
    assert LEGAL_REVIEW_PASSED.compute([world.other_town.code], start, end) == (0, 0)
    assert LEGAL_REVIEW_PASSED.compute([world.town.code], end, end + dt.timedelta(days=1)) == (0, 0)
    assert LEGAL_REVIEW_PASSED.grouped([world.town.code], start, end, "unit") == {world.town.code: (2, 3)}
