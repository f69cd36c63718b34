"""Test and demo helpers: a small published catalog for the Ms Luo scenario (used by tests and the e2e test)."""

from __future__ import annotations

import zlib
from typing import Any

from township.core.identifiers import resident_id_check_char, uscc_check_char


def rid(body17: str) -> str:
    return body17 + resident_id_check_char(body17)


def uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


LUO_ID = rid("50011619880315204")
BUREAU_USCC = uscc("11500116MB1234567")


def ensure_holidays() -> None:
    """Transactional tests (threads, live server) flush the database, the seeded holiday table with it."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps as django_apps
    from django.db import connection

    from township.core import calendar
    from township.core.models import CalendarYear

    if not CalendarYear.objects.filter(year=2026).exists():
        module = importlib.import_module("township.core.migrations.0002_seed_holidays")
        module.seed(django_apps, SimpleNamespace(connection=connection))
    calendar.invalidate_cache()


def build_catalog(head_a: Any, town_a: Any) -> dict[str, Any]:
    """营业执照 (即办, online), 食品经营许可 (需营业执照; 慎审; 容缺; 告知承诺), 社会保险登记; 爆炸物 (控制类)."""
    from township.catalog import services as cat

    licence_mt = cat.material_type_for("营业执照", certificate_satisfies=True, code="yyzz")
    id_mt = cat.material_type_for("居民身份证", code="sfz")
    plan_mt = cat.material_type_for("经营场所平面图", code="cspmt")
    health_mt = cat.material_type_for("从业人员健康证明", code="jkzm")
    food_mt = cat.material_type_for("食品经营许可证", certificate_satisfies=True, code="spjyxkz")
    insured_mt = cat.material_type_for("社会保险登记证", certificate_satisfies=True, code="sbdjz")

    def item(name, result, materials, **extra):
        data = {
            "name": name,
            "item_type": "01",
            "implementation_code": f"B-{zlib.crc32(name.encode()):010d}",
            "department_name": "行政审批局",
            "statutory_limit": 20,
            "promised_limit": 3,
            "result_name": result,
            "handling_kind": "2",
            **extra,
        }
        it = cat.item_create(actor=head_a, jurisdiction=town_a.code, data=data)
        cat.item_set_materials(actor=head_a, item=it, materials=materials)
        it.refresh_from_db()
        cat.item_publish(item=it, actor=head_a, reason="首次发布")
        it.refresh_from_db()
        return it

    licence = item(
        "个体工商户登记",
        "营业执照",
        [{"material_type": id_mt, "essential": True}],
        promised_limit=1,
        channel_online=True,
        channel_village_agent=True,
        risk_class="encouraged",
    )
    food = item(
        "食品经营许可",
        "食品经营许可证",
        [
            {"material_type": licence_mt, "essential": True},
            {"material_type": id_mt, "essential": True},
            {"material_type": plan_mt, "essential": False, "may_be_missing": True},
            {"material_type": health_mt, "essential": False, "may_be_missing": True},
        ],
        risk_class="careful",
        gap_allowed=True,
        gap_deadline_days=5,
        commitment_allowed=True,
        commitment_text="本人承诺所填信息真实，经营场所符合食品安全要求。",
        commitment_check_days=30,
        channel_village_agent=True,
    )
    insurance = item(
        "社会保险登记",
        "社会保险登记证",
        [{"material_type": licence_mt, "essential": True}, {"material_type": id_mt, "essential": True}],
        item_type="20",
        promised_limit=3,
    )
    control = item(
        "烟花爆竹经营（零售）许可",
        "烟花爆竹经营许可证",
        [
            {"material_type": licence_mt, "essential": True},
            {"material_type": plan_mt, "essential": False, "may_be_missing": False},
        ],
        risk_class="control",
    )
    return {
        "licence": licence,
        "food": food,
        "insurance": insurance,
        "control": control,
        "types": {
            "licence": licence_mt,
            "id": id_mt,
            "plan": plan_mt,
            "health": health_mt,
            "food": food_mt,
            "insured": insured_mt,
        },
    }
