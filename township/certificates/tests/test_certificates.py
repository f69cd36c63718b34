"""Issuing, verifying, suspending and revoking certificates; PDF; the public page and API."""

from __future__ import annotations

import datetime
import io
import json
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from township.certificates import crypto, identifier
from township.certificates.models import Certificate, CertificateStatus, LibraryItem, SealKey
from township.certificates.pdf import render_certificate, verification_url
from township.certificates.selectors import certificate_verify
from township.certificates.services import (
    certificate_restore,
    certificate_revoke,
    certificate_signature_ok,
    certificate_suspend,
)
from township.core.errors import DomainError, PermissionRefused
from township.org.models import Role

from .conftest import BUREAU_USCC, LICENCE_TYPE


def test_issue_builds_a_gbt36904_identifier_with_a_yearly_serial(licence, issue, luo):
    parts = identifier.parse(licence.identifier)
    assert parts is not None
    assert parts["type_code"] == LICENCE_TYPE
    assert parts["issuer_uscc"] == BUREAU_USCC
    assert parts["version"] == "001"
    year = timezone.localdate().year
    assert licence.serial == f"{year}000001"
    second = issue(luo, type_name="营业执照（副本）")
    assert second.serial == f"{year}000002"
    assert second.identifier != licence.identifier


def test_issue_signs_the_canonical_payload_and_goes_into_the_library(licence, luo):
    payload = json.loads(licence.signed_payload)
    assert payload["identifier"] == licence.identifier
    assert payload["holder"] == {"kind": "person", "name": "罗晓梅", "identifier": luo.resident_id}
    assert licence.signed_payload.encode() == crypto.canonical_bytes(payload)
    assert certificate_signature_ok(licence)
    item = LibraryItem.objects.get(certificate=licence)
    assert item.subject == luo and item.material_type_code == LICENCE_TYPE


def test_one_encrypted_key_per_issuing_unit(licence, issue, luo, bureau):
    issue(luo)
    key = SealKey.objects.get(department=bureau)
    assert SealKey.objects.filter(department=bureau).count() == 1
    private = crypto.decrypt_private_key(key.private_key_encrypted, public_key=key.public_key)
    assert private not in key.private_key_encrypted
    assert crypto.public_key_for(private) == key.public_key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command line not installed")
def test_openssl_verifies_an_issued_certificate(licence, tmp_path):
    """Export the issuer's public key as PEM and the signed bytes; the openssl CLI must verify them."""
    (tmp_path / "issuer.pem").write_text(crypto.public_key_pem(licence.seal_key.public_key))
    (tmp_path / "certificate.json").write_bytes(licence.signed_payload.encode("utf-8"))
    (tmp_path / "certificate.sig").write_bytes(bytes.fromhex(licence.signature))
    result = subprocess.run(
        [
            "openssl",
            "dgst",
            "-sm3",
            "-verify",
            str(tmp_path / "issuer.pem"),
            "-signature",
            str(tmp_path / "certificate.sig"),
            "-sigopt",
            "distid:1234567812345678",
            str(tmp_path / "certificate.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verified OK" in result.stdout


def test_issue_refuses_a_department_without_uscc(issue, luo, bureau):
    bureau.uscc = ""
    bureau.save()
    with pytest.raises(DomainError) as exc:
        issue(luo)
    assert exc.value.code == "issuer_uscc_missing"


def test_issue_refuses_staff_of_another_town(issue, luo, clerk_b):
    with pytest.raises(PermissionRefused):
        issue(luo, actor=clerk_b)
    assert not Certificate.objects.exists()


def test_verification_statuses(licence, approver_a, issue, luo):
    assert certificate_verify(licence.identifier)["status"] == "valid"
    certificate_suspend(certificate=licence, actor=approver_a, reason="涉嫌虚假材料，调查期间暂停")
    assert certificate_verify(licence.identifier)["status"] == "suspended"
    certificate_restore(certificate=licence, actor=approver_a, reason="调查结束")
    assert certificate_verify(licence.identifier)["status"] == "valid"
    certificate_revoke(certificate=licence, actor=None, reason="告知承诺核查不通过")
    assert certificate_verify(licence.identifier)["status"] == "revoked"

    old = issue(luo, valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1))
    assert certificate_verify(old.identifier)["status"] == "expired"
    assert certificate_verify(old.identifier, on=datetime.date(2020, 6, 1))["status"] == "valid"
    assert (
        certificate_verify(old.identifier[:-1] + ("0" if old.identifier[-1] != "0" else "1"))["status"] == "malformed"
    )
    missing = identifier.build(LICENCE_TYPE, BUREAU_USCC, "2099000001", "001")
    assert certificate_verify(missing)["status"] == "not_found"


def test_revocation_records_who_and_why_and_is_final(licence, approver_a):
    certificate_revoke(certificate=licence, actor=approver_a, reason="吊销许可证件")
    change = licence.status_changes.get()
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        "valid",
        "revoked",
        approver_a,
        "吊销许可证件",
    )
    with pytest.raises(DomainError) as exc:
        certificate_restore(certificate=licence, actor=approver_a, reason="误操作")
    assert exc.value.code == "certificate_status"
    with pytest.raises(DomainError) as exc:
        certificate_revoke(certificate=licence, actor=approver_a, reason="")
    assert exc.value.code == "reason_required"


def test_status_change_needs_a_role_in_the_certificates_town(licence, clerk_b, clerk_a):
    with pytest.raises(PermissionRefused):
        certificate_revoke(certificate=licence, actor=clerk_b, reason="越权")
    with pytest.raises(PermissionRefused):  # a window clerk may not revoke
        certificate_revoke(certificate=licence, actor=clerk_a, reason="无权")
    licence.refresh_from_db()
    assert licence.status == CertificateStatus.VALID


def test_tampered_row_fails_the_signature_check(licence):
    Certificate.objects.filter(pk=licence.pk).update(signed_payload=licence.signed_payload.replace("罗晓梅", "罗小妹"))
    licence.refresh_from_db()
    assert certificate_verify(licence.identifier)["status"] == "signature_invalid"


def test_public_verification_masks_the_holder(licence):
    result = certificate_verify(licence.identifier)
    assert result["holder_name"] == "罗**"
    assert "198803" not in result["holder_identifier"]


def test_pdf_has_extractable_chinese_text_and_the_qr_target(licence):
    body = render_certificate(licence, base_url="https://zw.example.cn/")
    assert body.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(body))
    text = reader.pages[0].extract_text()
    assert "营业执照" in text
    assert "罗晓梅" in text
    assert "白沙镇行政审批办公室" in text
    assert "预包装食品销售" in text
    assert licence.identifier in text
    assert verification_url(licence, "https://zw.example.cn/") == f"https://zw.example.cn/verify/{licence.identifier}"


