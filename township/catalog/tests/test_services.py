"""Catalog item rules that the law sets on the item itself."""

from __future__ import annotations

import pytest


def test_commitment_is_not_for_control_items_and_limits_compare_across_units(editor, make_item):
    from township.core.errors import DomainError

    with pytest.raises(DomainError) as info:
        make_item("烟花爆竹零售许可", risk_class="control", commitment_allowed=True, commitment_text="承诺")
    assert info.value.code == "commitment_not_for_control"
    # 25 natural days can run past 20 working days only if 25 > 20: refused
    with pytest.raises(DomainError) as info:
        make_item(
            "甲", statutory_limit=20, statutory_unit="working_days", promised_limit=25, promised_unit="natural_days"
        )
    assert info.value.code == "promise_exceeds_statute"
    make_item("乙", statutory_limit=20, statutory_unit="working_days", promised_limit=15, promised_unit="natural_days")
    with pytest.raises(DomainError) as info:
        make_item(
            "丙", statutory_limit=30, statutory_unit="natural_days", promised_limit=20, promised_unit="working_days"
        )
    assert info.value.code == "limit_units_incomparable"
