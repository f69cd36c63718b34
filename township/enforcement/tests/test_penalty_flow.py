"""End to end through the services: grid event → clue → filed case → notice → hearing → legal review → decision →
service → late payment with the capped late fine → closing; and a summary-procedure case."""

from __future__ import annotations

from decimal import Decimal

import pytest

from township.cases.errors import TransitionRefused
from township.cases.services import case_open
from township.core import calendar
from township.core.errors import DomainError
from township.enforcement import rules, services
from township.enforcement.disclosure import disclosure_public_list, disclosure_publish, disclosure_withdraw
from township.enforcement.machine import PenaltyState
from township.enforcement.models import Clue, Domain, Evidence, PenaltyCase
from township.enforcement.tests.steps import RID, D, aware, file_case, investigate


@pytest.fixture
def grid_event(world):
    """A case of another type standing in for a grid event (the grid app opens it; we only link to it)."""
    from township.cases.machine import Machine, State, Transition
    from township.cases.registry import register, unregister
    from township.org.models import Role

    machine = Machine(
        case_type="enf_test_event",
        label="网格事件（测试）",
        states=[State("open", "已登记"), State("closed", "已办结", terminal=True)],
        initial="open",
        transitions=[Transition("close", "办结", ("open",), "closed", (Role.LEADER,))],
    )
    register(machine)
    yield case_open(case_type=machine.case_type, jurisdiction=world.town, actor=world.leader, village=world.village)
    unregister(machine.case_type)


def state(pc) -> str:
    pc.case.refresh_from_db()
    return pc.case.state


