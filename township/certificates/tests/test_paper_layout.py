"""Certificates laid out per type with Chinese labels: approval's keys are labelled, unknown keys left off paper.
(The demo-wide check of every document is tests/test_paper_labels.py.)"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from township.certificates import pdf

RAW_KEY = re.compile(r"(?<![A-Za-z0-9_./])([A-Za-z_][A-Za-z0-9_]*)\s*[:：]")


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def raw_keys(text: str) -> list[str]:
    return RAW_KEY.findall(text)


def test_the_raw_key_probe_catches_what_it_must():
    assert raw_keys("item: 个体工商户登记\ncase_number：白沙审〔2026〕1") == ["item", "case_number"]
    assert raw_keys("许可事项：个体工商户登记 SM2签名：3044 证照标识：1.2.156") == []


def test_a_certificate_issued_by_approval_prints_labels_not_keys(issue, luo):
    """The keys approval's ``application_issue`` writes (item, item_code, case_number, holder_address)."""
    cert = issue(
        luo,
        type_name="营业执照（个体工商户）",
        data={
            "item": "个体工商户登记",
            "item_code": "500116108-GTGSH-0001",
            "case_number": "白沙审〔2026〕000001",
            "holder_address": "白沙镇黑石山村3组",
            "valid_note_date": "2026-03-02",
        },
    )
    text = pdf_text(pdf.render_certificate(cert))
    assert raw_keys(text) == []
    assert "许可事项：" in text and "办件编号：" in text and "事项实施编码：" in text and "登记机关：" in text
    assert "valid_note_date" not in text  # an unknown key is left off, never printed raw
    assert pdf.unlabelled_keys(cert.data) == ["valid_note_date"]


def test_each_certificate_type_has_its_layout(issue, luo):
    permit = issue(luo, type_name="食品经营许可证", data={"经营场所": "白沙镇老街45号", "主体业态": "餐饮服务经营者"})
    text = pdf_text(pdf.render_certificate(permit))
    assert "经营者名称：" in text and "发证机关：" in text and "主体业态：" in text
    other = issue(luo, type_name="社会保险登记证明", data={"item": "社会保险登记", "when": "2026-03-02"})
    rows = dict(pdf.certificate_rows(other))
    assert rows["持证主体"] == "罗晓梅" and rows["颁发单位"] and rows["许可事项"] == "社会保险登记"
    assert pdf.display_value("2026-03-02") == "2026年03月02日" and pdf.display_value(["a", "b"]) == "a、b"
