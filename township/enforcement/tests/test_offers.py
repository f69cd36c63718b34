"""Who is offered what (``township.cases.actions.actions_for``): hidden by role and state, disabled with the reason
when the facts say the step cannot succeed yet. The legal reviewer is never offered 作出处罚决定."""

from __future__ import annotations

import datetime as dt

from township.cases.actions import actions_for
from township.enforcement import services
from township.enforcement.machine import PenaltyState as S
from township.enforcement.tests.steps import decide_waived, file_case, notify

D = dt.date


def offers(pc, user):
    pc.case.refresh_from_db()
    case = pc.case
    case.__dict__.pop("_case_type_record", None)
    return {o.name: o for o in actions_for(case, user)}


def test_a_filed_case_offers_the_officer_the_investigation_and_the_head_the_drop(world):
    pc = file_case(world)
    assert set(offers(pc, world.o1)) == {
        "penalty_document",
        "penalty_investigate",
        "penalty_act",
        "penalty_preservation",
        "penalty_review_grounds",
        "penalty_extend",
    }
    assert set(offers(pc, world.leader)) == {
        "penalty_document",
        "penalty_review_grounds",
        "penalty_extend",
        "penalty_drop",
    }
    assert set(offers(pc, world.reviewer)) == {"penalty_document"}
    assert offers(pc, world.stranger) == {}  # the next town's officer and head see nothing
    # 保存物品处理决定 appears once goods are preserved
    services.preservation_start(
        penalty_case=pc,
        goods="彩钢板20张",
        started_on=D(2026, 3, 2),
        officers=[world.o1.pk, world.o2.pk],
        approved_by=world.leader,
        actor=world.o1,
    )
    assert offers(pc, world.o1)["penalty_preservation_decide"].enabled
    assert "penalty_preservation_decide" in offers(pc, world.leader)


def test_in_review_the_reviewer_is_offered_the_review_only_and_the_officer_neither_review_nor_decision(world):
    pc = file_case(world)
    notify(world, pc, types=["warning"])
    # while the party's statement window runs, the review and the decision are shown disabled, with the date
    review = offers(pc, world.reviewer)
    assert set(review) == {"penalty_review", "penalty_document"}
    assert not review["penalty_review"].enabled and "期限" in review["penalty_review"].reason
    assert not offers(pc, world.leader)["penalty_decide"].enabled

    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    review = offers(pc, world.reviewer)
    assert set(review) == {"penalty_review", "penalty_document"} and review["penalty_review"].enabled
    officer = offers(pc, world.o1)
    assert set(officer) == {
        "penalty_document",
        "penalty_act",
        "penalty_preservation",
        "penalty_statement",
        "penalty_hearing_request",
        "penalty_review_grounds",
        "penalty_extend",
    }
    # a warning carries no hearing right: the request is shown, disabled with the article
    assert not officer["penalty_hearing_request"].enabled and "第六十三条" in officer["penalty_hearing_request"].reason
    head = offers(pc, world.leader)
    assert set(head) == {
        "penalty_document",
        "penalty_review_grounds",
        "penalty_discussion",
        "penalty_extend",
        "penalty_decide",
        "penalty_drop",
    }
    assert head["penalty_decide"].enabled

    services.penalty_review(penalty_case=pc, actor=world.reviewer, opinion="同意", passed=True)
    assert set(offers(pc, world.reviewer)) == {"penalty_document"}
    assert "penalty_decide" not in offers(pc, world.o1)
    assert offers(pc, world.leader)["penalty_decide"].enabled


def test_an_investigator_is_shown_the_review_disabled_when_they_also_hold_the_reviewer_role(world):
    from township.org.models import Role, RoleGrant

    RoleGrant.objects.create(user=world.o1, jurisdiction=world.town, role=Role.LEGAL_REVIEWER)
    pc = file_case(world)
    notify(world, pc, types=["warning"])
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    review = offers(pc, world.o1)["penalty_review"]
    assert not review.enabled and review.reason


def test_after_the_decision_the_officer_serves_and_records_payment_and_the_head_closes(world, travel):
    pc = file_case(world)
    notify(world, pc, types=["fine"], fine=1000)
    decide_waived(world, pc, types=["fine"], fine=1000)
    # after the decision: the disclosure (published by anyone of the case; nothing to withdraw yet), the documents and
    # the record of a 行政复议 or 行政诉讼 against the decision
    after = {"penalty_disclose", "penalty_document", "penalty_remedy"}
    assert set(offers(pc, world.o1)) == {"penalty_serve", *after}
    assert set(offers(pc, world.leader)) == after and set(offers(pc, world.reviewer)) == after
    services.penalty_serve(penalty_case=pc, actor=world.o1, mode="direct", sent_on=D(2026, 3, 2))
    officer = offers(pc, world.o1)
    assert set(officer) == {"penalty_pay", "penalty_overdue", "penalty_instalment", *after}
    assert not officer["penalty_overdue"].enabled  # the 15 days have not passed
    head = offers(pc, world.leader)
    assert set(head) == {"penalty_instalment", "penalty_close_performed", *after}
    assert not head["penalty_close_performed"].enabled and "罚款" in head["penalty_close_performed"].reason
    assert pc.case.state == S.SERVED