def test_ordinary_procedure_end_to_end(world, grid_event, travel):
    services.hearing_threshold_set(
        jurisdiction=world.town,
        domain=Domain.CITY,
        person_fine=5000,
        organisation_fine=100000,
        confiscation_value=50000,
        actor=world.leader,
    )
    item = services.penalty_item_create(
        jurisdiction=world.town,
        code="CQ-CG-001",
        name="未经批准进行临时建设",
        domain=Domain.CITY,
        legal_basis="《中华人民共和国城乡规划法》第六十六条",
        penalty_types=["fine", "other"],
        fine_min=0,
        fine_max=20000,
        actor=world.leader,
        bands=[
            {"level": "minor", "conditions": "面积10平方米以下", "fine_min": 0, "fine_max": 2000},
            {"level": "general", "conditions": "面积10至50平方米", "fine_min": 2000, "fine_max": 10000},
        ],
    )
    assert services.band_for(item, 6000).level == "general"

    # 1. grid event → clue, decided within 15 working days
    clue = services.clue_create_from_grid_event(
        jurisdiction=world.town, event_case=grid_event, actor=world.leader, summary="网格员巡查发现违法搭建"
    )
    assert clue.source == Clue.Source.GRID_EVENT
    assert clue.village_id == "500116108201"
    assert clue.decide_by == calendar.add_working_days(D(2026, 3, 2), 15)

    # 2. filing (立案) from the clue
    pc = file_case(world, clue, item=item, legal_review_grounds=[])
    clue.refresh_from_db()
    assert clue.decision == Clue.Decision.FILED
    assert pc.decision_due == D(2026, 6, 1)
    assert pc.team == world.team
    assert pc.case.number.startswith("白沙罚〔2026〕")
    assert state(pc) == PenaltyState.FILED

    # 3. investigation by two credentialed officers, evidence hashed
    act = investigate(world, pc)
    assert act.credential_numbers == ["渝执-5001-0001", "渝执-5001-0002"]
    ev = Evidence.objects.get(penalty_case=pc)
    assert len(ev.sha256) == 64 and ev.place == "白沙镇东海村3组"
    assert state(pc) == PenaltyState.INVESTIGATING

    # 4. notice with the hearing right (6,000 ≥ the 5,000 threshold for a person)
    travel.move_to(aware(D(2026, 3, 10)))
    services.penalty_notice(
        penalty_case=pc,
        actor=world.o1,
        types=["fine"],
        fine=6000,
        facts=pc.facts,
        reasons="违反城乡规划法",
        basis=item.legal_basis,
        served_on=D(2026, 3, 10),
    )
    pc.refresh_from_db()
    assert pc.hearing_offered and "hearing" in pc.notice["rights"]
    assert state(pc) == PenaltyState.NOTIFIED

    # 5. hearing: requested within 5 working days, notified 7 working days ahead, chaired by a non-investigator
    services.penalty_hearing_request(penalty_case=pc, requested_on=D(2026, 3, 13), actor=world.o1)
    with pytest.raises(TransitionRefused) as info:
        services.penalty_hearing_schedule(
            penalty_case=pc,
            notice_on=D(2026, 3, 16),
            hearing_on=D(2026, 3, 30),
            chair=world.o2,
            place="执法局会议室",
            actor=world.o1,
        )
    assert info.value.code == "hearing_chair_investigator"
    services.penalty_hearing_schedule(
        penalty_case=pc,
        notice_on=D(2026, 3, 16),
        hearing_on=D(2026, 3, 30),
        chair=world.o3,
        place="执法局会议室",
        actor=world.o1,
    )
    travel.move_to(aware(D(2026, 3, 30)))
    services.penalty_statement_record(
        penalty_case=pc, actor=world.o1, statement="棚子系临时堆放农具所用", review="经复核，陈述理由不成立。"
    )
    services.penalty_hearing_hold(penalty_case=pc, record="听证笔录：当事人到场陈述……", actor=world.o3)
    assert state(pc) == PenaltyState.HEARD

    # 6. after a hearing the legal review is required (Art 58(2)); deciding without it is refused
    pc.refresh_from_db()
    with pytest.raises(TransitionRefused) as info:
        services.penalty_decide(penalty_case=pc, actor=world.leader, types=["fine"], fine=5000)
    assert info.value.code == "legal_review_required"
    assert state(pc) == PenaltyState.HEARD
    services.penalty_review(
        penalty_case=pc, actor=world.reviewer, opinion="事实清楚，证据确凿，程序合法。", passed=True
    )
    assert state(pc) == PenaltyState.REVIEWED

    # 7. decision: heavier than the notice is refused because the party defended; then a lighter one
    travel.move_to(aware(D(2026, 4, 1)))
    with pytest.raises(TransitionRefused) as info:
        services.penalty_decide(penalty_case=pc, actor=world.leader, types=["fine"], fine=8000)
    assert info.value.code == "heavier_than_notice"
    services.penalty_decide(penalty_case=pc, actor=world.leader, types=["fine"], fine=5000)
    pc.refresh_from_db()
    assert state(pc) == PenaltyState.DECIDED
    for key in rules.DECISION_ELEMENTS:
        assert pc.decision[key], key
    assert pc.disclosure.publish_by == calendar.add_working_days(D(2026, 4, 1), 7)
    # every decision writes a credit entry for the subject
    from township.credit.models import CreditRecord

    entry = CreditRecord.objects.get(subject=pc.subject, source_case=pc.case)
    assert entry.kind == "penalty" and entry.subject.resident_id == RID

    # disclosure: masked, published, public
    disclosure = disclosure_publish(disclosure=pc.disclosure, actor=world.o1)
    assert disclosure.content["party"] == "张*"
    assert disclosure.content["party_id"] == "500116********1234"
    assert disclosure.content["address"] == "东海村"
    assert "张三" not in str(disclosure.content)
    assert list(disclosure_public_list(jurisdiction="500116108")) == [disclosure]

    # 8. service by post (served on the day on the return receipt); payment due 15 days later
    with pytest.raises(TransitionRefused) as info:
        services.penalty_serve(penalty_case=pc, actor=world.o1, mode="post", sent_on=D(2026, 4, 1))
    assert info.value.code == "receipt_date_required"
    services.penalty_serve(
        penalty_case=pc, actor=world.o1, mode="post", sent_on=D(2026, 4, 1), received_on=D(2026, 4, 2)
    )
    pc.refresh_from_db()
    assert pc.payment_due == D(2026, 4, 17)
    assert state(pc) == PenaltyState.SERVED

    # 9. late payment: 10 days late → 10 × 150 = 1,500; paying the fine alone is refused
    with pytest.raises(TransitionRefused):
        services.penalty_mark_overdue(penalty_case=pc, actor=world.o1, today=D(2026, 4, 17))
    services.penalty_mark_overdue(penalty_case=pc, actor=world.o1, today=D(2026, 4, 18))
    assert state(pc) == PenaltyState.OVERDUE
    schedule = services.penalty_late_fine(pc, D(2026, 4, 27))
    assert [d.total for d in schedule][:2] == [Decimal("150.00"), Decimal("300.00")]
    assert schedule[-1].total == Decimal("1500.00")
    with pytest.raises(TransitionRefused) as info:
        services.penalty_pay(penalty_case=pc, actor=world.o1, paid_on=D(2026, 4, 27), amount=5000)
    assert info.value.code == "late_fine_unpaid"
    # capped: 60 days late would be 9,000 at 3 % a day, but the late fine never exceeds the fine
    assert services.penalty_late_fine(pc, D(2026, 6, 16))[-1].total == Decimal("5000.00")
    services.penalty_pay(penalty_case=pc, actor=world.o1, paid_on=D(2026, 4, 27), amount=5000, late_amount=1500)
    assert state(pc) == PenaltyState.PAID

    # 10. closing and archiving
    with pytest.raises(TransitionRefused) as info:
        services.penalty_close(penalty_case=pc, actor=world.leader, report=" ")
    assert info.value.code == "close_report_missing"
    services.penalty_close(penalty_case=pc, actor=world.leader, report="罚款及加处罚款已缴清，拆除违法建筑，结案。")
    services.penalty_archive(penalty_case=pc, actor=world.o1)
    assert state(pc) == PenaltyState.ARCHIVED
    assert pc.case.closed_at is not None

    # every document of the case, as a sealed PDF with extractable Chinese text
    import io

    from pypdf import PdfReader

    from township.enforcement.documents import TEMPLATES, document_generate

    pc.refresh_from_db()
    for kind, (title, _builder) in TEMPLATES.items():
        doc = document_generate(penalty_case=pc, kind=kind, actor=world.o1)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(doc.pdf))).pages)
        assert title in text, kind
        assert "行政执法专用章" in text
    decision_text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(bytes(pc.documents.get(kind="decision").pdf))).pages
    )
    for needle in ("张三", "城乡规划法", "六十日内", "十五日内", pc.case.number):
        assert needle in decision_text, needle

    # a later annulment withdraws the disclosure within 3 working days
    d = disclosure_withdraw(penalty_case=pc, reason="复议决定撤销", actor=world.o1, varied_on=D(2026, 5, 6))
    assert d.withdraw_by == calendar.add_working_days(D(2026, 5, 6), 3)
    assert list(disclosure_public_list(jurisdiction="500116108")) == []

    # a copy of the decision printed weeks later is still dated the day of the decision
    travel.move_to(aware(D(2026, 6, 15)))
    reprint = document_generate(penalty_case=pc, kind="decision", actor=world.o1)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(reprint.pdf))).pages).replace(" ", "")
    assert f"{pc.decided_on:%Y年%m月%d日}" in text and "2026年06月15日" not in text


