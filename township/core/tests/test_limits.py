"""Field limits at every save (township/core/limits.py): the same refusal on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from township.core.errors import BadInput
from township.core.limits import check_field_limits
from township.org.models import Department


def test_overlong_text_is_refused_naming_the_field(town_a):
    dept = Department(jurisdiction=town_a, name="局" * 10_000, kind="approval")
    with pytest.raises(BadInput) as caught:
        dept.save()
    assert caught.value.code == "too_long" and caught.value.field == "name" and caught.value.status == 400
    assert "10000" in caught.value.message
    assert not Department.objects.filter(jurisdiction=town_a).exists()


def test_nul_is_refused_and_text_within_limits_passes(town_a):
    with pytest.raises(BadInput) as caught:
        check_field_limits(Department(jurisdiction=town_a, name="行政\x00审批局", kind="approval"))
    assert caught.value.code == "invalid_characters" and caught.value.field == "name"
    dept = Department(jurisdiction=town_a, name="行政审批局", kind="approval")
    dept.save()
    assert Department.objects.get(pk=dept.pk).name == "行政审批局"