def test_public_verify_page_needs_no_login(client, licence):
    response = client.get(reverse("certificates:verify", args=[licence.identifier]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "有效" in content and "罗**" in content and "罗晓梅" not in content
    response = client.get(reverse("certificates:verify", args=["1.2.156.3005.2.X.Y.Z.001.0"]))
    assert response.status_code == 404


def test_public_verify_api(client, licence, approver_a):
    url = f"/api/v1/certificates/verify/{licence.identifier}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["status"] == "valid"
    certificate_revoke(certificate=licence, actor=approver_a, reason="吊销")
    assert client.get(url).json()["status"] == "revoked"


def test_revoke_api_is_scoped(client, licence, approver_a, clerk_b):
    client.force_login(clerk_b)
    response = client.post(
        f"/api/v1/certificates/{licence.pk}/revoke", {"reason": "越权"}, content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(approver_a)
    response = client.post(
        f"/api/v1/certificates/{licence.pk}/revoke", {"reason": "吊销"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["effective_status"] == "revoked"


def test_only_the_holder_or_staff_in_scope_download_the_pdf(
    client, licence, luo_user, make_user, clerk_a, clerk_b, town_a
):
    url = reverse("certificates:pdf", args=[licence.pk])
    assert client.get(url).status_code == 302  # login first
    stranger = make_user((town_a, Role.APPLICANT), resident_id="11010519491231002X", full_name="张三")
    for user, expected in ((luo_user, 200), (clerk_a, 200), (clerk_b, 404), (stranger, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert response["Content-Type"] == "application/pdf"


def test_my_library_lists_the_holders_certificates(
    client, licence, luo_user, issue, luo, django_assert_max_num_queries
):
    for _ in range(3):
        issue(luo)
    client.force_login(luo_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("certificates:my_library"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("下载PDF") == 4
    assert licence.identifier in content


def test_mine_api_lists_only_own_certificates(client, licence, luo_user, clerk_a):
    client.force_login(luo_user)
    data = client.get("/api/v1/certificates/mine").json()
    assert [c["identifier"] for c in data["certificates"]] == [licence.identifier]
    client.force_login(clerk_a)
    assert client.get("/api/v1/certificates/mine").json()["certificates"] == []


def test_decision_document_pdf_has_extractable_text():
    from township.certificates.pdf import render_document

    body = render_document(
        title="准予行政许可决定书",
        doc_number="白沙审批许〔2026〕1号",
        unit_name="白沙镇行政审批办公室",
        addressee="罗晓梅",
        paragraphs=["你于2026年5月20日提出的食品经营许可申请，经审查，符合法定条件和标准，决定准予许可。" * 3],
        footer="如不服本决定，可在收到之日起六十日内申请行政复议，或六个月内提起行政诉讼。",
        verify="https://zw.example.cn/verify/x",
    )
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "准予行政许可决定书" in text and "罗晓梅" in text and "行政复议" in text


def test_data_with_dates_is_stored_as_signed_strings(issue, luo):
    cert = issue(luo, data={"成立日期": datetime.date(2026, 5, 20), "注册资本": "10万元"})
    cert.refresh_from_db()
    assert cert.data["成立日期"] == "2026-05-20"
    assert json.loads(cert.signed_payload)["data"] == cert.data
    assert certificate_signature_ok(cert)