def test_filing_beyond_the_limitation_period_is_refused(world):
    with pytest.raises(TransitionRefused) as info:
        file_case(world, act_date=D(2023, 12, 1))
    assert info.value.code == "limitation_expired"
    assert not PenaltyCase.objects.exists()


def test_filing_needs_the_heads_approval_and_two_credentialed_investigators(world):
    with pytest.raises(TransitionRefused) as info:
        file_case(world, approved_by=world.o2)
    assert info.value.code == "filing_approver"
    with pytest.raises(TransitionRefused) as info:
        file_case(world, investigators=[world.o1.pk])
    assert info.value.code == "two_officers_required"
    with pytest.raises(TransitionRefused) as info:
        file_case(world, investigators=[world.o1.pk, world.reviewer.pk])
    assert info.value.code == "credential_invalid"
    assert not PenaltyCase.objects.exists()


def test_investigative_act_with_one_officer_is_refused_and_nothing_recorded(world):
    pc = file_case(world)
    with pytest.raises(TransitionRefused) as info:
        services.penalty_act_record(
            penalty_case=pc,
            kind="inquiry",
            at=aware(D(2026, 3, 3)),
            place="执法局",
            officers=[world.o1.pk],
            actor=world.o1,
        )
    assert info.value.code == "two_officers_required"
    assert pc.acts.count() == 0
    assert state(pc) == PenaltyState.FILED


