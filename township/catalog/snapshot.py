"""The published-version snapshot: what an application pins, and the field-by-field diff.

The snapshot is a plain JSON object (schema 1). Keys are listed in ``SNAPSHOT_FIELDS`` plus
``channels``, ``gap_rule``, ``commitment_rule`` and ``materials``. docs/catalog.md documents them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from township.catalog.models import CHANNEL_FIELDS, Item, ItemType

SNAPSHOT_SCHEMA = 1

# Plain item fields copied into every version (name → label for the diff page).
SNAPSHOT_FIELDS: dict[str, Any] = {
    "name": _("事项名称"),
    "main_item": _("主项名称"),
    "basic_code": _("基本编码"),
    "implementation_code": _("实施编码"),
    "item_type": _("事项类型"),
    "exercise_level": _("行使层级"),
    "implementing_body": _("实施主体"),
    "implementing_body_code": _("实施主体编码"),
    "body_nature": _("实施主体性质"),
    "department_id": _("所属部门"),
    "department_name": _("部门名称"),
    "legal_basis": _("设定依据"),
    "service_objects": _("服务对象"),
    "handling_forms": _("办理形式"),
    "handling_kind": _("办件类型"),
    "statutory_limit": _("法定办结时限"),
    "statutory_unit": _("法定时限单位"),
    "statutory_note": _("法定时限说明"),
    "promised_limit": _("承诺办结时限"),
    "promised_unit": _("承诺时限单位"),
    "promised_note": _("承诺时限说明"),
    "conditions": _("受理条件"),
    "process": _("办理流程"),
    "result_name": _("审批结果名称"),
    "fee_charged": _("是否收费"),
    "fee_basis": _("收费标准及依据"),
    "place": _("办理地点"),
    "hours": _("办理时间"),
    "phone_consult": _("咨询电话"),
    "phone_supervise": _("监督电话"),
    "faq": _("常见问题"),
    "risk_class": _("风险等级"),
    "visible_to_towns": _("对下辖乡镇可见"),
    "responsible_department_id": _("责任部门"),
    "responsible_section": _("责任科室"),
    "responsible_user_id": _("责任人"),
}

EXTRA_LABELS: dict[str, Any] = {
    "channels": _("办理渠道"),
    "gap_rule": _("容缺受理规则"),
    "commitment_rule": _("告知承诺规则"),
    "materials": _("申请材料"),
}


def material_rows(item: Item) -> list[dict[str, Any]]:
    rows = []
    for m in item.materials.all():
        mt = m.material_type
        rows.append(
            {
                "material_type_id": mt.pk,
                "material_type_code": mt.code,
                "material_type_name": mt.name,
                "name": m.display_name,
                "issuer": m.issuer,
                "originals": m.originals,
                "copies": m.copies,
                "essential": m.essential,
                "may_be_missing": m.may_be_missing,
                "certificate_satisfies": mt.certificate_satisfies,
                "note": m.note,
            }
        )
    return rows


def build_snapshot(item: Item) -> dict[str, Any]:
    """Everything an application needs from the item, frozen (materials must be prefetched or are queried)."""
    data: dict[str, Any] = {"schema": SNAPSHOT_SCHEMA, "item_id": item.pk, "jurisdiction": item.jurisdiction_id}
    for field in SNAPSHOT_FIELDS:
        value = getattr(item, field)
        data[field] = list(value) if isinstance(value, list) else value
    data["item_type_label"] = str(ItemType(item.item_type).label) if item.item_type in ItemType.values else ""
    data["channels"] = [str(c) for c, f in CHANNEL_FIELDS.items() if getattr(item, f)]
    materials = material_rows(item)
    data["materials"] = materials
    data["gap_rule"] = {
        "allowed": item.gap_allowed,
        "deadline": item.gap_deadline_days,
        "unit": "working_days",
        "material_type_codes": [
            m["material_type_code"] for m in materials if m["may_be_missing"] and not m["essential"]
        ],
    }
    data["commitment_rule"] = {
        "allowed": item.commitment_allowed,
        "text": item.commitment_text,
        "check_days": item.commitment_check_days,
        "check_unit": "natural_days",
    }
    return data


def diff_snapshots(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-by-field differences: ``[{"field", "label", "old", "new"}]`` in a stable order."""
    old = old or {}
    out = []
    for field, label in [*SNAPSHOT_FIELDS.items(), *EXTRA_LABELS.items()]:
        before, after = old.get(field), new.get(field)
        if before != after:
            out.append({"field": field, "label": str(label), "old": before, "new": after})
    return out
