"""Catalog services: the rules for editing, publishing and retiring items (UI and API call these)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch, ProtectedError, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from township.catalog.models import (
    Delegation,
    DelegationMode,
    DelegationStatus,
    Item,
    ItemStatus,
    ItemType,
    ItemVersion,
    LimitUnit,
    Material,
    MaterialType,
    RiskClass,
    Theme,
    ThemeItem,
)
from township.catalog.pinyin import initials
from township.catalog.selectors import can_edit, can_publish, editable_codes, item_materials
from township.catalog.snapshot import build_snapshot
from township.core.errors import DomainError, NotFound, PermissionRefused
from township.org.models import Department, Jurisdiction

# Fields a caller may set through item_create / item_update.
EDITABLE_FIELDS = (
    "name",
    "main_item",
    "basic_code",
    "implementation_code",
    "item_type",
    "exercise_level",
    "implementing_body",
    "implementing_body_code",
    "body_nature",
    "department_name",
    "legal_basis",
    "service_objects",
    "handling_forms",
    "handling_kind",
    "statutory_limit",
    "statutory_unit",
    "statutory_note",
    "promised_limit",
    "promised_unit",
    "promised_note",
    "conditions",
    "process",
    "result_name",
    "fee_charged",
    "fee_basis",
    "place",
    "hours",
    "phone_consult",
    "phone_supervise",
    "faq",
    "risk_class",
    "gap_allowed",
    "gap_deadline_days",
    "commitment_allowed",
    "commitment_text",
    "commitment_check_days",
    "channel_online",
    "channel_no_visit",
    "channel_one_visit",
    "channel_village_agent",
    "responsible_section",
    "visible_to_towns",
)


def _require_edit(actor: Any, item: Item) -> None:
    if not can_edit(actor, item):
        raise PermissionRefused("catalog_forbidden", _("无权修改该事项（只能维护本单位的清单）"))
    if item.status == ItemStatus.RETIRED:
        raise DomainError("item_retired", _("事项已废止，不能修改"))


def validate_item(item: Item) -> None:
    """Rules that hold for every saved draft; raise DomainError with the offending field."""
    if not item.name.strip():
        raise DomainError("required", _("事项名称不能为空"), field="name")
    if item.item_type not in ItemType.values:
        raise DomainError("bad_item_type", _("事项类型代码无效"), field="item_type")
    for field in ("statutory_unit", "promised_unit"):
        if getattr(item, field) not in LimitUnit.values:
            raise DomainError("bad_unit", _("时限单位无效"), field=field)
    if item.risk_class not in RiskClass.values:
        raise DomainError("bad_risk_class", _("风险等级无效"), field="risk_class")
    if item.statutory_limit is not None and item.promised_limit is not None:
        same = item.statutory_unit == item.promised_unit
        # N natural days never end later than N working days, so such a promise compares by its number
        calendar_days = item.promised_unit == LimitUnit.NATURAL_DAYS and item.statutory_unit == LimitUnit.WORKING_DAYS
        if (same or calendar_days) and item.promised_limit > item.statutory_limit:
            raise DomainError("promise_exceeds_statute", _("承诺时限不能长于法定时限"), field="promised_limit")
        if item.promised_unit == LimitUnit.WORKING_DAYS and item.statutory_unit == LimitUnit.NATURAL_DAYS:
            raise DomainError(
                "limit_units_incomparable",
                _("法定时限按自然日、承诺时限按工作日，无法确认承诺不长于法定时限，请统一时限单位"),
                field="promised_unit",
            )
    if item.gap_allowed and not item.gap_deadline_days:
        raise DomainError("gap_deadline_required", _("允许容缺受理时须填写补齐期限"), field="gap_deadline_days")
    if item.gap_allowed and item.risk_class == RiskClass.CONTROL:
        raise DomainError("gap_not_for_control", _("控制类事项不适用容缺受理"), field="gap_allowed")
    if item.commitment_allowed and item.risk_class == RiskClass.CONTROL:
        raise DomainError(
            "commitment_not_for_control",
            _("直接涉及公共安全、生态环境保护和人身健康、生命财产安全的控制类事项不适用告知承诺制"),
            field="commitment_allowed",
        )
    if item.commitment_allowed and not item.commitment_text.strip():
        raise DomainError("commitment_text_required", _("允许告知承诺时须填写承诺书内容"), field="commitment_text")
    if item.implementation_code:
        clash = Item.objects.filter(
            jurisdiction_id=item.jurisdiction_id, implementation_code=item.implementation_code
        ).exclude(pk=item.pk)
        if clash.exists():
            raise DomainError("duplicate_code", _("实施编码已存在"), field="implementation_code")


def department_for(jurisdiction: Jurisdiction | str, name: str) -> Department | None:
    """The Department row of that name in the jurisdiction, created if missing (import files name them)."""
    name = (name or "").strip()
    if not name:
        return None
    code = jurisdiction if isinstance(jurisdiction, str) else jurisdiction.code
    dept, _created = Department.objects.get_or_create(jurisdiction_id=code, name=name[:64])
    return dept


def material_type_for(name: str, *, certificate_satisfies: bool | None = None, code: str = "") -> MaterialType:
    """The shared MaterialType of that name (created on first use; code from pinyin initials)."""
    name = name.strip()[:100]
    mt = MaterialType.objects.filter(name=name).first()
    if mt is None:
        base = code or (initials(name)[:30] or "m")
        candidate, n = base, 1
        while MaterialType.objects.filter(code=candidate).exists():
            n += 1
            candidate = f"{base}{n}"
        mt = MaterialType.objects.create(name=name, code=candidate, certificate_satisfies=bool(certificate_satisfies))
    elif certificate_satisfies is not None and mt.certificate_satisfies != certificate_satisfies:
        mt.certificate_satisfies = certificate_satisfies
        mt.save(update_fields=["certificate_satisfies"])
    return mt


def _apply(item: Item, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key in EDITABLE_FIELDS or key in ("department", "responsible_department", "responsible_user"):
            setattr(item, key, value)
    if "department" in data and data["department"] is not None and not data.get("department_name"):
        item.department_name = data["department"].name
    if "department_name" in data and "department" not in data:
        # link an existing department of that name; free text never creates org rows here
        name = (data["department_name"] or "").strip()
        item.department = (
            Department.objects.filter(jurisdiction_id=item.jurisdiction_id, name=name).first() if name else None
        )


@transaction.atomic
def item_create(*, actor: Any, jurisdiction: str, data: dict[str, Any], source: str = "manual") -> Item:
    if jurisdiction not in editable_codes(actor):
        raise PermissionRefused("catalog_forbidden", _("无权修改该事项（只能维护本单位的清单）"))
    item = Item(jurisdiction_id=jurisdiction, created_by=actor if actor and actor.pk else None, source=source)
    _apply(item, data)
    validate_item(item)
    item.status = ItemStatus.DRAFT
    item.dirty = True
    item.save()
    return item


@transaction.atomic
def item_update(*, actor: Any, item: Item, data: dict[str, Any]) -> Item:
    _require_edit(actor, item)
    _apply(item, data)
    validate_item(item)
    item.dirty = True
    item.save()
    return item


@transaction.atomic
def item_set_materials(*, actor: Any, item: Item, materials: list[dict[str, Any]]) -> list[Material]:
    """Replace the draft's materials. Each row: material_type (or type_name), name, issuer, originals, copies,
    essential, may_be_missing, note."""
    _require_edit(actor, item)
    item_materials(item).delete()
    out = []
    for i, row in enumerate(materials):
        mt = row.get("material_type") or material_type_for(row.get("type_name") or row.get("name") or "")
        if not isinstance(mt, MaterialType):
            raise DomainError("bad_material", _("材料类型无效"), field="materials")
        essential = bool(row.get("essential", True))
        out.append(
            Material(
                jurisdiction_id=item.jurisdiction_id,
                item=item,
                material_type=mt,
                name=(row.get("name") or "")[:200] if row.get("name") != mt.name else "",
                issuer=row.get("issuer", "") or "",
                originals=int(row.get("originals", 1) or 0),
                copies=int(row.get("copies", 0) or 0),
                essential=essential,
                may_be_missing=bool(row.get("may_be_missing", False)) and not essential,
                note=row.get("note", "") or "",
                sort=i,
            )
        )
    Material.objects.bulk_create(out)
    Item.objects.filter(pk=item.pk, jurisdiction_id=item.jurisdiction_id).update(dirty=True)
    item.dirty = True
    return out


@transaction.atomic
def item_publish(*, item: Item, actor: Any, reason: str) -> ItemVersion:
    """Freeze the draft into a new immutable ItemVersion; the item becomes (or stays) published."""
    if not can_publish(actor, item):
        raise PermissionRefused("catalog_publish_forbidden", _("无权审核发布该事项"))
    if item.status == ItemStatus.RETIRED:
        raise DomainError("item_retired", _("事项已废止，不能发布"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写发布理由"), field="reason")
    locked = Item.objects.select_for_update().get(pk=item.pk, jurisdiction_id=item.jurisdiction_id)
    validate_item(locked)
    if locked.promised_limit is None and locked.handling_kind == "2" and locked.item_type == ItemType.LICENSING:
        raise DomainError("promised_limit_required", _("承诺件须填写承诺办结时限"), field="promised_limit")
    last = (
        ItemVersion.objects.filter(jurisdiction_id=locked.jurisdiction_id, item=locked)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    version = ItemVersion.objects.create(
        jurisdiction_id=locked.jurisdiction_id,
        item=locked,
        number=(last or 0) + 1,
        snapshot=build_snapshot(locked),
        reason=reason[:500],
        approver=actor if actor and actor.pk else None,
        published_at=timezone.now(),
    )
    status = ItemStatus.SUSPENDED if locked.status == ItemStatus.SUSPENDED else ItemStatus.PUBLISHED
    Item.objects.filter(pk=locked.pk, jurisdiction_id=locked.jurisdiction_id).update(
        current_version=version, dirty=False, status=status
    )
    item.current_version = version
    item.dirty = False
    item.status = status
    return version


def do_publish_many(items: list[Item], *, approver: Any, reason: str) -> int:
    """Publish many drafts of one jurisdiction at once (after an import); callers check permissions.

    Each item gets version ``last + 1``; the snapshot is built exactly as ``item_publish`` builds it."""
    if not items:
        return 0
    jurisdictions = {i.jurisdiction_id for i in items}
    if len(jurisdictions) != 1:
        raise ValueError("do_publish_many works on one jurisdiction at a time")
    code = jurisdictions.pop()
    prefetch_related_objects(
        items,
        Prefetch("materials", queryset=Material.objects.filter(jurisdiction_id=code).select_related("material_type")),
    )
    last = dict(
        ItemVersion.objects.filter(jurisdiction_id=code, item__in=items)
        .values("item_id")
        .annotate(n=Max("number"))
        .values_list("item_id", "n")
    )
    now = timezone.now()
    approver = approver if approver is not None and approver.pk else None
    versions = [
        ItemVersion(
            jurisdiction_id=code,
            item=item,
            number=last.get(item.pk, 0) + 1,
            snapshot=build_snapshot(item),
            reason=reason[:500],
            approver=approver,
            published_at=now,
        )
        for item in items
    ]
    ItemVersion.objects.bulk_create(versions, batch_size=500)
    wanted = {(v.item_id, v.number) for v in versions}
    by_item = {
        v.item_id: v
        for v in ItemVersion.objects.filter(jurisdiction_id=code, item__in=items, published_at=now).only(
            "id", "item_id", "number"
        )
        if (v.item_id, v.number) in wanted
    }
    for item in items:
        item.current_version = by_item[item.pk]
        item.dirty = False
        if item.status != ItemStatus.SUSPENDED:
            item.status = ItemStatus.PUBLISHED
    Item.objects.bulk_update(items, ["current_version", "dirty", "status"], batch_size=500)
    return len(items)


@transaction.atomic
def items_publish_all(*, actor: Any, jurisdiction: str, reason: str) -> int:
    """Publish every draft with unpublished changes in ``jurisdiction`` (e.g. after an import)."""
    from township.catalog.selectors import PUBLISH_ROLES
    from township.org.scoping import reach

    if jurisdiction not in reach(actor, PUBLISH_ROLES).codes:
        raise PermissionRefused("catalog_publish_forbidden", _("无权审核发布该事项"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写发布理由"), field="reason")
    items = list(
        Item.objects.select_for_update()
        .filter(jurisdiction_id=jurisdiction, dirty=True)
        .exclude(status=ItemStatus.RETIRED)
        .order_by("id")
    )
    for item in items:
        validate_item(item)
    return do_publish_many(items, approver=actor, reason=reason)


def _set_status(item: Item, actor: Any, status: str, allowed_from: tuple[str, ...], reason: str) -> Item:
    if not can_publish(actor, item):
        raise PermissionRefused("catalog_publish_forbidden", _("无权审核发布该事项"))
    if item.status not in allowed_from:
        raise DomainError("bad_status", _("当前状态不能执行该操作"), field="status")
    if not (reason or "").strip():
        raise DomainError("reason_required", _("请填写理由"), field="reason")
    Item.objects.filter(pk=item.pk, jurisdiction_id=item.jurisdiction_id).update(status=status)
    item.status = status
    return item


def item_suspend(*, item: Item, actor: Any, reason: str) -> Item:
    return _set_status(item, actor, ItemStatus.SUSPENDED, (ItemStatus.PUBLISHED,), reason)


def item_resume(*, item: Item, actor: Any, reason: str) -> Item:
    return _set_status(item, actor, ItemStatus.PUBLISHED, (ItemStatus.SUSPENDED,), reason)


def item_retire(*, item: Item, actor: Any, reason: str) -> Item:
    return _set_status(
        item, actor, ItemStatus.RETIRED, (ItemStatus.PUBLISHED, ItemStatus.SUSPENDED, ItemStatus.DRAFT), reason
    )


@transaction.atomic
def item_delete(*, item: Item, actor: Any) -> None:
    """Only a never-published, unused draft can be deleted; anything used is retired instead."""
    _require_edit(actor, item)
    if item.current_version_id or ItemVersion.objects.filter(item=item, jurisdiction_id=item.jurisdiction_id).exists():
        raise DomainError("item_in_use", _("事项已发布过，不能删除，只能废止"))
    try:
        item_materials(item).delete()
        item.delete()
    except ProtectedError:
        raise DomainError("item_in_use", _("事项已被引用，不能删除，只能废止")) from None


# ---- delegation (放权) -------------------------------------------------------------------


@transaction.atomic
def delegation_create(
    *,
    actor: Any,
    item: Item,
    from_department_name: str,
    mode: str,
    document_number: str = "",
    document_date: datetime.date | None = None,
    document_file: Any = None,
    from_jurisdiction: str | None = None,
    note: str = "",
) -> Delegation:
    """Record that a county department delegated ``item``'s power to the item's town."""
    _require_edit(actor, item)
    if mode not in DelegationMode.values:
        raise DomainError("bad_mode", _("下放方式须为授权或委托"), field="mode")
    if not (from_department_name or "").strip():
        raise DomainError("required", _("请填写下放部门"), field="from_department_name")
    source = from_jurisdiction or item.jurisdiction_id[:6]
    if not Jurisdiction.objects.filter(code=source).exists():
        raise NotFound(_("下放单位区划不存在"))
    delegation = Delegation(
        jurisdiction_id=item.jurisdiction_id,
        item=item,
        from_jurisdiction_id=source,
        from_department=department_for(source, from_department_name),
        from_department_name=from_department_name.strip()[:100],
        mode=mode,
        document_number=document_number[:100],
        document_date=document_date,
        note=note[:500],
    )
    if document_file is not None:
        delegation.document_file = document_file
    delegation.save()
    return delegation


def delegation_set_status(*, actor: Any, delegation: Delegation, status: str) -> Delegation:
    if delegation.jurisdiction_id not in editable_codes(
        actor
    ) and delegation.from_jurisdiction_id not in editable_codes(actor):
        raise PermissionRefused("catalog_forbidden", _("无权修改该放权记录"))
    if status not in DelegationStatus.values:
        raise DomainError("bad_status", _("状态无效"), field="status")
    Delegation.objects.filter(pk=delegation.pk, jurisdiction_id=delegation.jurisdiction_id).update(status=status)
    delegation.status = status
    return delegation


# ---- themes (一件事) -----------------------------------------------------------------------


@transaction.atomic
def theme_save(
    *, actor: Any, jurisdiction: str, code: str, name: str, items: list[Item], description: str = ""
) -> Theme:
    if jurisdiction not in editable_codes(actor):
        raise PermissionRefused("catalog_forbidden", _("无权维护该单位的主题"))
    if not name.strip():
        raise DomainError("required", _("主题名称不能为空"), field="name")
    foreign = [i for i in items if i.jurisdiction_id != jurisdiction]
    if foreign:
        raise DomainError("foreign_item", _("主题只能包含本单位清单中的事项"), field="items")
    return do_theme_save(jurisdiction=jurisdiction, code=code, name=name, items=items, description=description)


@transaction.atomic
def do_theme_save(*, jurisdiction: str, code: str, name: str, items: list[Item], description: str = "") -> Theme:
    """Write a theme without permission checks (seeding); callers validate."""
    theme, _created = Theme.objects.update_or_create(
        jurisdiction_id=jurisdiction, code=code, defaults={"name": name, "description": description}
    )
    ThemeItem.objects.filter(jurisdiction_id=jurisdiction, theme=theme).delete()
    ThemeItem.objects.bulk_create(
        [ThemeItem(jurisdiction_id=jurisdiction, theme=theme, item=item, sort=i) for i, item in enumerate(items)]
    )
    return theme