def test_notice_before_investigation_and_decision_before_notice_are_refused(world):
    pc = file_case(world)
    services.penalty_act_record(
        penalty_case=pc,
        kind="inquiry",
        at=aware(D(2026, 3, 2)),
        place="执法局",
        officers=[world.o1.pk, world.o2.pk],
        actor=world.o1,
    )
    with pytest.raises(TransitionRefused) as info:
        services.penalty_decide(penalty_case=pc, actor=world.leader, types=["fine"], fine=1000)
    assert info.value.code == "transition_not_allowed"
    services.hearing_threshold_set(
        jurisdiction=world.town,
        domain=Domain.CITY,
        person_fine=5000,
        organisation_fine=100000,
        confiscation_value=50000,
        actor=world.leader,
    )
    with pytest.raises(TransitionRefused) as info:
        services.penalty_notice(
            penalty_case=pc,
            actor=world.o1,
            types=["fine"],
            fine=6000,
            facts="f",
            reasons="r",
            basis="b",
            served_on=D(2026, 3, 2),
            rights=["statement", "defence"],
        )
    assert info.value.code == "notice_hearing_right_missing"


def test_decision_within_the_statement_window_and_after_ninety_days(world, travel):
    pc = file_case(world)
    investigate(world, pc, D(2026, 3, 2))
    services.penalty_notice(
        penalty_case=pc, actor=world.o1, types=["warning"], facts="f", reasons="r", basis="b", served_on=D(2026, 3, 2)
    )
    travel.move_to(aware(D(2026, 3, 5)))
    with pytest.raises(TransitionRefused) as info:
        services.penalty_decide(penalty_case=pc, actor=world.leader, types=["warning"])
    assert info.value.code == "statement_window_open"
    # the decision is dated the day it is made: neither pre-dated past the window nor back-dated inside the 90 days
    for day in (D(2026, 3, 20), D(2026, 3, 4)):
        with pytest.raises(TransitionRefused) as info:
            services.penalty_decide(penalty_case=pc, actor=world.leader, types=["warning"], decided_on=day)
        assert info.value.code == "decision_date_not_today"
    travel.move_to(aware(D(2026, 6, 2)))
    with pytest.raises(TransitionRefused) as info:
        services.penalty_decide(penalty_case=pc, actor=world.leader, types=["warning"])
    assert info.value.code == "decision_overdue"
    # an approved, reasoned extension makes room
    with pytest.raises(TransitionRefused) as info:
        services.penalty_extend(penalty_case=pc, days=30, reason="案情复杂", approved_by=world.o2, actor=world.o1)
    assert info.value.code == "extension_approver"
    services.penalty_extend(
        penalty_case=pc, days=30, reason="案情复杂需补充鉴定", approved_by=world.leader, actor=world.o1
    )
    services.penalty_decide(penalty_case=pc, actor=world.leader, types=["warning"], decided_on=D(2026, 6, 2))
    assert state(pc) == PenaltyState.DECIDED


def test_major_case_needs_review_and_collective_discussion(world):
    pc = file_case(world, legal_review_grounds=["public_interest"], major_case=True)
    investigate(world, pc, D(2026, 3, 2))
    services.penalty_notice(
        penalty_case=pc, actor=world.o1, types=["warning"], facts="f", reasons="r", basis="b", served_on=D(2026, 3, 2)
    )
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    with pytest.raises(DomainError) as info:
        services.penalty_review(penalty_case=pc, actor=world.o1, opinion="x", passed=True)
    assert info.value.code == "permission_denied"
    services.penalty_review(penalty_case=pc, actor=world.reviewer, opinion="同意", passed=True)
    with pytest.raises(TransitionRefused) as info:
        services.penalty_decide(penalty_case=pc, actor=world.leader, types=["warning"])
    assert info.value.code == "collective_discussion_required"
    services.penalty_discussion_record(
        penalty_case=pc,
        actor=world.leader,
        participants=["王局长", "副局长甲", "副局长乙"],
        conclusion="同意警告",
        held_on=D(2026, 3, 2),
    )
    services.penalty_decide(penalty_case=pc, actor=world.leader, types=["warning"])
    assert state(pc) == PenaltyState.DECIDED


