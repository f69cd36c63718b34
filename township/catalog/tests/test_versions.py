"""Publishing freezes a version; published versions never change; history and diff."""

from __future__ import annotations

import pytest

from township.catalog import selectors, services
from township.catalog.models import ImmutableVersion, ItemStatus, ItemVersion
from township.catalog.snapshot import diff_snapshots
from township.core.errors import DomainError, PermissionRefused


def _with_materials(item, editor):
    licence = services.material_type_for("营业执照", certificate_satisfies=True)
    idcard = services.material_type_for("居民身份证")
    plan = services.material_type_for("食品安全管理制度")
    services.item_set_materials(
        actor=editor,
        item=item,
        materials=[
            {"material_type": licence, "essential": True},
            {"material_type": idcard, "essential": True, "copies": 1},
            {"material_type": plan, "essential": False, "may_be_missing": True},
        ],
    )


def test_publish_creates_a_snapshot_with_the_rules_approval_reads(make_item, editor):
    item = make_item(risk_class="encouraged", gap_allowed=True, gap_deadline_days=5)
    _with_materials(item, editor)
    version = services.item_publish(item=item, actor=editor, reason="首次发布")
    assert version.number == 1
    snap = selectors.item_version_current(item).snapshot
    assert snap["promised_limit"] == 3 and snap["promised_unit"] == "working_days"
    assert snap["statutory_limit"] == 20 and snap["risk_class"] == "encouraged"
    assert snap["gap_rule"] == {
        "allowed": True,
        "deadline": 5,
        "unit": "working_days",
        "material_type_codes": ["spaqglzd"],
    }
    assert [m["material_type_name"] for m in snap["materials"]] == ["营业执照", "居民身份证", "食品安全管理制度"]
    assert snap["materials"][0]["certificate_satisfies"] is True
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and not item.dirty


def test_published_version_never_changes_when_the_draft_is_edited(make_item, editor):
    item = make_item()
    _with_materials(item, editor)
    v1 = services.item_publish(item=item, actor=editor, reason="首次发布")
    services.item_update(
        actor=editor, item=item, data={"promised_limit": 2, "name": "食品经营许可（仅销售预包装食品）"}
    )
    services.item_set_materials(actor=editor, item=item, materials=[])
    v1.refresh_from_db()
    assert v1.snapshot["promised_limit"] == 3
    assert len(v1.snapshot["materials"]) == 3
    assert selectors.item_version_current(item).pk == v1.pk  # the draft is not live until published
    v2 = services.item_publish(item=item, actor=editor, reason="压缩承诺时限")
    assert v2.number == 2 and v2.snapshot["promised_limit"] == 2
    diff = {d["field"]: d for d in diff_snapshots(v1.snapshot, v2.snapshot)}
    assert diff["promised_limit"]["old"] == 3 and diff["promised_limit"]["new"] == 2
    assert "name" in diff and "materials" in diff and "statutory_limit" not in diff
    assert [v.number for v in selectors.item_versions(actor=editor, item=item)] == [2, 1]


def test_a_version_cannot_be_saved_updated_or_deleted(make_item, editor):
    item = make_item()
    version = services.item_publish(item=item, actor=editor, reason="首次发布")
    version.snapshot["promised_limit"] = 99
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        ItemVersion.objects.filter(pk=version.pk).update(reason="改")
    with pytest.raises(ImmutableVersion):
        version.delete()
    with pytest.raises(ImmutableVersion):
        ItemVersion.objects.filter(pk=version.pk).delete()
    assert ItemVersion.objects.get(pk=version.pk).snapshot["promised_limit"] == 3


def test_publish_needs_a_reason_and_the_right_role(make_item, editor, town_clerk):
    item = make_item()
    with pytest.raises(DomainError) as err:
        services.item_publish(item=item, actor=editor, reason=" ")
    assert err.value.code == "reason_required"
    with pytest.raises(PermissionRefused):
        services.item_publish(item=item, actor=town_clerk, reason="发布")


def test_used_items_are_retired_not_deleted(make_item, editor):
    draft = make_item("临时事项")
    services.item_delete(item=draft, actor=editor)
    item = make_item()
    services.item_publish(item=item, actor=editor, reason="首次发布")
    with pytest.raises(DomainError) as err:
        services.item_delete(item=item, actor=editor)
    assert err.value.code == "item_in_use"
    services.item_suspend(item=item, actor=editor, reason="暂停办理")
    assert selectors.item_version_current(item) is None
    services.item_resume(item=item, actor=editor, reason="恢复")
    services.item_retire(item=item, actor=editor, reason="法规废止")
    with pytest.raises(DomainError):
        services.item_update(actor=editor, item=item, data={"name": "x"})


def test_rules_on_drafts(make_item):
    with pytest.raises(DomainError) as err:
        make_item(promised_limit=30)
    assert err.value.field == "promised_limit"
    with pytest.raises(DomainError) as err:
        make_item(gap_allowed=True)
    assert err.value.code == "gap_deadline_required"
    with pytest.raises(DomainError) as err:
        make_item(risk_class="control", gap_allowed=True, gap_deadline_days=5)
    assert err.value.code == "gap_not_for_control"
    make_item(implementation_code="DUP")
    with pytest.raises(DomainError) as err:
        make_item(implementation_code="DUP")
    assert err.value.code == "duplicate_code"


def test_publish_all_after_an_import_creates_next_versions(make_item, editor, town_clerk, cat_town):
    published = make_item("已发布事项")
    services.item_publish(item=published, actor=editor, reason="首次发布")
    services.item_update(actor=editor, item=published, data={"promised_limit": 2})
    fresh = make_item("新事项")
    untouched = make_item("未改事项")
    services.item_publish(item=untouched, actor=editor, reason="首次发布")
    with pytest.raises(PermissionRefused):
        services.items_publish_all(actor=town_clerk, jurisdiction=cat_town.code, reason="批量")
    assert services.items_publish_all(actor=editor, jurisdiction=cat_town.code, reason="批量发布") == 2
    published.refresh_from_db()
    fresh.refresh_from_db()
    assert published.current_version.number == 2 and published.current_version.snapshot["promised_limit"] == 2
    assert fresh.current_version.number == 1 and fresh.status == ItemStatus.PUBLISHED and not fresh.dirty
    assert untouched.versions.count() == 1
