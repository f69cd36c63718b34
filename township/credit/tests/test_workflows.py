"""严重失信主体名单 and 信用修复 as case types: every legal step, and each illegal step refused with its code."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from township.cases.errors import TransitionRefused
from township.cases.models import Case
from township.credit.models import CreditKind, CreditRecord, Listing, PublicationEnd
from township.credit.selectors import credit_grade, credit_is_listed, public_records
from township.credit.services import credit_record_create
from township.credit.workflows import (
    listing_decide,
    listing_notify,
    listing_propose,
    listing_statement,
    listings_expire,
    repair_accept,
    repair_apply,
    repair_decide,
    repair_review,
)
from township.org.models import Role
from township.subjects.services import subject_get_or_create_org

D = datetime.date


@pytest.fixture
def shop(town_a):
    return subject_get_or_create_org(uscc="92500116MA5U7G8H24", name="罗记土特产店", registered_in=town_a)


@pytest.fixture
def officer(make_user, town_a):
    return make_user((town_a, Role.CREDIT_OFFICER), username="credit_wf_officer", full_name="信用管理员")


@pytest.fixture
def leader(make_user, town_a):
    return make_user((town_a, Role.LEADER), username="credit_wf_leader", full_name="分管领导")


def _listed(shop, town_a, officer, leader, statement="已整改"):
    listing = listing_propose(
        subject=shop, facts="拒不履行行政处罚决定", basis="SAMR令第44号", actor=officer, jurisdiction=town_a
    )
    listing_notify(listing=listing, actor=officer)
    listing.case.refresh_from_db()
    listing_statement(listing=listing, actor=officer, statement=statement)
    listing.case.refresh_from_db()
    listing_decide(listing=listing, actor=leader, list_it=True, reason="陈述申辩理由不成立")
    listing.case.refresh_from_db()
    return listing


def test_listing_runs_notice_statement_decision_publication(shop, town_a, officer, leader):
    listing = listing_propose(subject=shop, facts="拒不履行", basis="依据", actor=officer, jurisdiction=town_a)
    assert listing.case.state == "proposed" and listing.statement_days == 5
    listing_notify(listing=listing, actor=officer)
    case = Case.objects.get(pk=listing.case_id)
    assert case.state == "statement" and case.clock_unit == "working_days" and case.clock_limit == 5
    assert case.due_at is not None
    listing.case = case
    listing_statement(listing=listing, actor=officer, statement="申辩：已缴纳罚款")
    listing.case.refresh_from_db()
    listing_decide(listing=listing, actor=leader, list_it=True, reason="理由不成立")
    listing.refresh_from_db()
    assert listing.case.state == "listed"
    r = listing.record
    assert r.kind == CreditKind.BLACKLIST and r.severity == "serious" and r.source == "credit"
    assert (r.min_until, r.max_until) == (
        D(r.valid_from.year + 1, r.valid_from.month, r.valid_from.day),
        D(r.valid_from.year + 3, r.valid_from.month, r.valid_from.day),
    )
    assert credit_is_listed(shop) and credit_grade(shop) == "D"
    assert public_records().filter(pk=r.pk).exists()


def test_no_decision_during_the_statement_period(shop, town_a, officer, leader):
    listing = listing_propose(subject=shop, facts="拒不履行", basis="依据", actor=officer, jurisdiction=town_a)
    listing_notify(listing=listing, actor=officer)
    listing.case.refresh_from_db()
    with pytest.raises(TransitionRefused) as exc:
        listing_decide(listing=listing, actor=leader, list_it=True, reason="x")
    assert exc.value.code == "transition_not_allowed"
    with pytest.raises(TransitionRefused) as exc:
        listings_expire()  # nothing due yet: the statement period is still running
        from township.cases.types import case_type_for

        case_type_for("credit_blacklisting").fire(listing.case, "statement_lapse", None, {})
    assert exc.value.code == "statement_period_running"


def test_statement_period_lapses_by_itself(shop, town_a, officer):
    listing = listing_propose(subject=shop, facts="拒不履行", basis="依据", actor=officer, jurisdiction=town_a)
    listing_notify(listing=listing, actor=officer)
    later = timezone.now() + datetime.timedelta(days=15)
    assert listings_expire(later)["statement_lapsed"] == 1
    assert Case.objects.get(pk=listing.case_id).state == "deciding"


def test_listing_removed_at_the_end_of_publication(shop, town_a, officer, leader):
    listing = _listed(shop, town_a, officer, leader)
    later = timezone.now() + datetime.timedelta(days=3 * 366 + 2)
    assert listings_expire(later)["removed"] == 1
    listing.refresh_from_db()
    assert listing.case.state == "removed" and listing.record.publication_end_reason == PublicationEnd.EXPIRED


def test_listing_cannot_be_removed_early_by_the_worker(shop, town_a, officer, leader):
    listing = _listed(shop, town_a, officer, leader)
    from township.cases.types import case_type_for

    with pytest.raises(TransitionRefused) as exc:
        case_type_for("credit_blacklisting").fire(listing.case, "expire", None, {})
    assert exc.value.code == "publication_running"


def test_decision_needs_a_reason(shop, town_a, officer, leader):
    listing = listing_propose(subject=shop, facts="f", basis="b", actor=officer, jurisdiction=town_a)
    listing_notify(listing=listing, actor=officer)
    listing.case.refresh_from_db()
    listing_statement(listing=listing, actor=officer, statement="s")
    listing.case.refresh_from_db()
    with pytest.raises(TransitionRefused) as exc:
        listing_decide(listing=listing, actor=leader, list_it=False, reason=" ")
    assert exc.value.code == "reason_required"


def _record(shop, town_a, officer, severity="general", days_ago=0):
    return credit_record_create(
        subject=shop,
        kind=CreditKind.PENALTY,
        reason="超范围经营，罚款",
        actor=officer,
        jurisdiction=town_a,
        severity=severity,
        valid_from=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def test_repair_refused_before_the_minimum_period(shop, town_a, officer):
    record = _record(shop, town_a, officer, days_ago=10)
    repair = repair_apply(record=record, actor=officer, performance="已缴纳罚款", pledge="承诺守法经营")
    assert repair.channel == "window"
    with pytest.raises(TransitionRefused) as exc:
        repair_accept(repair=repair, actor=officer)
    assert exc.value.code == "minimum_period_not_reached"
    assert "第36号" in exc.value.message


def test_repair_granted_after_the_minimum_period_ends_publication(shop, town_a, officer, leader):
    record = _record(shop, town_a, officer, days_ago=100)
    assert credit_grade(shop) == "C"
    repair = repair_apply(record=record, actor=officer, performance="已缴纳罚款", pledge="承诺守法经营")
    repair_accept(repair=repair, actor=officer)
    case = Case.objects.get(pk=repair.case_id)
    assert case.state == "reviewing" and case.clock_unit == "working_days" and case.clock_limit == 3
    repair.case = case
    repair_review(repair=repair, actor=officer, opinion="已核实", performance_proven=True, pledge_public=True)
    repair.case.refresh_from_db()
    repair_decide(repair=repair, actor=leader, grant=True, reason="符合修复条件")
    record.refresh_from_db()
    assert record.publication_end_reason == PublicationEnd.REPAIRED and record.repaired_at is not None
    assert not public_records().filter(pk=record.pk).exists()
    assert credit_grade(shop) == "B"


@pytest.mark.parametrize(
    ("proven", "public", "code"),
    [(False, True, "performance_not_proven"), (True, False, "pledge_not_public")],
)
def test_repair_refused_without_performance_or_public_pledge(shop, town_a, officer, leader, proven, public, code):
    record = _record(shop, town_a, officer, days_ago=100)
    repair = repair_apply(record=record, actor=officer, performance="称已整改", pledge="承诺")
    repair_accept(repair=repair, actor=officer)
    repair.case.refresh_from_db()
    repair_review(repair=repair, actor=officer, opinion="核查", performance_proven=proven, pledge_public=public)
    repair.case.refresh_from_db()
    with pytest.raises(TransitionRefused) as exc:
        repair_decide(repair=repair, actor=leader, grant=True, reason="x")
    assert exc.value.code == code
    repair_decide(repair=repair, actor=leader, grant=False, reason="未提供缴款凭证")
    repair.case.refresh_from_db()
    assert repair.case.state == "refused"


def test_minor_record_repairable_at_once(shop, town_a, officer):
    record = _record(shop, town_a, officer, severity="minor")
    assert record.public is False and record.min_until == record.valid_from
    repair = repair_apply(record=record, actor=officer, performance="已改正", pledge="承诺")
    repair_accept(repair=repair, actor=officer)


def test_granted_repair_of_a_listing_removes_it(shop, town_a, officer, leader):
    listing = _listed(shop, town_a, officer, leader)
    record = listing.record
    CreditRecord.objects.filter(pk=record.pk).update(min_until=timezone.localdate())
    record.refresh_from_db()
    repair = repair_apply(record=record, actor=officer, performance="已履行", pledge="承诺")
    repair_accept(repair=repair, actor=officer)
    repair.case.refresh_from_db()
    repair_review(repair=repair, actor=officer, opinion="属实", performance_proven=True, pledge_public=True)
    repair.case.refresh_from_db()
    repair_decide(repair=repair, actor=leader, grant=True, reason="准予")
    assert Listing.objects.get(pk=listing.pk).case.state == "removed"
    assert not credit_is_listed(shop)


def test_online_application_only_for_ones_own_record(shop, town_a, officer, make_user):
    record = _record(shop, town_a, officer, days_ago=100)
    owner = make_user((town_a, Role.APPLICANT), username="credit_shop_owner", uscc="92500116MA5U7G8H24")
    stranger = make_user((town_a, Role.APPLICANT), username="credit_stranger", resident_id="500116198803150266")
    from township.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        repair_apply(record=record, actor=stranger, performance="x", pledge="y")
    repair = repair_apply(record=record, actor=owner, performance="已缴纳罚款", pledge="承诺")
    assert repair.channel == "online" and repair.case.owner == owner
    from township.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        repair_apply(record=record, actor=owner, performance="x", pledge="y")
    assert exc.value.code == "repair_pending"


def test_statistics_count_every_listing_of_a_state(shop, town_a, officer):
    """Listings by state ignore the list's ordering (under it each listing would be its own group, counted once)."""
    from township.credit.queries import statistics

    for facts in ("拒不履行行政处罚决定", "虚假承诺", "拒不执行调解协议"):
        listing_propose(subject=shop, facts=facts, basis="SAMR令第44号", actor=officer, jurisdiction=town_a)
    assert statistics(actor=officer)["listings"] == {"proposed": 3}