def test_legal_review_waits_for_the_partys_windows_so_a_hearing_can_still_be_asked(world, travel):
    pc = file_case(world, legal_review_grounds=["complex"])
    investigate(world, pc, D(2026, 3, 2))
    services.penalty_notice(
        penalty_case=pc,
        actor=world.o1,
        types=["fine"],
        fine=3000,
        facts="f",
        reasons="r",
        basis="b",
        served_on=D(2026, 3, 2),
    )  # 3,000 yuan for a person: hearing right under the default threshold
    pc.refresh_from_db()
    assert "hearing" in pc.notice["rights"]
    with pytest.raises(TransitionRefused) as info:
        services.penalty_review(penalty_case=pc, actor=world.reviewer, opinion="同意", passed=True)
    assert info.value.code == "statement_window_open" and "法制审核" in info.value.message
    services.penalty_hearing_request(penalty_case=pc, requested_on=D(2026, 3, 4), actor=world.o1)
    assert state(pc) == PenaltyState.HEARING_REQUESTED


def test_reviewer_who_investigated_is_refused(world):
    from township.enforcement.models import LegalReviewer
    from township.org.models import Role, RoleGrant

    RoleGrant.objects.create(user=world.o1, jurisdiction=world.town, role=Role.LEGAL_REVIEWER)
    LegalReviewer.objects.create(jurisdiction=world.town, user=world.o1, qualification="legacy")
    pc = file_case(world, legal_review_grounds=["complex"])
    investigate(world, pc, D(2026, 3, 2))
    services.penalty_notice(
        penalty_case=pc, actor=world.o1, types=["warning"], facts="f", reasons="r", basis="b", served_on=D(2026, 3, 2)
    )
    with pytest.raises(TransitionRefused) as info:
        services.penalty_review(penalty_case=pc, actor=world.o1, opinion="同意", passed=True)
    assert info.value.code == "reviewer_is_investigator"


def test_electronic_service_needs_consent_and_warning_case_closes_without_payment(world):
    pc = file_case(world)
    investigate(world, pc, D(2026, 3, 2))
    services.penalty_notice(
        penalty_case=pc, actor=world.o1, types=["warning"], facts="f", reasons="r", basis="b", served_on=D(2026, 3, 2)
    )
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    services.penalty_decide(penalty_case=pc, actor=world.leader, types=["warning"])
    with pytest.raises(TransitionRefused) as info:
        services.penalty_serve(penalty_case=pc, actor=world.o1, mode="electronic", sent_on=D(2026, 3, 2))
    assert info.value.code == "electronic_service_consent"
    services.penalty_serve(
        penalty_case=pc, actor=world.o1, mode="electronic", sent_on=D(2026, 3, 2), consent_signed=True
    )
    services.penalty_close(penalty_case=pc, actor=world.leader, report="警告已送达，结案。")
    assert state(pc) == PenaltyState.CLOSED


def test_preservation_must_be_decided_within_seven_working_days(world):
    pc = file_case(world)
    with pytest.raises(TransitionRefused) as info:
        services.preservation_start(
            penalty_case=pc,
            goods="彩钢板20块",
            started_on=D(2026, 3, 2),
            approved_by=world.o2,
            officers=[world.o1.pk, world.o2.pk],
            actor=world.o1,
        )
    assert info.value.code == "preservation_approver"
    p = services.preservation_start(
        penalty_case=pc,
        goods="彩钢板20块",
        started_on=D(2026, 3, 2),
        approved_by=world.leader,
        officers=[world.o1.pk, world.o2.pk],
        actor=world.o1,
    )
    assert p.decide_by == D(2026, 3, 11)
    with pytest.raises(TransitionRefused) as info:
        services.preservation_decide(preservation=p, outcome="confiscate", decided_on=D(2026, 3, 12), actor=world.o1)
    assert info.value.code == "preservation_overdue"
    services.preservation_decide(preservation=p, outcome="release", decided_on=D(2026, 3, 12), actor=world.o1)


