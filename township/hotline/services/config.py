"""The town administrator's settings: the periods (办理时限设置) and the responsibility list (事项清单)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.core.errors import PermissionRefused
from township.hotline.models import DutyItem, PeriodSetting
from township.org.models import Role, User
from township.org.scoping import has_role

SETTINGS_ROLES = (Role.ADMINISTRATOR, Role.LEADER)


def may_configure(actor: User | None, town: str) -> bool:
    """The town's system administrator (a configuration duty, asked alone: 三员分立) or its leader."""
    return has_role(actor, town, (Role.ADMINISTRATOR,)) or has_role(actor, town, (Role.LEADER,))


def settings_towns(actor: User | None) -> list[str]:
    from township.org.scoping import reach

    return sorted(reach(actor, (Role.ADMINISTRATOR,)).codes | reach(actor, (Role.LEADER,)).codes)


def _check(actor: User | None, town: str) -> None:
    if not may_configure(actor, town):
        raise PermissionRefused("hotline_settings_admin", _("仅本镇系统管理员或领导可以修改12345设置"))


@transaction.atomic
def period_save(*, actor: User, jurisdiction: str, kind: str, urgency: str, values: dict[str, Any]) -> PeriodSetting:
    """Create or change the periods of (诉求类型, 紧急程度) in the town (blank = any)."""
    _check(actor, jurisdiction)
    row, _created = PeriodSetting.objects.get_or_create(jurisdiction_id=jurisdiction, kind=kind, urgency=urgency)
    for k, v in values.items():
        setattr(row, k, v)
    row.save()
    return row


@transaction.atomic
def period_delete(*, actor: User, setting: PeriodSetting) -> None:
    _check(actor, setting.jurisdiction_id)
    setting.delete()


@transaction.atomic
def duty_save(*, actor: User, jurisdiction: str, matter: str, level: str, basis: str = "") -> DutyItem:
    _check(actor, jurisdiction)
    row, _created = DutyItem.objects.update_or_create(
        jurisdiction_id=jurisdiction, matter=matter.strip()[:40], defaults={"level": level, "basis": basis[:200]}
    )
    return row


@transaction.atomic
def duty_delete(*, actor: User, item: DutyItem) -> None:
    _check(actor, item.jurisdiction_id)
    item.delete()


# A starting responsibility list for a town (editable): matters owned by the county departments, the town and the
# villages (a typical 乡镇履行职责事项清单 / 村级组织工作事项清单 split).
DEFAULT_DUTIES: list[tuple[str, str, str]] = [
    ("劳动保障", "county", "县人力社保局职责"),
    ("市场监管", "county", "县市场监管局职责"),
    ("不动产登记", "county", "县不动产登记中心职责"),
    ("供水供电", "county", "县级供水、供电企业及主管部门职责"),
    ("环境卫生", "town", "乡镇履行职责事项清单"),
    ("道路交通", "town", "乡镇履行职责事项清单"),
    ("农业农村", "town", "乡镇履行职责事项清单"),
    ("城乡建设", "town", "乡镇履行职责事项清单"),
    ("社会救助", "town", "乡镇履行职责事项清单"),
    ("邻里纠纷", "village", "村级组织工作事项清单"),
    ("村务公开", "village", "村级组织工作事项清单"),
    ("村内环境", "village", "村级组织工作事项清单"),
]


def duties_seed(*, jurisdiction: str) -> int:
    """The default list for a town that has none yet (demo and first use); returns rows created."""
    if DutyItem.objects.filter(jurisdiction_id=jurisdiction).exists():
        return 0
    DutyItem.objects.bulk_create(
        [DutyItem(jurisdiction_id=jurisdiction, matter=m, level=lvl, basis=b) for m, lvl, b in DEFAULT_DUTIES]
    )
    return len(DEFAULT_DUTIES)
