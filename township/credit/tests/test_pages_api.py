"""Credit pages and API: workbench (filters, export), public 信用公示 (masked, in period only), sealed report,
case steps through the engine's actions API, other towns get 404."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from township.credit.models import CreditKind
from township.credit.services import credit_record_create
from township.org.models import Department, Role
from township.subjects.services import subject_get_or_create_org, subject_get_or_create_person

USCC = "92500116MA5U7G8H24"


@pytest.fixture
def shop(town_a):
    return subject_get_or_create_org(uscc=USCC, name="罗记土特产店", registered_in=town_a)


@pytest.fixture
def officer(make_user, town_a):
    return make_user((town_a, Role.CREDIT_OFFICER), username="credit_pg_officer", full_name="信用管理员")


@pytest.fixture
def records(shop, town_a, officer):
    today = timezone.localdate()
    return [
        credit_record_create(
            subject=shop,
            kind=CreditKind.PENALTY,
            reason="超范围经营罚款",
            actor=officer,
            jurisdiction=town_a,
            severity="general",
            source_number="白执罚〔2026〕9号",
        ),
        credit_record_create(
            subject=shop, kind=CreditKind.PENALTY, reason="警告", actor=officer, jurisdiction=town_a, severity="minor"
        ),
        credit_record_create(
            subject=shop,
            kind=CreditKind.PENALTY,
            reason="两年前的处罚",
            actor=officer,
            jurisdiction=town_a,
            severity="general",
            valid_from=today - datetime.timedelta(days=800),
        ),
    ]


def test_workbench_filters_and_exports(client, officer, records, clerk_b):
    client.force_login(officer)
    page = client.get(reverse("credit:workbench"), {"severity": "general"}).content.decode()
    assert page.count('class="credit-record"') == 2 and "警告" not in page
    response = client.get(reverse("credit:workbench"), {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.active.max_row == 4
    client.force_login(clerk_b)
    assert "超范围经营罚款" not in client.get(reverse("credit:workbench")).content.decode()


def test_public_page_shows_only_records_in_their_period_without_login(client, records):
    page = client.get(reverse("credit:public"), {"q": USCC}).content.decode()
    assert "超范围经营罚款" in page
    assert "警告" not in page  # minor: not published (NDRC Order 36)
    assert "两年前的处罚" not in page  # past its maximum period
    api = client.get("/api/v1/credit/public", {"q": "罗记"}).json()
    assert [r["reason"] for r in api[0]["records"]] == ["超范围经营罚款"]


def test_public_page_masks_persons_and_needs_the_full_id(client, town_a, officer):
    luo = subject_get_or_create_person(resident_id="500116198803150266", name="罗晓梅", registered_in=town_a)
    credit_record_create(subject=luo, kind=CreditKind.PENALTY, reason="占道经营", actor=officer, jurisdiction=town_a)
    assert "占道经营" not in client.get(reverse("credit:public"), {"q": "罗晓梅"}).content.decode()
    page = client.get(reverse("credit:public"), {"q": "500116198803150266"}).content.decode()
    results = page.split('class="card public-subject"', 1)[1]
    assert "占道经营" in results and "罗晓梅" not in results and "500116198803150266" not in results


def test_statistics_and_lists_render(client, officer, records):
    client.force_login(officer)
    for name in ("credit:statistics", "credit:listings", "credit:repairs"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get("/api/v1/credit/statistics").json()["by_severity"]["general"] == 2


def test_sealed_report_verifies(client, officer, shop, records, town_a):
    Department.objects.create(jurisdiction=town_a, name="党政办公室", kind="office", uscc="11500116MB1520388J")
    client.force_login(officer)
    response = client.get(reverse("credit:report", args=[shop.pk]))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    from township.certificates.models import SealedDocument
    from township.certificates.selectors import sealed_document_verify

    doc = SealedDocument.objects.get(kind="credit.report")
    assert sealed_document_verify(doc.code)["title"] == "信用报告"


def test_other_town_gets_404(client, clerk_b, shop, records):
    client.force_login(clerk_b)
    assert client.get(reverse("credit:report", args=[shop.pk])).status_code == 404
    assert client.get(reverse("credit:repair_apply", args=[records[0].pk])).status_code == 404


def test_listing_steps_through_the_actions_api(client, officer, shop, town_a, make_user):
    leader = make_user((town_a, Role.LEADER), username="credit_pg_leader")
    client.force_login(officer)
    r = client.post(
        "/api/v1/credit/listings",
        {"subject": USCC, "facts": "拒不履行", "basis": "依据", "jurisdiction": town_a.pk},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    case_id = r.json()["case_id"]
    r = client.post(f"/api/v1/cases/{case_id}/actions/listing_notify", {}, content_type="application/json")
    assert r.status_code in (200, 201), r.content
    r = client.post(f"/api/v1/cases/{case_id}/actions/listing_list", {"reason": "x"}, content_type="application/json")
    assert r.status_code >= 400
    r = client.post(
        f"/api/v1/cases/{case_id}/actions/listing_statement", {"statement": "已整改"}, content_type="application/json"
    )
    assert r.status_code in (200, 201), r.content
    client.force_login(leader)
    r = client.post(
        f"/api/v1/cases/{case_id}/actions/listing_list", {"reason": "理由不成立"}, content_type="application/json"
    )
    assert r.status_code in (200, 201), r.content
    assert client.get(f"/api/v1/credit/subjects/{USCC}/grade").json()["grade"] == "D"
    assert client.get(reverse("credit:listing", args=[case_id])).status_code == 200


def test_repair_applied_online_from_my_credit(client, shop, town_a, officer, make_user):
    record = credit_record_create(
        subject=shop, kind=CreditKind.PENALTY, reason="罚款", actor=officer, jurisdiction=town_a, severity="minor"
    )
    owner = make_user((town_a, Role.APPLICANT), username="credit_pg_owner", uscc=USCC)
    client.force_login(owner)
    page = client.get(reverse("credit:mine")).content.decode()
    assert "申请信用修复" in page
    r = client.post(
        reverse("credit:repair_apply", args=[record.pk]),
        {"record": record.pk, "performance": "已改正", "pledge": "承诺"},
    )
    assert r.status_code == 302
    assert client.get(r["Location"]).status_code == 200
