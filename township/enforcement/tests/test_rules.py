"""The law as pure rules: each illegal step is refused with a Chinese message citing the article."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from township.cases.errors import TransitionRefused
from township.enforcement import rules

D = dt.date
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def refused(code: str, fn, *args, **kwargs) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as info:
        fn(*args, **kwargs)
    assert info.value.code == code
    assert CHINESE.search(info.value.message), info.value.message
    return info.value


# --- Art 36 -----------------------------------------------------------------------------------


def test_limitation_refuses_filing_after_two_years():
    err = refused(
        "limitation_expired",
        rules.check_limitation,
        act_date=D(2024, 3, 1),
        act_ended_on=None,
        life_health_finance=False,
        discovered_on=D(2026, 3, 2),
    )
    assert "第三十六条" in err.message


def test_limitation_allows_the_last_day_and_five_years_for_life_health_finance():
    rules.check_limitation(
        act_date=D(2024, 3, 2), act_ended_on=None, life_health_finance=False, discovered_on=D(2026, 3, 2)
    )
    rules.check_limitation(
        act_date=D(2022, 3, 1), act_ended_on=None, life_health_finance=True, discovered_on=D(2026, 3, 2)
    )
    refused(
        "limitation_expired",
        rules.check_limitation,
        act_date=D(2021, 3, 1),
        act_ended_on=None,
        life_health_finance=True,
        discovered_on=D(2026, 3, 2),
    )


def test_limitation_runs_from_the_end_of_a_continuing_act():
    rules.check_limitation(
        act_date=D(2020, 1, 1), act_ended_on=D(2025, 1, 1), life_health_finance=False, discovered_on=D(2026, 3, 2)
    )


# --- Art 42, 55 -------------------------------------------------------------------------------


START, END = D(2025, 1, 1), D(2027, 1, 1)


def cred(number="X1", start=START, end=END, revoked=False, domains=()):
    return rules.CredentialView(number, start, end, revoked, tuple(domains))


def test_one_officer_is_refused():
    err = refused("two_officers_required", rules.check_officers, [(1, [cred()])], on=D(2026, 3, 2))
    assert "第四十二条" in err.message


def test_expired_revoked_or_wrong_domain_credentials_do_not_count():
    on = D(2026, 3, 2)
    refused("credential_invalid", rules.check_officers, [(1, [cred()]), (2, [cred(end=D(2026, 3, 1))])], on=on)
    refused("credential_invalid", rules.check_officers, [(1, [cred()]), (2, [cred(revoked=True)])], on=on)
    refused("credential_invalid", rules.check_officers, [(1, [cred()]), (2, [])], on=on)
    refused(
        "credential_invalid",
        rules.check_officers,
        [(1, [cred()]), (2, [cred(domains=["work_safety"])])],
        on=on,
        domain="city",
    )
    rules.check_officers([(1, [cred()]), (2, [cred(domains=["city"])])], on=on, domain="city")


# --- Art 56 -----------------------------------------------------------------------------------


def test_preservation_decision_after_seven_working_days_is_refused(db):
    # 7 working days after Wed 2026-09-30 is Thu 2026-10-15 (National Day week does not count).
    assert rules.preservation_deadline(D(2026, 9, 30)) == D(2026, 10, 15)
    rules.check_preservation_decision(started_on=D(2026, 9, 30), decided_on=D(2026, 10, 15), outcome="confiscate")
    err = refused(
        "preservation_overdue",
        rules.check_preservation_decision,
        started_on=D(2026, 9, 30),
        decided_on=D(2026, 10, 16),
        outcome="confiscate",
    )
    assert "第五十六条" in err.message
    rules.check_preservation_decision(started_on=D(2026, 9, 30), decided_on=D(2026, 10, 16), outcome="release")


# --- Art 44, 63 -------------------------------------------------------------------------------

NOTICE = {
    "facts": "f",
    "reasons": "r",
    "basis": "b",
    "types": ["fine"],
    "fine": "500",
    "rights": ["statement", "defence"],
}


def test_notice_requires_an_investigation_first():
    refused("investigation_missing", rules.check_notice, notice=NOTICE, hearing_eligible=False, acts_count=0)


def test_notice_must_state_facts_reasons_basis():
    refused(
        "notice_incomplete", rules.check_notice, notice={**NOTICE, "basis": ""}, hearing_eligible=False, acts_count=1
    )


def test_notice_must_tell_statement_and_defence_rights():
    err = refused(
        "notice_rights_missing",
        rules.check_notice,
        notice={**NOTICE, "rights": ["statement"]},
        hearing_eligible=False,
        acts_count=1,
    )
    assert "第四十四条" in err.message


def test_notice_must_tell_the_hearing_right_when_eligible():
    refused("notice_hearing_right_missing", rules.check_notice, notice=NOTICE, hearing_eligible=True, acts_count=1)
    rules.check_notice(
        notice={**NOTICE, "rights": ["statement", "defence", "hearing"]}, hearing_eligible=True, acts_count=1
    )


def test_hearing_right_follows_art_63_and_the_local_threshold():
    t = rules.Threshold(Decimal("5000"), Decimal("100000"), Decimal("50000"))
    assert rules.hearing_right({"types": ["fine"], "fine": "5000"}, "person", t)
    assert not rules.hearing_right({"types": ["fine"], "fine": "4999.99"}, "person", t)
    assert not rules.hearing_right({"types": ["fine"], "fine": "50000"}, "organisation", t)
    assert rules.hearing_right({"types": ["revoke_licence"]}, "organisation", None)
    assert rules.hearing_right({"types": ["suspend_business"]}, "organisation", None)
    assert rules.hearing_right({"types": ["confiscate_property"], "confiscation_value": "60000"}, "person", t)
    assert not rules.hearing_right({"types": ["warning"]}, "person", t)


def test_without_a_local_threshold_the_lowest_national_standard_gives_the_hearing_right():
    # nobody configured "较大数额" for the domain: a 500,000 yuan fine must still carry the hearing right
    assert rules.hearing_right({"types": ["fine"], "fine": "500000"}, "organisation", None)
    assert rules.hearing_right({"types": ["fine"], "fine": "2000"}, "person", None)
    assert not rules.hearing_right({"types": ["fine"], "fine": "1999"}, "person", None)
    assert not rules.hearing_right({"types": ["fine"], "fine": "9999"}, "organisation", None)
    assert rules.hearing_right({"types": ["confiscate_gains"], "confiscation_value": "10000"}, "person", None)


# --- Art 64 -----------------------------------------------------------------------------------


def test_hearing_request_after_five_working_days_is_refused(db):
    # Notice served Wed 2026-09-30; the 5th working day is Tue 2026-10-13.
    rules.check_hearing_request(eligible=True, notice_served_on=D(2026, 9, 30), requested_on=D(2026, 10, 13))
    err = refused(
        "hearing_request_late",
        rules.check_hearing_request,
        eligible=True,
        notice_served_on=D(2026, 9, 30),
        requested_on=D(2026, 10, 14),
    )
    assert "第六十四条" in err.message
    refused(
        "hearing_not_eligible",
        rules.check_hearing_request,
        eligible=False,
        notice_served_on=D(2026, 9, 30),
        requested_on=D(2026, 10, 1),
    )


def test_hearing_notice_less_than_seven_working_days_before_is_refused(db):
    rules.check_hearing_schedule(
        notice_on=D(2026, 3, 2), hearing_on=D(2026, 3, 11), chair_id=9, investigator_ids=[1, 2]
    )
    refused(
        "hearing_notice_too_late",
        rules.check_hearing_schedule,
        notice_on=D(2026, 3, 2),
        hearing_on=D(2026, 3, 10),
        chair_id=9,
        investigator_ids=[1, 2],
    )


def test_hearing_chaired_by_an_investigator_is_refused(db):
    refused(
        "hearing_chair_investigator",
        rules.check_hearing_schedule,
        notice_on=D(2026, 3, 2),
        hearing_on=D(2026, 3, 20),
        chair_id=1,
        investigator_ids=[1, 2],
    )


# --- Art 45 -----------------------------------------------------------------------------------


def test_decision_heavier_than_notice_after_defence_is_refused():
    notice = {"types": ["fine"], "fine": "1000"}
    err = refused(
        "heavier_than_notice",
        rules.check_not_heavier,
        decision={"types": ["fine"], "fine": "1200"},
        notice=notice,
        defended=True,
    )
    assert "第四十五条" in err.message
    refused(
        "heavier_than_notice",
        rules.check_not_heavier,
        decision={"types": ["fine", "suspend_business"], "fine": "1000"},
        notice=notice,
        defended=True,
    )
    rules.check_not_heavier(decision={"types": ["fine"], "fine": "800"}, notice=notice, defended=True)
    rules.check_not_heavier(
        decision={"types": ["warning"], "fine": "0"}, notice={"types": ["warning", "fine"]}, defended=True
    )


def test_a_decision_heavier_than_the_notice_needs_a_new_notice_even_when_the_party_was_silent():
    err = refused(
        "heavier_than_notice",
        rules.check_not_heavier,
        decision={"types": ["warning", "fine"], "fine": "2000"},
        notice={"types": ["warning"]},
        defended=False,
    )
    assert "重新告知" in err.message and "第四十四条" in err.message


# --- Art 18 -----------------------------------------------------------------------------------


def test_a_township_cannot_decide_detention():
    err = refused("detention_not_allowed", rules.check_types_within_power, ["fine", "detention"])
    assert "第十八条" in err.message
    rules.check_types_within_power(["fine", "confiscate_gains"])


# --- Art 58, 57 -------------------------------------------------------------------------------


def test_legal_review_required_in_art_58_situations():
    err = refused(
        "legal_review_required",
        rules.check_legal_review,
        grounds=["public_interest"],
        reviewer_id=None,
        reviewer_qualified=False,
        investigator_ids=[1, 2],
        passed=None,
    )
    assert "第五十八条" in err.message
    rules.check_legal_review(
        grounds=[], reviewer_id=None, reviewer_qualified=False, investigator_ids=[1, 2], passed=None
    )


def test_legal_review_by_unqualified_reviewer_or_investigator_is_refused():
    refused(
        "reviewer_unqualified",
        rules.check_legal_review,
        grounds=["complex"],
        reviewer_id=7,
        reviewer_qualified=False,
        investigator_ids=[1, 2],
        passed=True,
    )
    refused(
        "reviewer_is_investigator",
        rules.check_legal_review,
        grounds=["complex"],
        reviewer_id=1,
        reviewer_qualified=True,
        investigator_ids=[1, 2],
        passed=True,
    )
    refused(
        "legal_review_failed",
        rules.check_legal_review,
        grounds=["complex"],
        reviewer_id=7,
        reviewer_qualified=True,
        investigator_ids=[1, 2],
        passed=False,
    )


def test_major_case_needs_collective_discussion():
    err = refused("collective_discussion_required", rules.check_collective_discussion, major=True, discussion={})
    assert "第五十七条" in err.message
    rules.check_collective_discussion(major=True, discussion={"participants": ["甲", "乙", "丙"], "conclusion": "同意"})
    rules.check_collective_discussion(major=False, discussion={})


# --- Art 62, 64, 65 ---------------------------------------------------------------------------

HEARD = {
    "statement_days": 5,
    "waived": False,
    "defended": False,
    "statement_reviewed": False,
    "hearing_eligible": False,
    "hearing_requested": False,
    "hearing_held": False,
}


def test_decision_without_notice_is_refused(db):
    err = refused("notice_required", rules.check_party_heard, notice_served_on=None, decided_on=D(2026, 3, 20), **HEARD)
    assert "第六十二条" in err.message


def test_decision_inside_the_statement_window_is_refused(db):
    refused(
        "statement_window_open",
        rules.check_party_heard,
        notice_served_on=D(2026, 3, 2),
        decided_on=D(2026, 3, 9),
        **HEARD,
    )
    rules.check_party_heard(notice_served_on=D(2026, 3, 2), decided_on=D(2026, 3, 10), **HEARD)
    rules.check_party_heard(notice_served_on=D(2026, 3, 2), decided_on=D(2026, 3, 3), **{**HEARD, "waived": True})


def test_a_statement_does_not_end_the_hearing_window(db):
    # notice served Mon 2026-03-02, the party defends on day one: the 5 working days to ask for a hearing still run
    heard = {**HEARD, "defended": True, "statement_reviewed": True, "hearing_eligible": True}
    refused(
        "statement_window_open",
        rules.check_party_heard,
        notice_served_on=D(2026, 3, 2),
        decided_on=D(2026, 3, 3),
        **heard,
    )
    rules.check_party_heard(notice_served_on=D(2026, 3, 2), decided_on=D(2026, 3, 10), **heard)
    # a written waiver of the hearing ends it
    rules.check_party_heard(notice_served_on=D(2026, 3, 2), decided_on=D(2026, 3, 3), **heard, hearing_waived=True)
    # waiving statement and defence alone does not
    refused(
        "statement_window_open",
        rules.check_party_heard,
        notice_served_on=D(2026, 3, 2),
        decided_on=D(2026, 3, 3),
        **{**HEARD, "waived": True, "hearing_eligible": True},
    )


def test_the_decision_is_dated_the_day_it_is_made():
    rules.check_decision_date(decided_on=D(2026, 3, 10), today=D(2026, 3, 10))
    for day in (D(2026, 3, 9), D(2026, 3, 11)):
        err = refused("decision_date_not_today", rules.check_decision_date, decided_on=day, today=D(2026, 3, 10))
        assert "倒签" in err.message


def test_decision_before_the_requested_hearing_is_refused(db):
    refused(
        "hearing_pending",
        rules.check_party_heard,
        notice_served_on=D(2026, 3, 2),
        decided_on=D(2026, 3, 30),
        **{**HEARD, "hearing_eligible": True, "hearing_requested": True},
    )


def test_defence_must_be_reviewed_before_deciding(db):
    refused(
        "statement_not_reviewed",
        rules.check_party_heard,
        notice_served_on=D(2026, 3, 2),
        decided_on=D(2026, 3, 30),
        **{**HEARD, "defended": True},
    )


# --- Art 60 -----------------------------------------------------------------------------------


def test_decision_after_ninety_days_is_refused(db):
    due = rules.decision_deadline(D(2026, 3, 2))
    assert due == D(2026, 6, 1)  # 2026-05-31 is a Sunday: the period ends on the next working day
    rules.check_decision_in_time(decided_on=due, due=due)
    err = refused("decision_overdue", rules.check_decision_in_time, decided_on=due + dt.timedelta(days=1), due=due)
    assert "第六十条" in err.message


def test_extension_needs_the_head_and_a_reason():
    refused("extension_approver", rules.check_extension, approver_is_head=False, reason="案情复杂", days=30)
    refused("extension_invalid", rules.check_extension, approver_is_head=True, reason=" ", days=30)
    rules.check_extension(approver_is_head=True, reason="案情复杂", days=30)


# --- Art 59 -----------------------------------------------------------------------------------


def test_decision_missing_an_art_59_element_is_refused():
    full = dict.fromkeys(rules.DECISION_ELEMENTS, "x")
    rules.check_decision_elements(full)
    for key in rules.DECISION_ELEMENTS:
        err = refused("decision_element_missing", rules.check_decision_elements, {**full, key: ""})
        assert "第五十九条" in err.message


def test_penalty_outside_the_item_range_is_refused():
    refused(
        "fine_above_range",
        rules.check_penalty_in_range,
        decision={"types": ["fine"], "fine": "20001"},
        item_types=["warning", "fine"],
        fine_min=1000,
        fine_max=20000,
    )
    refused(
        "penalty_type_not_allowed",
        rules.check_penalty_in_range,
        decision={"types": ["revoke_licence"]},
        item_types=["warning", "fine"],
        fine_min=None,
        fine_max=None,
    )


# --- Art 61 -----------------------------------------------------------------------------------


def test_electronic_service_without_signed_consent_is_refused():
    err = refused("electronic_service_consent", rules.service_effective_date, mode="electronic", sent_on=D(2026, 3, 2))
    assert "第六十一条" in err.message
    assert rules.service_effective_date(mode="electronic", sent_on=D(2026, 3, 2), consent_signed=True) == D(2026, 3, 2)


def test_public_notice_counts_as_served_after_thirty_days():
    assert rules.service_effective_date(mode="public_notice", sent_on=D(2026, 3, 2)) == D(2026, 4, 1)
    # post: served on the day on the return receipt, so the party's periods run from receipt (Art 67)
    refused("receipt_date_required", rules.service_effective_date, mode="post", sent_on=D(2026, 3, 2))
    assert rules.service_effective_date(mode="post", sent_on=D(2026, 3, 2), received_on=D(2026, 3, 5)) == D(2026, 3, 5)
    refused(
        "receipt_before_sending",
        rules.service_effective_date,
        mode="post",
        sent_on=D(2026, 3, 2),
        received_on=D(2026, 3, 1),
    )


def test_service_later_than_seven_working_days_is_flagged(db):
    rules.check_service_in_time(decided_on=D(2026, 3, 2), sent_on=D(2026, 3, 11))
    refused("service_late", rules.check_service_in_time, decided_on=D(2026, 3, 2), sent_on=D(2026, 3, 12))


# --- Art 67, 72 -------------------------------------------------------------------------------


def test_payment_is_due_fifteen_natural_days_after_service(db):
    assert rules.payment_deadline(D(2026, 3, 2)) == D(2026, 3, 17)
    # 2026-09-20 + 15 = 2026-10-05, inside the National Day holiday → rolls to Thu 2026-10-08.
    assert rules.payment_deadline(D(2026, 9, 20)) == D(2026, 10, 8)


def test_late_fine_is_three_percent_a_day_capped_at_the_fine():
    schedule = rules.late_fine_schedule(Decimal("1000"), D(2026, 3, 17), D(2026, 5, 1))
    assert schedule[0] == rules.LateFineDay(D(2026, 3, 18), Decimal("30.00"), Decimal("30.00"), False)
    assert schedule[1].total == Decimal("60.00")
    # day 34: 33 × 30 = 990, the 34th day adds only 10 — the total never exceeds the fine.
    assert len(schedule) == 34
    assert schedule[-1] == rules.LateFineDay(D(2026, 4, 20), Decimal("10.00"), Decimal("1000.00"), True)
    assert rules.late_fine(1000, D(2026, 3, 17), D(2030, 1, 1)) == Decimal("1000.00")
    assert rules.late_fine(1000, D(2026, 3, 17), D(2026, 3, 17)) == Decimal("0.00")


def test_late_fine_rounds_each_day_to_the_cent():
    schedule = rules.late_fine_schedule(Decimal("333.33"), D(2026, 3, 17), D(2026, 3, 19))
    assert [d.amount for d in schedule] == [Decimal("10.00"), Decimal("10.00")]


def test_payment_without_the_late_fine_is_refused():
    err = refused("late_fine_unpaid", rules.check_payment, fine=1000, paid=1000, late=90, paid_late=0)
    assert "第七十二条" in err.message
    refused("fine_unpaid", rules.check_payment, fine=1000, paid=900, late=0, paid_late=0)
    rules.check_payment(fine=1000, paid=1000, late=90, paid_late=90)


def test_not_overdue_before_the_deadline_or_an_approved_postponement():
    refused("payment_not_overdue", rules.check_overdue, payment_due=D(2026, 3, 17), today=D(2026, 3, 17))
    refused(
        "payment_not_overdue",
        rules.check_overdue,
        payment_due=D(2026, 3, 17),
        today=D(2026, 3, 20),
        instalment_until=D(2026, 4, 30),
    )
    rules.check_overdue(payment_due=D(2026, 3, 17), today=D(2026, 3, 18))


# --- Art 51, 68 -------------------------------------------------------------------------------


def test_summary_procedure_caps():
    err = refused(
        "summary_fine_cap", rules.check_summary_penalty, party_kind="person", types=["fine"], fine=201, evidence_count=1
    )
    assert "第五十一条" in err.message
    rules.check_summary_penalty(party_kind="person", types=["fine"], fine=200, evidence_count=1)
    rules.check_summary_penalty(party_kind="organisation", types=["fine"], fine=3000, evidence_count=1)
    refused(
        "summary_fine_cap",
        rules.check_summary_penalty,
        party_kind="organisation",
        types=["fine"],
        fine=3001,
        evidence_count=1,
    )
    refused(
        "summary_type_not_allowed",
        rules.check_summary_penalty,
        party_kind="person",
        types=["suspend_business"],
        fine=0,
        evidence_count=1,
    )
    refused(
        "summary_evidence_required",
        rules.check_summary_penalty,
        party_kind="person",
        types=["warning"],
        fine=0,
        evidence_count=0,
    )


def test_on_the_spot_collection_only_up_to_one_hundred_yuan():
    err = refused("on_spot_collection_cap", rules.check_on_spot_collection, amount=150)
    assert "第六十八条" in err.message
    rules.check_on_spot_collection(amount=100)
    rules.check_on_spot_collection(amount=150, hard_to_enforce=True)


# --- 行政强制法 Art 53, 54 --------------------------------------------------------------------


def test_court_enforcement_needs_a_demand_and_the_window_after_the_challenge_periods(db):
    served = D(2026, 3, 2)
    assert rules.enforcement_window(served) == (D(2026, 9, 3), D(2026, 12, 2))
    err = refused(
        "demand_required",
        rules.check_enforcement_application,
        served_on=served,
        demand_served_on=None,
        applied_on=D(2026, 9, 10),
    )
    assert "第五十四条" in err.message
    refused(
        "demand_period_running",
        rules.check_enforcement_application,
        served_on=served,
        demand_served_on=D(2026, 8, 20),
        applied_on=D(2026, 9, 3),
    )
    refused(
        "challenge_period_running",
        rules.check_enforcement_application,
        served_on=served,
        demand_served_on=D(2026, 6, 1),
        applied_on=D(2026, 9, 2),
    )
    refused(
        "application_period_expired",
        rules.check_enforcement_application,
        served_on=served,
        demand_served_on=D(2026, 8, 20),
        applied_on=D(2026, 12, 3),
    )
    rules.check_enforcement_application(served_on=served, demand_served_on=D(2026, 8, 20), applied_on=D(2026, 9, 4))


def test_after_an_approved_postponement_the_court_window_runs_from_its_end(db):
    served, until = D(2026, 3, 2), D(2026, 10, 31)
    # 行政处罚法第72条: the three months start when the postponement ends, not when the challenge periods do.
    assert rules.enforcement_window(served, until) == (D(2026, 11, 1), D(2027, 1, 31))
    assert rules.enforcement_window(served, D(2026, 5, 1)) == rules.enforcement_window(served)
    err = refused(
        "postponement_running",
        rules.check_enforcement_application,
        served_on=served,
        demand_served_on=D(2026, 9, 1),
        applied_on=D(2026, 10, 20),
        postponed_until=until,
    )
    assert "第七十二条" in err.message
    # without the postponement this date would be past the window (2026-12-02); with it, it is inside
    rules.check_enforcement_application(
        served_on=served, demand_served_on=D(2026, 11, 10), applied_on=D(2026, 12, 10), postponed_until=until
    )
    refused(
        "application_period_expired",
        rules.check_enforcement_application,
        served_on=served,
        demand_served_on=D(2026, 11, 10),
        applied_on=D(2027, 2, 1),
        postponed_until=until,
    )


# --- Art 85: periods past the last entered holiday year ---------------------------------------
# The holiday table ends with 2026 (the 2027 arrangement is not in any package yet). Periods that run into 2027 are
# never guessed against the party: the agency is held to the earliest possible end of its own periods, and the
# party's periods either refuse the agency's step or are read in the party's favour.


def test_agency_periods_past_the_table_use_the_earliest_possible_end(db):
    # Inside the table the end is exact: 7 working days after Wed 2026-09-30 is Thu 2026-10-15.
    assert rules.agency_deadline(D(2026, 9, 30), 7) == D(2026, 10, 15)
    # Past it, every working day is at least a calendar day, and a natural-day end only ever rolls forward.
    assert rules.agency_deadline(D(2026, 12, 28), 7) == D(2027, 1, 4)
    assert rules.agency_deadline(D(2026, 11, 23), 90, "natural_days") == D(2027, 2, 21)
    # Preserved goods: after the earliest possible end only a release (which favours the party) is accepted.
    refused(
        "preservation_overdue",
        rules.check_preservation_decision,
        started_on=D(2026, 12, 28),
        decided_on=D(2027, 1, 5),
        outcome="confiscate",
    )
    rules.check_preservation_decision(started_on=D(2026, 12, 28), decided_on=D(2027, 1, 5), outcome="release")


def test_party_periods_past_the_table_are_never_cut_short(db):
    # A hearing request whose 5-working-day window runs into 2027 is accepted: it is never refused as late on a guess.
    rules.check_hearing_request(eligible=True, notice_served_on=D(2026, 12, 28), requested_on=D(2027, 1, 15))
    # The 15 days to pay have no end yet: no deadline, so no late fine and no "overdue".
    assert rules.payment_deadline(D(2026, 12, 17)) is None
    assert rules.payment_deadline(D(2026, 12, 10)) == D(2026, 12, 25)
    # The agency's steps that must wait for the party's period are refused until the year is entered.
    err = refused(
        "calendar_not_covered",
        rules.check_hearing_schedule,
        notice_on=D(2026, 12, 28),
        hearing_on=D(2027, 1, 20),
        chair_id=9,
        investigator_ids=[1, 2],
    )
    assert "2027年节假日" in err.message and "第八十五条" in err.message
    refused(
        "calendar_not_covered",
        rules.check_enforcement_application,
        served_on=D(2026, 3, 2),
        demand_served_on=D(2026, 12, 24),
        applied_on=D(2027, 1, 20),
    )
    refused(
        "calendar_not_covered",
        rules.check_party_heard,
        notice_served_on=D(2026, 12, 28),
        decided_on=D(2027, 1, 20),
        statement_days=5,
        waived=False,
        defended=False,
        statement_reviewed=False,
        hearing_eligible=False,
        hearing_requested=False,
        hearing_held=False,
    )