def test_summary_procedure_case(world, travel):
    with pytest.raises(TransitionRefused) as info:
        services.summary_case_create(
            jurisdiction=world.town,
            actor=world.o1,
            party_kind="person",
            party_name="李四",
            types=["fine"],
            fine=300,
            facts="占道经营",
            basis="《重庆市市容环境卫生管理条例》",
            place="白沙镇正街",
            officers=[world.o1.pk, world.o2.pk],
            evidence_names=["现场照片"],
            rights_told=True,
        )
    assert info.value.code == "summary_fine_cap"
    with pytest.raises(TransitionRefused) as info:
        services.summary_case_create(
            jurisdiction=world.town,
            actor=world.o1,
            party_kind="person",
            party_name="李四",
            types=["warning"],
            facts="占道经营",
            basis=" ",
            place="白沙镇正街",
            officers=[world.o1.pk],
            evidence_names=["现场照片"],
            rights_told=True,
        )
    assert info.value.code == "summary_basis_required"
    fine_150 = {
        "jurisdiction": world.town,
        "actor": world.o1,
        "party_kind": "person",
        "party_name": "李四",
        "types": ["fine"],
        "fine": 150,
        "facts": "占道经营",
        "basis": "《重庆市市容环境卫生管理条例》",
        "place": "白沙镇正街",
        "officers": [world.o1.pk, world.o2.pk],
        "evidence_names": ["现场照片"],
    }
    # the party is told the penalty and the right to state and defend on the spot too (Art 44)
    with pytest.raises(TransitionRefused) as info:
        services.summary_case_create(**fine_150)
    assert info.value.code == "summary_rights_not_told"
    pc = services.summary_case_create(**fine_150, rights_told=True, statement="认可")
    assert pc.notice["rights"] == ["statement", "defence"] and pc.statement == "认可"
    assert pc.case.number.startswith("白沙简罚〔2026〕")
    assert state(pc) == "on_spot"
    with pytest.raises(TransitionRefused) as info:
        services.summary_collect_on_spot(penalty_case=pc, actor=world.o1, receipt_number="No.1")
    assert info.value.code == "on_spot_collection_cap"
    services.summary_pay(penalty_case=pc, actor=world.o1, paid_on=D(2026, 3, 3), amount=150)
    services.summary_record(penalty_case=pc, actor=world.o1)
    assert state(pc) == "recorded"

    on_the_spot = {
        "jurisdiction": world.town,
        "actor": world.o1,
        "party_kind": "organisation",
        "party_name": "白沙某商店",
        "types": ["fine"],
        "fine": 80,
        "facts": "乱堆放",
        "basis": "条例",
        "place": "白沙镇正街",
        "evidence_names": ["照片"],
        "rights_told": True,
    }
    # two officers on the spot as well (Art 42)
    with pytest.raises(TransitionRefused) as info:
        services.summary_case_create(**on_the_spot, officers=[world.o1.pk])
    assert info.value.code == "two_officers_required"
    small = services.summary_case_create(**on_the_spot, officers=[world.o1.pk, world.o2.pk])
    # on-the-spot collection only against the official receipt (Art 70) …
    with pytest.raises(TransitionRefused) as info:
        services.summary_collect_on_spot(penalty_case=small, actor=world.o1, receipt_number=" ")
    assert info.value.code == "receipt_required"
    services.summary_collect_on_spot(penalty_case=small, actor=world.o1, receipt_number="渝财罚No.0000001")
    assert state(small) == "paid"
    # … and the cash reaches the agency within 2 working days (Art 71): later is recorded as late
    travel.move_to(aware(D(2026, 3, 5)))
    services.summary_cash_hand_over(penalty_case=small, actor=world.o1, handed_over_on=D(2026, 3, 5))
    note = small.case.events.get(name="cash_hand_over")
    assert note.data["late"] is True and "第七十一条" in note.comment
    with pytest.raises(DomainError) as info:
        services.summary_cash_hand_over(penalty_case=small, actor=world.o1, handed_over_on=D(2026, 3, 5))
    assert info.value.code == "already_handed_over"


