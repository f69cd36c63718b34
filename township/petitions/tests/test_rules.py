"""Every rule of 信访工作条例 this app enforces: the legal step passes, the illegal one is refused with its code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from township.cases.errors import TransitionRefused
from township.core import calendar
from township.core.errors import DomainError
from township.petitions import rules, services
from township.petitions.models import DocKind, PetitionDocument

from .conftest import days_ago, opinion

pytestmark = pytest.mark.django_db


def _deliver(petition, officer, on=None):
    return services.petition_deliver(
        petition=petition, actor=officer, delivered_on=on or timezone.localdate(), method="直接送达"
    )


def _concluded(register, officer, **kw):
    p = register(**kw)
    services.petition_accept(petition=p, actor=officer)
    opinion(p, officer)
    _deliver(p, officer)
    services.petition_conclude(petition=p, actor=officer)
    return p


# ---- rule 1: registration and the written notice within 15 days (Art 21, 23) -----------------------------------------


def test_rule1_registered_item_has_the_15_day_notice_clock(register):
    p = register(received_at=days_ago(2))
    case = p.case
    assert case.state == "registered" and case.clock_unit == "natural_days" and case.clock_limit == 15
    received = timezone.localtime(p.received_at).date()
    assert timezone.localtime(case.due_at).date() >= received + dt.timedelta(days=15)


def test_rule1_accept_issues_a_sealed_notice_and_starts_60_days(register, officer):
    p = register()
    services.petition_accept(petition=p, actor=officer)
    p.case.refresh_from_db()
    assert p.case.state == "accepted" and p.case.clock_limit == 60
    doc = PetitionDocument.objects.get(petition=p, kind=DocKind.ACCEPT)
    assert doc.sealed.code.startswith("D") and doc.addressee == "张大山"
    assert p.notices.filter(title__contains="受理").exists()


def test_rule1_refuse_issues_not_accepted_notice(register, officer):
    p = register()
    services.petition_refuse(petition=p, actor=officer, reason="属于诉讼程序解决的事项")
    assert PetitionDocument.objects.filter(petition=p, kind=DocKind.REFUSE).exists()
    assert p.case.state == "not_accepted"


def test_rule1_transfer_issues_transfer_notice(register, officer):
    p = register()
    services.petition_transfer(petition=p, actor=officer, transfer_to="江津区规划和自然资源局")
    assert PetitionDocument.objects.filter(petition=p, kind=DocKind.TRANSFER).exists()


def test_rule1_no_step_without_the_written_notice(register, officer):
    from township.cases.types import case_type_for

    p = register()
    with pytest.raises(TransitionRefused) as exc:
        case_type_for("petition").fire(p.case, "accept", officer, {"notice": ""})
    assert exc.value.code == "notice_required"


def test_rule1_anonymous_item_registered_and_accepted_without_notice(register, officer):
    p = register(petitioners=[], anonymous=True)
    services.petition_accept(petition=p, actor=officer)
    assert p.case.state == "accepted"
    assert not PetitionDocument.objects.filter(petition=p).exists()
    assert not p.notices.exists()


def test_rule1_named_item_needs_a_petitioner(register):
    with pytest.raises(DomainError) as exc:
        register(petitioners=[])
    assert exc.value.code == "petitioner_required"


# ---- rule 2: transferred items, the objection within 5 working days (Art 23 ¶3) --------------------------------------


def test_rule2_objection_within_5_working_days(register, officer):
    p = register(source="transferred", sender_body="江津区信访办", received_at=days_ago(1))
    services.petition_object(petition=p, actor=officer, reason="该事项属区规划和自然资源局职责")
    assert p.case.state == "objected"
    doc = PetitionDocument.objects.get(petition=p, kind=DocKind.OBJECTION)
    assert doc.addressee == "江津区信访办"


def test_rule2_objection_after_5_working_days_refused(register, officer):
    received = days_ago(12)
    p = register(source="assigned", sender_body="江津区信访办", received_at=received)
    last = calendar.add_working_days(timezone.localtime(received).date(), 5)
    assert timezone.localdate() > last
    with pytest.raises(TransitionRefused) as exc:
        services.petition_object(petition=p, actor=officer, reason="非本机关职责")
    assert exc.value.code == "objection_late"
    assert not PetitionDocument.objects.filter(petition=p).exists()  # nothing half-done


def test_rule2_objection_counts_working_days_not_natural_days():
    friday = dt.date(2026, 12, 4)
    rules.objection_within_5_working_days(None, None, {"received_on": friday.isoformat(), "today": "2026-12-11"})
    with pytest.raises(TransitionRefused):
        rules.objection_within_5_working_days(None, None, {"received_on": friday.isoformat(), "today": "2026-12-12"})


def test_rule2_direct_item_cannot_be_objected(register, officer):
    p = register()
    with pytest.raises(TransitionRefused) as exc:
        services.petition_object(petition=p, actor=officer, reason="非本机关职责")
    assert exc.value.code == "objection_direct"


def test_rule2_transferred_item_gets_its_notice_within_15_days(register, officer):
    p = register(source="transferred", sender_body="江津区信访办")
    assert p.case.clock_limit == 15
    services.petition_accept(petition=p, actor=officer)
    assert PetitionDocument.objects.filter(petition=p, kind=DocKind.ACCEPT).exists()


# ---- rule 3: 60 days, one extension ≤ 30 days by the head, 办结 only with a delivered opinion (Art 32, 34) -------------


def test_rule3_extension_by_the_head_once_and_told(register, officer, head):
    p = register()
    services.petition_accept(petition=p, actor=officer)
    due = p.case.due_at
    services.petition_extend(petition=p, actor=head, days=30, reason="需要现场测绘")
    p.case.refresh_from_db()
    assert p.case.due_at > due
    assert PetitionDocument.objects.filter(petition=p, kind=DocKind.EXTENSION).exists()
    assert p.notices.filter(title__contains="延长").exists()
    with pytest.raises(TransitionRefused) as exc:
        services.petition_extend(petition=p, actor=head, days=10, reason="再次延期")
    assert exc.value.code == "extension_twice"


def test_rule3_extension_over_30_days_refused(register, officer, head):
    p = register()
    services.petition_accept(petition=p, actor=officer)
    with pytest.raises(TransitionRefused) as exc:
        services.petition_extend(petition=p, actor=head, days=31, reason="需要现场测绘")
    assert exc.value.code == "extension_too_long"


def test_rule3_extension_needs_the_head(register, officer):
    p = register()
    services.petition_accept(petition=p, actor=officer)
    with pytest.raises(DomainError) as exc:
        services.petition_extend(petition=p, actor=officer, days=10, reason="需要现场测绘")
    assert exc.value.code == "extension_head_only"


def test_rule3_conclude_refused_without_opinion_and_without_delivery(register, officer):
    p = register()
    services.petition_accept(petition=p, actor=officer)
    with pytest.raises(TransitionRefused) as exc:
        services.petition_conclude(petition=p, actor=officer)
    assert exc.value.code == "opinion_not_delivered"
    opinion(p, officer)
    with pytest.raises(TransitionRefused) as exc:
        services.petition_conclude(petition=p, actor=officer)
    assert exc.value.code == "opinion_not_delivered"
    _deliver(p, officer)
    services.petition_conclude(petition=p, actor=officer)
    assert p.case.state == "concluded"
    doc = PetitionDocument.objects.get(petition=p, kind=DocKind.OPINION)
    assert doc.delivered_on == timezone.localdate()
    assert any("复查" in para for para in doc.paragraphs)  # the remedy is always printed


# ---- rule 4: 复查 / 复核 windows, hearing pause, not accepted again (Art 35, 36) ---------------------------------------


def test_rule4_review_within_30_days_of_delivery(register, officer):
    p = _concluded(register, officer)
    services.petition_request_review(petition=p, actor=officer, asked_on=timezone.localdate())
    assert p.case.state == "review" and p.case.clock_limit == 30


def test_rule4_review_after_30_days_refused(register, officer):
    p = _concluded(register, officer)
    PetitionDocument.objects.filter(petition=p, kind=DocKind.OPINION).update(
        delivered_on=timezone.localdate() - dt.timedelta(days=31)
    )
    with pytest.raises(TransitionRefused) as exc:
        services.petition_request_review(petition=p, actor=officer, asked_on=timezone.localdate())
    assert exc.value.code == "review_late"


def _re_reviewed(register, officer):
    p = _concluded(register, officer)
    services.petition_request_review(petition=p, actor=officer, asked_on=timezone.localdate())
    opinion(p, officer, "uphold")
    _deliver(p, officer)
    services.petition_answer_review(petition=p, actor=officer)
    assert p.case.state == "reviewed"
    services.petition_request_review(petition=p, actor=officer, asked_on=timezone.localdate())
    assert p.case.state == "re_review"
    return p


def test_rule4_hearing_time_not_counted_in_re_review(register, officer):
    p = _re_reviewed(register, officer)
    due = p.case.due_at
    services.petition_hearing(petition=p, actor=officer, start=True, note="听证")
    assert p.case.clock_paused_at is not None
    from township.cases.models import Case

    Case.objects.filter(pk=p.case.pk).update(clock_paused_at=timezone.now() - dt.timedelta(days=3))
    p.case.refresh_from_db()
    services.petition_hearing(petition=p, actor=officer, start=False)
    p.case.refresh_from_db()
    assert p.case.due_at >= due + dt.timedelta(days=3) - dt.timedelta(minutes=1)


def test_rule4_same_matter_not_accepted_after_re_review(register, officer):
    p = _re_reviewed(register, officer)
    opinion(p, officer, "uphold")
    _deliver(p, officer)
    services.petition_conclude(petition=p, actor=officer)
    assert p.case.state == "final"
    again = register(title="宅基地 边界纠纷！")
    with pytest.raises(TransitionRefused) as exc:
        services.petition_accept(petition=again, actor=officer)
    assert exc.value.code == "matter_finalized"
    # another matter of the same person, or the same matter of another person, is accepted
    other = register(title="低保资格复核")
    services.petition_accept(petition=other, actor=officer)
    from .conftest import LI_ID

    third = register(petitioners=[{"name": "李小河", "resident_id": LI_ID}])
    services.petition_accept(petition=third, actor=officer)


def test_rule4_finalize_after_the_window(register, officer):
    p = _concluded(register, officer)
    assert services.petition_finalize_due(timezone.now())["finalized"] == 0
    PetitionDocument.objects.filter(petition=p, kind=DocKind.OPINION).update(
        delivered_on=timezone.localdate() - dt.timedelta(days=31)
    )
    assert services.petition_finalize_due(timezone.now())["finalized"] == 1
    p.case.refresh_from_db()
    assert p.case.state == "final"


# ---- rule 5: recusal (Art 46) ------------------------------------------------------------------------------------------


def test_rule5_recused_user_cannot_act(register, officer, head):
    p = register()
    services.petition_recuse(petition=p, actor=head, user=officer, reason="信访人系其近亲属")
    from township.cases.types import case_type_for

    with pytest.raises(DomainError) as exc:
        case_type_for("petition").fire(p.case, "accept", officer, {"notice": "x"})
    assert exc.value.code == "recused"


def test_indicator_on_time_counts_first_level_conclusions(register, officer):
    from township.cases.types import case_type_for

    p = _concluded(register, officer)
    _concluded(register, officer, title="另一事项")
    (indicator,) = case_type_for("petition").indicators
    start = timezone.now() - dt.timedelta(days=1)
    end = timezone.now() + dt.timedelta(days=1)
    assert indicator.compute([p.jurisdiction_id], start, end) == (2, 2)
    from township.cases.models import Case

    Case.objects.filter(pk=p.case.pk).update(finished_late=True)
    assert indicator.compute([p.jurisdiction_id], start, end) == (1, 2)
    assert indicator.compute(["500116100"], start, end) == (0, 0)
