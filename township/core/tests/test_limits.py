"""Field limits at every save (township/core/limits.py): the same refusal on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from township.core.errors import BadInput
from township.core.limits import check_field_limits
from township.core.models import CalendarYear, Holiday

DAY = dt.date(2031, 1, 1)  # beyond the seeded holiday years


def test_overlong_text_is_refused_naming_the_field(db):
    with pytest.raises(BadInput) as caught:
        Holiday(date=DAY, kind="holiday", name="元旦" * 5_000).save()
    assert caught.value.code == "too_long" and caught.value.field == "name" and caught.value.status == 400
    assert "10000" in caught.value.message and "名称" in caught.value.message
    assert not Holiday.objects.filter(date=DAY).exists()


def test_nul_is_refused_and_text_within_limits_passes(db):
    with pytest.raises(BadInput) as caught:
        check_field_limits(CalendarYear(year=2031, source="国务院\x00通知"))
    assert caught.value.code == "invalid_characters" and caught.value.field == "source"
    Holiday(date=DAY, kind="holiday", name="元旦").save()
    assert Holiday.objects.get(date=DAY).name == "元旦"