def test_other_towns_staff_cannot_act_on_the_case(world):
    pc = file_case(world)
    with pytest.raises(DomainError) as info:
        services.penalty_act_record(
            penalty_case=pc,
            kind="inquiry",
            at=aware(D(2026, 3, 3)),
            place="x",
            officers=[world.o1.pk, world.o2.pk],
            actor=world.stranger,
        )
    assert info.value.code == "permission_denied"


def _decided_fine_case(world, travel, fine=1000):
    pc = file_case(world)
    investigate(world, pc, D(2026, 3, 2))
    services.penalty_notice(
        penalty_case=pc,
        actor=world.o1,
        types=["fine"],
        fine=fine,
        facts="f",
        reasons="r",
        basis="b",
        served_on=D(2026, 3, 2),
    )
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    services.penalty_decide(penalty_case=pc, actor=world.leader, types=["fine"], fine=fine)
    services.penalty_serve(penalty_case=pc, actor=world.o1, mode="direct", sent_on=D(2026, 3, 2))
    pc.refresh_from_db()
    return pc


def test_approved_postponement_moves_the_late_fine_start(world, travel):
    pc = _decided_fine_case(world, travel)
    assert pc.payment_due == D(2026, 3, 17)
    with pytest.raises(TransitionRefused) as info:
        services.penalty_instalment_approve(
            penalty_case=pc, until=D(2026, 4, 30), approved_by=world.o2, reason="经济困难", actor=world.o1
        )
    assert info.value.code == "extension_approver"
    services.penalty_instalment_approve(
        penalty_case=pc, until=D(2026, 4, 30), approved_by=world.leader, reason="经济困难", actor=world.o1
    )
    pc.refresh_from_db()
    assert services.penalty_late_fine(pc, D(2026, 4, 30)) == []
    with pytest.raises(TransitionRefused) as info:
        services.penalty_mark_overdue(penalty_case=pc, actor=None, today=D(2026, 4, 20))
    assert info.value.code == "payment_not_overdue"
    services.penalty_pay(penalty_case=pc, actor=world.o1, paid_on=D(2026, 4, 28), amount=1000)
    assert state(pc) == PenaltyState.PAID


def test_a_fine_case_cannot_close_unpaid(world, travel):
    pc = _decided_fine_case(world, travel)
    with pytest.raises(TransitionRefused) as info:
        services.penalty_close(penalty_case=pc, actor=world.leader, report="结案")
    assert info.value.code == "fine_outstanding"
    assert state(pc) == PenaltyState.SERVED


def test_a_case_filed_late_in_the_year_keeps_the_agency_to_the_earliest_end(world, travel):
    travel.move_to(aware(D(2026, 11, 23)))
    pc = file_case(world, act_date=D(2026, 11, 1))
    # 2027 is not entered: the 90 days (Art 60) end no later than 2027-02-21, the unrolled date; the true end can only
    # be that day or a later one, so the agency is held to the stricter date and the engine clock is not guessed.
    assert pc.decision_due == D(2027, 2, 21)
    assert pc.case.due_at is None
    clue = services.clue_create(jurisdiction=world.town, source="complaint", summary="x", actor=world.o1)
    assert clue.decide_by == D(2026, 12, 14)


