"""Penalty items, discretion bands and hearing thresholds (the unit's catalogue)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.enforcement.errors import Code
from township.enforcement.models import (
    DiscretionBand,
    Domain,
    HearingThreshold,
    PenaltyItem,
    PenaltyType,
)
from township.enforcement.services.base import (
    MANAGER_ROLES,
    _town,
    require_role,
)
from township.enforcement.services.teams import (
    _check_domains,
)
from township.org.models import Jurisdiction

# ---------------------------------------------------------------------------------------------
# 3. Penalty items, discretion bands, hearing thresholds
# ---------------------------------------------------------------------------------------------


def _money(v: Any) -> Decimal | None:
    return None if v in (None, "") else Decimal(str(v))


@transaction.atomic
def penalty_item_create(
    *,
    jurisdiction: Jurisdiction | str,
    code: str,
    name: str,
    domain: str,
    legal_basis: str,
    penalty_types: Iterable[str],
    actor: Any,
    fine_min: Any = None,
    fine_max: Any = None,
    violated_provision: str = "",
    catalog_item_code: str = "",
    life_health_finance: bool = False,
    bands: Iterable[dict[str, Any]] = (),
) -> PenaltyItem:
    """A penalty item with its discretion bands (轻微/一般/较重/严重). Errors: permission_denied, penalty_type_invalid,
    fine_range, band_outside_range, code_taken."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    types = list(dict.fromkeys(penalty_types))
    if not types or any(t not in PenaltyType.values for t in types):
        raise DomainError(Code.PENALTY_TYPE_INVALID, _("处罚种类须为行政处罚法第九条规定的种类"), field="penalty_types")
    lo, hi = _money(fine_min), _money(fine_max)
    if lo is not None and hi is not None and lo > hi:
        raise DomainError(Code.FINE_RANGE, _("罚款下限不能高于上限"), field="fine_min")
    if PenaltyItem.objects.filter(jurisdiction=town, code=code).exists():
        raise DomainError(Code.CODE_TAKEN, _("事项编码已存在"), field="code")
    item = PenaltyItem.objects.create(
        jurisdiction=town,
        code=code,
        name=name,
        domain=_check_domains([domain])[0],
        legal_basis=legal_basis,
        violated_provision=violated_provision,
        penalty_types=types,
        fine_min=lo,
        fine_max=hi,
        catalog_item_code=catalog_item_code,
        life_health_finance=life_health_finance,
    )
    for band in bands:
        discretion_band_set(item=item, actor=actor, **band)
    return item


def discretion_band_set(
    *,
    item: PenaltyItem,
    level: str,
    conditions: str,
    actor: Any,
    fine_min: Any = None,
    fine_max: Any = None,
    penalty_types: Iterable[str] = (),
    no_penalty: bool = False,
) -> DiscretionBand:
    """One discretion band; its sub-range lies inside the item's range. Errors: band_level, band_outside_range."""
    require_role(actor, item.jurisdiction_id, MANAGER_ROLES)
    if level not in DiscretionBand.Level.values:
        raise DomainError(Code.BAND_LEVEL, _("裁量等级无效"), field="level")
    lo, hi = _money(fine_min), _money(fine_max)
    if (
        (lo is not None and hi is not None and lo > hi)
        or (lo is not None and item.fine_min is not None and lo < item.fine_min)
        or (hi is not None and item.fine_max is not None and hi > item.fine_max)
    ):
        raise DomainError(Code.BAND_OUTSIDE_RANGE, _("裁量区间须在法定罚款幅度之内"), field="fine_max")
    band, _created = DiscretionBand.objects.update_or_create(
        jurisdiction_id=item.jurisdiction_id,
        item=item,
        level=level,
        defaults={
            "conditions": conditions,
            "fine_min": lo,
            "fine_max": hi,
            "penalty_types": list(penalty_types),
            "no_penalty": no_penalty,
        },
    )
    return band


def band_for(item: PenaltyItem, fine: Any) -> DiscretionBand | None:
    """The discretion band a fine falls into (the lowest level whose sub-range contains it)."""
    amount = Decimal(str(fine or 0))
    order = list(DiscretionBand.Level.values)
    bands = sorted(item.bands.all(), key=lambda b: order.index(b.level))
    for b in bands:
        if b.fine_min is not None and b.fine_max is not None and b.fine_min <= amount <= b.fine_max:
            return b
    return None


def hearing_threshold_set(
    *,
    jurisdiction: Jurisdiction | str,
    domain: str,
    person_fine: Any,
    organisation_fine: Any,
    confiscation_value: Any,
    actor: Any,
    source: str = "",
) -> HearingThreshold:
    """ "较大数额" per domain and jurisdiction (Art 63). Errors: permission_denied."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    row, _created = HearingThreshold.objects.update_or_create(
        jurisdiction=town,
        domain=_check_domains([domain])[0],
        defaults={
            "person_fine": Decimal(str(person_fine)),
            "organisation_fine": Decimal(str(organisation_fine)),
            "confiscation_value": Decimal(str(confiscation_value)),
            "source": source,
        },
    )
    return row


def penalty_items_import_from_catalog(*, jurisdiction: Jurisdiction | str, actor: Any) -> int:
    """Create a PenaltyItem for every published 行政处罚 item of the catalog in the jurisdiction that is not yet
    linked (code = the catalog's implementation or basic code; basis copied; penalty types warning + fine and no
    fine range until the bureau completes them). Returns how many were created. Errors: permission_denied."""
    from township.catalog.selectors import items_for_enforcement

    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    linked = set(PenaltyItem.objects.filter(jurisdiction=town).values_list("catalog_item_code", flat=True))
    created = 0
    for item in items_for_enforcement(actor=actor).filter(jurisdiction_id=town.pk, item_type="02").order_by("id"):
        code = item.implementation_code or item.basic_code or f"CAT-{item.pk}"
        if code in linked or PenaltyItem.objects.filter(jurisdiction=town, code=code).exists():
            continue
        PenaltyItem.objects.create(
            jurisdiction=town,
            code=code,
            name=item.name[:200],
            domain=Domain.OTHER,
            legal_basis=item.legal_basis or "",
            penalty_types=[PenaltyType.WARNING, PenaltyType.FINE],
            catalog_item_code=code,
        )
        linked.add(code)
        created += 1
    return created
