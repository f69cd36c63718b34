"""Demo certificates: 白沙镇行政审批局 gets a (made-up, valid) USCC and an SM2 key; a few certificates.

Material type codes follow the catalog's MaterialType codes when the catalog is installed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps

from township.certificates.models import Certificate
from township.certificates.pdf import render_document
from township.certificates.services import certificate_issue, certificate_revoke, library_store
from township.org.models import Department
from township.subjects.selectors import subject_find

BAISHA = "500116108"
BUREAU_USCC = "11500116MB1520388J"  # made up, check character valid
FOOD_PERMIT_TYPE = "11100000MB0143028R001"  # 食品经营许可证 (type code: defining body + 3 digits)
LICENCE_TYPE = "11100000000013338W011"  # 营业执照


def material_code(name: str, fallback: str) -> str:
    try:
        material_type = apps.get_model("catalog", "MaterialType")
    except LookupError:
        return fallback
    found = material_type.objects.filter(name=name).values_list("code", flat=True).first()
    return found or fallback


def seed(stdout: Any) -> None:
    bureau = Department.objects.filter(jurisdiction_id=BAISHA, name="行政审批局").first()
    if bureau is None:
        stdout.write("certificates: 行政审批局 missing, skipped")
        return
    if not bureau.uscc:
        bureau.uscc = BUREAU_USCC
        bureau.save(update_fields=["uscc"])
    if Certificate.objects.filter(issuer_department=bureau).exists():
        stdout.write("certificates: already seeded")
        return
    bakery = subject_find("91500116MA60LWJ12B")
    builder = subject_find("91500116MA5YQ7N61J")
    luo = subject_find("500116198803150266")
    if bakery is None or builder is None or luo is None:
        stdout.write("certificates: demo subjects missing, skipped")
        return
    issued_on = datetime.date(2026, 3, 2)
    certificate_issue(
        holder=bakery,
        type_code=FOOD_PERMIT_TYPE,
        type_name="食品经营许可证",
        department=bureau,
        actor=None,
        data={"经营场所": "白沙镇老街45号", "主体业态": "食品销售经营者", "经营项目": "预包装食品销售"},
        valid_from=issued_on,
        valid_until=issued_on.replace(year=2031) - datetime.timedelta(days=1),
        material_type_code=material_code("食品经营许可证", "spjyxkz"),
        source_app="demo",
    )
    permit = certificate_issue(
        holder=builder,
        type_code=LICENCE_TYPE,
        type_name="营业执照",
        department=bureau,
        actor=None,
        data={"类型": "有限责任公司", "经营范围": "建筑材料生产、销售"},
        valid_from=datetime.date(2024, 5, 6),
        material_type_code=material_code("营业执照", "yyzz"),
        source_app="demo",
    )
    certificate_revoke(certificate=permit, actor=None, reason="依法吊销营业执照（江白执罚〔2026〕3号）")
    id_copy = render_document(
        title="居民身份证复印件（演示）",
        unit_name="白沙镇行政审批局",
        paragraphs=["姓名：罗晓梅", "公民身份号码：500116198803150266", "本件为演示数据，经窗口核验与原件一致。"],
        seal_label="核验专用章",
    )
    library_store(
        subject=luo,
        material_type_code=material_code("居民身份证", "jmsfz"),
        title="居民身份证",
        jurisdiction=BAISHA,
        actor=None,
        content=id_copy,
        filename="luo-id-card.pdf",
        content_type="application/pdf",
        source_app="demo",
    )
    stdout.write("certificates: 2 certificates (1 revoked), 1 verified material for 罗晓梅")
