"""The demo catalog: the articles' numbers, the Ms Luo items and themes; seeding twice changes nothing."""

from __future__ import annotations

import io

from township.catalog import demo, selectors
from township.catalog.models import Delegation, Item, ItemStatus, ItemVersion, Theme


def test_demo_catalog_numbers_and_idempotence(db):
    demo.seed(io.StringIO())
    counts = (Item.objects.count(), ItemVersion.objects.count(), Delegation.objects.count())
    demo.seed(io.StringIO())
    assert (Item.objects.count(), ItemVersion.objects.count(), Delegation.objects.count()) == counts

    # 尚村镇: 133 county powers, exactly the articles' breakdown, each with a delegation record
    assert selectors.type_counts(jurisdiction=demo.SHANGCUN) == {
        "02": 45,
        "20": 40,
        "01": 21,
        "10": 10,
        "07": 10,
        "06": 5,
        "03": 2,
    }
    assert Delegation.objects.filter(jurisdiction_id=demo.SHANGCUN, from_jurisdiction_id=demo.SUNING).count() == 133

    # 白沙镇: the 242-item hall catalog and 173 district powers delegated by 江津区
    baisha = Item.objects.filter(jurisdiction_id=demo.BAISHA)
    delegated = Delegation.objects.filter(jurisdiction_id=demo.BAISHA, from_jurisdiction_id=demo.JIANGJIN)
    assert delegated.count() == 173
    assert baisha.exclude(pk__in=delegated.values("item_id")).count() == 242
    assert not baisha.exclude(status=ItemStatus.PUBLISHED).exists()
    assert baisha.values("name").distinct().count() == baisha.count()  # no duplicate names
    hall_item = baisha.get(implementation_code="500116108-BM-0001")
    assert [m["material_type_name"] for m in hall_item.current_version.snapshot["materials"]][:1] == ["居民身份证"]


def test_demo_has_the_ms_luo_items(db):
    demo.seed(io.StringIO())
    reg = Item.objects.get(jurisdiction_id=demo.BAISHA, name="个体工商户登记")
    food = Item.objects.get(jurisdiction_id=demo.BAISHA, name="食品经营许可")
    assert reg.handling_kind == "1"
    snap = selectors.item_version_current(food).snapshot
    assert (snap["promised_limit"], snap["promised_unit"], snap["risk_class"]) == (3, "working_days", "encouraged")
    assert snap["gap_rule"]["allowed"] and snap["gap_rule"]["deadline"] == 5
    licence = next(m for m in snap["materials"] if m["material_type_name"] == "营业执照")
    assert licence["certificate_satisfies"] and licence["material_type_code"] == "yyzz"
    assert any(m["material_type_name"] == "居民身份证" for m in snap["materials"])
    theme = Theme.objects.get(jurisdiction_id=demo.BAISHA, name="开办小餐饮店")
    assert [i.name for i in selectors.theme_items(theme)] == ["个体工商户登记", "食品经营许可", "社会保险登记"]
    assert Theme.objects.filter(name="开办小商店").exists()
    names = [m["name"] for m in selectors.theme_materials(theme)]
    assert names.count("营业执照") == 1 and names.count("居民身份证") == 1
