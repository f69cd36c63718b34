"""Credit entries: blacklist and false-commitment lookups across towns, repair, scoped staff page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from township.core.errors import DomainError, PermissionRefused
from township.credit.models import CreditKind
from township.credit.selectors import credit_has_false_commitment, credit_is_blacklisted, credit_records_for
from township.credit.services import credit_record_create, credit_record_repair
from township.org.models import Role
from township.subjects.services import subject_get_or_create_org

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture
def shop(town_a):
    return subject_get_or_create_org(uscc="92500116MA5U7G8H24", name="罗记土特产店", registered_in=town_a)


@pytest.fixture
def head_a(make_user, town_a):
    return make_user((town_a, Role.APPROVAL_HEAD), full_name="审批科长")


def test_blacklist_in_force_between_its_dates(shop, town_a, approver_a):
    credit_record_create(
        subject=shop,
        kind=CreditKind.BLACKLIST,
        reason="列入严重违法失信名单",
        actor=approver_a,
        jurisdiction=town_a,
        valid_from=datetime.date(2026, 3, 1),
        valid_until=datetime.date(2027, 2, 28),
    )
    assert credit_is_blacklisted(shop, on=TODAY)
    assert not credit_is_blacklisted(shop, on=datetime.date(2026, 2, 28))
    assert not credit_is_blacklisted(shop, on=datetime.date(2027, 3, 1))
    assert not credit_has_false_commitment(shop, on=TODAY)


def test_false_commitment_found_wherever_it_was_written(shop, town_b, clerk_b):
    assert not credit_has_false_commitment(shop)
    credit_record_create(
        subject=shop,
        kind=CreditKind.FALSE_COMMITMENT,
        reason="告知承诺核查发现未取得场地使用权",
        actor=clerk_b,
        jurisdiction=town_b,
    )
    assert credit_has_false_commitment(shop)
    assert not credit_is_blacklisted(shop)


def test_repair_ends_the_entry_from_the_next_day(shop, town_a, approver_a, head_a):
    record = credit_record_create(
        subject=shop,
        kind=CreditKind.BLACKLIST,
        reason="严重失信",
        actor=approver_a,
        jurisdiction=town_a,
        valid_from=datetime.date(2025, 1, 1),
    )
    with pytest.raises(PermissionRefused):
        credit_record_repair(record=record, actor=approver_a, reason="已履行")
    credit_record_repair(record=record, actor=head_a, reason="已履行处罚决定，消除不良影响")
    today = timezone.localdate()
    assert credit_is_blacklisted(shop, on=today - datetime.timedelta(days=1))
    assert not credit_is_blacklisted(shop, on=today)
    with pytest.raises(DomainError) as exc:
        credit_record_repair(record=record, actor=head_a, reason="再次")
    assert exc.value.code == "already_repaired"


def test_entry_records_writer_source_and_jurisdiction(shop, town_a, approver_a, clerk_a):
    from township.cases import registry
    from township.cases.services import case_open
    from township.cases.tests.machines import TOY_MACHINE

    registry.register(TOY_MACHINE)
    try:
        case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title="告知承诺核查")
        record = credit_record_create(
            subject=shop,
            kind=CreditKind.FALSE_COMMITMENT,
            reason="承诺不实",
            actor=approver_a,
            jurisdiction=town_a,
            source_case=case,
        )
    finally:
        registry.unregister(TOY_MACHINE.case_type)
    assert (record.recorded_by, record.jurisdiction_id, record.source_number, record.source_app) == (
        approver_a,
        "500116108",
        case.number,
        "toy",
    )


def test_writing_needs_a_role_in_that_jurisdiction_and_a_reason(shop, town_a, clerk_b):
    with pytest.raises(PermissionRefused):
        credit_record_create(subject=shop, kind=CreditKind.BLACKLIST, reason="越权", actor=clerk_b, jurisdiction=town_a)
    with pytest.raises(DomainError) as exc:
        credit_record_create(subject=shop, kind="rumour", reason="x", actor=None, jurisdiction=town_a)
    assert exc.value.code == "invalid_kind"
    with pytest.raises(DomainError) as exc:
        credit_record_create(subject=shop, kind=CreditKind.PENALTY, reason=" ", actor=None, jurisdiction=town_a)
    assert exc.value.code == "reason_required"


def test_records_for_subject_are_scoped_for_staff(shop, town_a, town_b, approver_a, clerk_b, clerk_a):
    credit_record_create(
        subject=shop, kind=CreditKind.POSITIVE, reason="诚信经营示范户", actor=approver_a, jurisdiction=town_a
    )
    credit_record_create(
        subject=shop, kind=CreditKind.FALSE_COMMITMENT, reason="承诺不实", actor=clerk_b, jurisdiction=town_b
    )
    assert credit_records_for(shop).count() == 2
    assert [r.jurisdiction_id for r in credit_records_for(shop, actor=clerk_a)] == ["500116108"]
    assert [r.jurisdiction_id for r in credit_records_for(shop, actor=clerk_b)] == ["500116100"]


def test_staff_page_shows_own_records_and_flags_from_everywhere(
    client, shop, town_a, town_b, approver_a, clerk_a, clerk_b, make_user, django_assert_max_num_queries
):
    for n in range(4):
        credit_record_create(
            subject=shop, kind=CreditKind.PENALTY, reason=f"处罚{n}", actor=approver_a, jurisdiction=town_a
        )
    credit_record_create(subject=shop, kind=CreditKind.BLACKLIST, reason="严重失信", actor=clerk_b, jurisdiction=town_b)
    url = reverse("credit:subject_records", args=[shop.pk])
    client.force_login(clerk_a)
    with django_assert_max_num_queries(16):  # + grade history, pending overrides, officer reach
        response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('class="credit-record"') == 4
    assert "严重失信主体名单" in content  # the flag, from 几江街道
    assert "其他区划另有 1 条记录" in content

    applicant = make_user((town_a, Role.APPLICANT), resident_id="500116198803150266")
    client.force_login(applicant)
    assert client.get(url).status_code == 404


def test_api_summary_and_create(client, shop, town_a, approver_a, clerk_b):
    client.force_login(approver_a)
    response = client.post(
        "/api/v1/credit/records",
        {"subject": shop.uscc, "kind": "blacklist", "reason": "严重失信", "jurisdiction": "500116108"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    client.force_login(clerk_b)
    assert client.get(f"/api/v1/credit/subjects/{shop.uscc}/summary").json()["blacklisted"] is True
    assert client.get(f"/api/v1/credit/subjects/{shop.uscc}/records").json() == []
    response = client.post(
        "/api/v1/credit/records",
        {"subject": shop.uscc, "kind": "blacklist", "reason": "越权", "jurisdiction": "500116108"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