def test_a_fine_served_before_next_years_holidays_are_entered_is_never_overdue_on_a_guess(
    world, travel, django_capture_on_commit_callbacks, client
):
    from township.core.models import CalendarYear, Holiday, HolidayKind

    travel.move_to(aware(D(2026, 11, 23)))
    pc = file_case(world, act_date=D(2026, 11, 1))
    investigate(world, pc, D(2026, 11, 23))
    services.penalty_notice(
        penalty_case=pc,
        actor=world.o1,
        types=["fine"],
        fine=1000,
        facts="f",
        reasons="r",
        basis="b",
        served_on=D(2026, 11, 23),
    )
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    travel.move_to(aware(D(2026, 12, 17)))
    services.penalty_decide(penalty_case=pc, actor=world.leader, types=["fine"], fine=1000)
    # Served Thu 2026-12-17: the 15th day is 2027-01-01, whose holidays are not entered, so the end is unknown.
    services.penalty_serve(penalty_case=pc, actor=world.o1, mode="direct", sent_on=D(2026, 12, 17))
    pc.refresh_from_db()
    assert pc.payment_due is None and pc.payment_due_pending
    assert services.penalty_late_fine(pc) == []
    client.force_login(world.o1)
    page = client.get(f"/enforcement/cases/{pc.pk}/").content.decode()
    assert "待下一年度节假日录入后确定" in page
    assert client.get(f"/api/v1/enforcement/cases/{pc.pk}").json()["payment_due_pending"] is True

    travel.move_to(aware(D(2027, 2, 1)))
    with pytest.raises(TransitionRefused) as info:
        services.penalty_mark_overdue(penalty_case=pc, actor=None)
    assert info.value.code == "payment_due_pending"
    assert "节假日安排尚未录入" in info.value.message
    with pytest.raises(DomainError) as info:
        services.penalty_instalment_approve(
            penalty_case=pc, until=D(2027, 3, 1), approved_by=world.leader, reason="经济困难", actor=world.o1
        )
    assert info.value.code == "payment_due_pending"
    assert state(pc) == PenaltyState.SERVED

    # The 2027 arrangement is entered (here: New Year's Day only): the waiting deadline is settled at once, rolled
    # past the holiday and the weekend to Monday 2027-01-04, and the timeline says so.
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=D(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦", source="test")
        CalendarYear.objects.create(year=2027, source="test")
    pc.refresh_from_db()
    assert pc.payment_due == D(2027, 1, 4)
    assert pc.case.events.filter(name="payment_due_set").count() == 1
    schedule = services.penalty_late_fine(pc, until=D(2027, 2, 1))
    assert schedule[0].day == D(2027, 1, 5) and schedule[-1].total == Decimal("840.00")  # 28 days × 30
    services.penalty_mark_overdue(penalty_case=pc, actor=None)
    assert state(pc) == PenaltyState.OVERDUE


def test_unpaid_fine_goes_to_court_after_demand_inside_the_window(world, travel):
    pc = _decided_fine_case(world, travel)
    services.penalty_mark_overdue(penalty_case=pc, actor=None, today=D(2026, 3, 18))
    with pytest.raises(TransitionRefused) as info:
        services.penalty_apply_enforcement(penalty_case=pc, actor=world.leader, applied_on=D(2026, 9, 10))
    assert info.value.code == "demand_required"
    services.penalty_demand(penalty_case=pc, actor=world.o1, served_on=D(2026, 8, 20))
    with pytest.raises(TransitionRefused) as info:
        services.penalty_apply_enforcement(penalty_case=pc, actor=world.leader, applied_on=D(2026, 9, 2))
    assert info.value.code == "demand_period_running"
    services.penalty_apply_enforcement(penalty_case=pc, actor=world.leader, applied_on=D(2026, 9, 4))
    assert state(pc) == PenaltyState.ENFORCEMENT
    services.penalty_close(penalty_case=pc, actor=world.leader, report="法院裁定强制执行完毕，结案。")
    assert state(pc) == PenaltyState.CLOSED


def test_dropping_a_case_needs_the_head_and_a_reason(world):
    from township.cases.types import case_type_for

    pc = file_case(world)
    with pytest.raises(TransitionRefused) as info:
        case_type_for(pc.case.case_type).fire(pc.case, "drop", world.leader)
    assert info.value.code == "reason_required"
    with pytest.raises(TransitionRefused) as info:
        services.penalty_drop(penalty_case=pc, actor=world.o1, reason="不构成违法")
    assert info.value.code == "role_required"
    services.penalty_drop(penalty_case=pc, actor=world.leader, reason="经调查不构成违法")
    assert state(pc) == PenaltyState.DROPPED
