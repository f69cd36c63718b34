"""Every legal rule of mediation refused with its code (rules 8 and 9 of DOMAIN2; /tmp/h/rules-mediation.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from township.cases.errors import TransitionRefused
from township.core.errors import DomainError
from township.mediation import services
from township.mediation.machine import MACHINE, S
from township.mediation.models import Agreement, Confirmation
from township.mediation.tests.conftest import AGREEMENT, parties_of

pytestmark = pytest.mark.django_db


def _code(exc_info) -> str:
    return str(exc_info.value.code)


# --- rule 8: 人民调解法 -------------------------------------------------------------------------------------------


def test_accept_refused_without_every_party_consent(mediation, mediator):
    services.mediator_appoint(mediation=mediation, actor=mediator, mediator=mediator)
    with pytest.raises(TransitionRefused) as exc:
        services.mediation_accept(mediation=mediation, actor=mediator)
    assert _code(exc) == "consent_missing"
    mediation.case.refresh_from_db()
    assert mediation.case.state == S.APPLIED


def test_a_party_refusal_stops_the_mediation(mediation, mediator):
    ps = parties_of(mediation)
    services.consent_record(mediation=mediation, actor=mediator, party_id=ps["applicant"].pk, agreed=True)
    services.consent_record(
        mediation=mediation, actor=mediator, party_id=ps["respondent"].pk, agreed=False, remark="不愿调解"
    )
    mediation.refresh_from_db()
    assert mediation.case.state == S.NOT_MEDIATED
    assert mediation.case.closed_at is not None
    assert mediation.outcome == "refused"
    # closed: nothing can be changed any more
    with pytest.raises(DomainError) as exc:
        services.session_record(
            mediation=mediation,
            actor=mediator,
            held_on=timezone.localdate(),
            place="村调解室",
            present="双方",
            summary="x",
        )
    assert _code(exc) == "mediation_case_closed"


def test_refusal_transition_needs_a_recorded_refusal(mediation, mediator):
    from township.mediation.case_type import MEDIATION_CASE

    with pytest.raises(TransitionRefused) as exc:
        MEDIATION_CASE.fire(mediation.case, "refuse_mediation", mediator, {})
    assert _code(exc) == "no_refusal"


def test_mediator_must_be_a_member_of_the_village_committee(mediation, outsider_mediator, mediator):
    with pytest.raises(TransitionRefused) as exc:
        services.mediator_appoint(mediation=mediation, actor=mediator, mediator=outsider_mediator)
    assert _code(exc) == "mediator_not_member"


def test_accept_refused_without_a_mediator(mediation, mediator):
    for p in parties_of(mediation).values():
        services.consent_record(mediation=mediation, actor=mediator, party_id=p.pk, agreed=True)
    with pytest.raises(TransitionRefused) as exc:
        services.mediation_accept(mediation=mediation, actor=mediator)
    assert _code(exc) == "mediator_missing"


def test_recusal_replaces_the_mediator_and_bars_the_recused_one(mediating, mediator, mediator2):
    applicant = parties_of(mediating)["applicant"]
    services.mediator_recuse(
        mediation=mediating,
        actor=mediator,
        party_id=applicant.pk,
        reason="调解员系被申请人亲属",
        replacement=mediator2.pk,
    )
    mediating.refresh_from_db()
    assert mediating.mediator_id == mediator2.pk
    with pytest.raises(TransitionRefused) as exc:
        services.mediator_appoint(mediation=mediating, actor=mediator, mediator=mediator)
    assert _code(exc) == "mediator_recused"


@pytest.mark.parametrize(
    "missing", ["facts", "issues", "responsibilities", "content", "performance", "performance_deadline"]
)
def test_agreement_missing_an_article_29_part_is_refused(mediating, mediator, missing):
    values = {**AGREEMENT, missing: "" if missing != "performance_deadline" else None}
    with pytest.raises(TransitionRefused) as exc:
        services.agreement_draft(mediation=mediating, actor=mediator, **values)
    assert _code(exc) == "agreement_incomplete"
    assert not Agreement.objects.filter(mediation=mediating).exists()


def test_agreement_not_effective_before_all_signatures_and_seal(mediating, mediator):
    from township.mediation.case_type import MEDIATION_CASE

    services.agreement_draft(mediation=mediating, actor=mediator, **AGREEMENT)
    applicant = parties_of(mediating)["applicant"]
    services.agreement_sign(mediation=mediating, actor=mediator, signer=str(applicant.pk))
    with pytest.raises(DomainError) as exc:
        services.agreement_seal(mediation=mediating, actor=mediator)
    assert _code(exc) == "seal_before_signatures"
    with pytest.raises(TransitionRefused) as exc2:
        MEDIATION_CASE.fire(mediating.case, "take_effect", mediator, {})
    assert _code(exc2) == "signatures_incomplete"
    mediating.case.refresh_from_db()
    assert mediating.case.state == S.AGREED


def test_effective_on_all_signatures_mediator_and_seal(effective):
    agreement = effective.agreement
    assert effective.case.state == S.EFFECTIVE
    assert agreement.effective_on == timezone.localdate()
    assert agreement.sealed_document is not None and agreement.sealed_document.code.startswith("D")
    assert agreement.signatures.count() == 3


def test_oral_agreement_recorded_and_effective(mediating, mediator):
    with pytest.raises(TransitionRefused) as exc:
        services.agreement_oral(mediation=mediating, actor=mediator, content="", performance="当场")
    assert _code(exc) == "oral_incomplete"
    services.agreement_oral(mediation=mediating, actor=mediator, content="当场道歉并清理杂物", performance="当场履行")
    mediating.refresh_from_db()
    assert mediating.case.state == S.EFFECTIVE and mediating.agreement.form == "oral"
    assert mediating.outcome == "agreement_oral"


def test_failure_tells_the_parties_their_other_routes(mediating, mediator):
    from township.mediation.case_type import MEDIATION_CASE

    with pytest.raises(TransitionRefused) as exc:
        MEDIATION_CASE.fire(mediating.case, "fail", mediator, {})
    assert _code(exc) == "routes_not_told"
    services.mediation_fail(mediation=mediating, actor=mediator, reason="双方对赔偿金额分歧过大")
    mediating.refresh_from_db()
    assert mediating.case.state == S.FAILED
    for route in ("诉讼", "仲裁", "行政"):
        assert route in mediating.routes_notice
    services.mediation_refer_court(
        mediation=mediating, actor=mediator, court="重庆市江津区人民法院", remark="移送诉调对接中心"
    )
    services.mediation_archive(mediation=mediating, actor=mediator)
    mediating.refresh_from_db()
    assert mediating.case.state == S.ARCHIVED and mediating.case.closed_at is not None
    with pytest.raises(DomainError) as exc2:
        services.party_add(mediation=mediating, actor=mediator, side="respondent", name="王五")
    assert _code(exc2) == "mediation_case_closed"


# --- rule 9: 司法确认 -----------------------------------------------------------------------------------------------


def _apply(m, mediator, **kw):
    values = {
        "court": "重庆市江津区人民法院",
        "matter": "civil",
        "applied_on": timezone.localdate(),
        "joint": True,
        **kw,
    }
    return services.confirmation_apply(mediation=m, actor=mediator, **values)


def test_confirmation_refused_after_30_days(effective, mediator):
    agreement = effective.agreement
    Agreement.objects.filter(pk=agreement.pk).update(effective_on=timezone.localdate() - dt.timedelta(days=31))
    with pytest.raises(TransitionRefused) as exc:
        _apply(effective, mediator)
    assert _code(exc) == "confirmation_late"
    with pytest.raises(TransitionRefused):
        services.confirmation_precheck(effective)
    assert not Confirmation.objects.exists()


def test_confirmation_on_day_30_is_allowed(effective, mediator):
    Agreement.objects.filter(pk=effective.agreement.pk).update(
        effective_on=timezone.localdate() - dt.timedelta(days=30)
    )
    _apply(effective, mediator)
    effective.case.refresh_from_db()
    assert effective.case.state == S.CONFIRMATION_APPLIED


@pytest.mark.parametrize("matter", ["identity", "property_title", "ip_title", "special"])
def test_confirmation_refused_for_matters_a_court_cannot_confirm(effective, mediator, matter):
    with pytest.raises(TransitionRefused) as exc:
        _apply(effective, mediator, matter=matter)
    assert _code(exc) == "matter_not_confirmable"
    assert "第355条" in exc.value.message


def test_confirmation_must_be_joint(effective, mediator):
    with pytest.raises(TransitionRefused) as exc:
        _apply(effective, mediator, joint=False)
    assert _code(exc) == "confirmation_not_joint"


def test_oral_agreement_cannot_be_confirmed(mediating, mediator):
    services.agreement_oral(mediation=mediating, actor=mediator, content="当场道歉", performance="当场履行")
    with pytest.raises(TransitionRefused) as exc:
        _apply(mediating, mediator)
    assert _code(exc) == "confirmation_oral"


def test_court_ruling_recorded_as_external_event(effective, mediator):
    _apply(effective, mediator)
    with pytest.raises(TransitionRefused) as exc:
        services.ruling_record(
            mediation=effective, actor=mediator, ruling="valid", ruling_number="", ruled_on=timezone.localdate()
        )
    assert _code(exc) == "ruling_incomplete"
    services.ruling_record(
        mediation=effective,
        actor=mediator,
        ruling="valid",
        ruling_number="（2026）渝0116民特123号",
        ruled_on=timezone.localdate(),
    )
    effective.case.refresh_from_db()
    assert effective.case.state == S.CONFIRMED
    effective.confirmation.refresh_from_db()
    assert effective.confirmation.ruling_number == "（2026）渝0116民特123号"


def test_no_edge_lets_the_village_confirm_by_itself():
    """Only a court ruling (with its number) reaches 'confirmed': the sole edge into it is ruling_valid from
    confirmation_applied, guarded by ruling_recorded."""
    into = [t for t in MACHINE.transitions if t.target == S.CONFIRMED]
    assert [t.name for t in into] == ["ruling_valid"]
    assert into[0].sources == (S.CONFIRMATION_APPLIED,)
    assert any(g.__name__ == "ruling_recorded" for g in into[0].guards)
    assert not any(t.name == "confirm" for t in MACHINE.transitions)


def test_only_a_mediator_of_the_village_may_act(mediation, clerk_a):
    with pytest.raises(DomainError) as exc:
        services.party_add(mediation=mediation, actor=clerk_a, side="respondent", name="王五")
    assert _code(exc) == "mediation_role_required"


def test_accept_refused_without_both_sides(committee, mediator):
    m = services.mediation_register(
        actor=mediator,
        committee=committee,
        dispute_type="other",
        summary="只有申请人",
        parties=[{"side": "applicant", "name": "孤某"}],
    )
    with pytest.raises(TransitionRefused) as exc:
        services.mediation_accept(mediation=m, actor=mediator)
    assert _code(exc) == "parties_missing"


def test_confirmation_needs_the_court(effective, mediator):
    with pytest.raises(TransitionRefused) as exc:
        _apply(effective, mediator, court="")
    assert _code(exc) == "court_required"


def test_extension_needs_both_parties_consent(mediating, mediator):
    due = mediating.case.due_at
    with pytest.raises(DomainError) as exc:
        services.mediation_extend(
            mediation=mediating, actor=mediator, days=15, reason="需鉴定损失", parties_agree=False
        )
    assert _code(exc) == "consent_missing"
    services.mediation_extend(mediation=mediating, actor=mediator, days=15, reason="需鉴定损失", parties_agree=True)
    assert mediating.case.due_at > due
