"""Fixtures of the mediation tests: a village committee with two mediators, and a registered dispute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from township.core.identifiers import uscc_check_char
from township.mediation import services
from township.mediation.models import MemberTitle
from township.org.models import Role

PARTIES = [
    {"side": "applicant", "name": "张大山", "resident_id": "", "phone": "13983001234", "address": "白沙镇石门村2组"},
    {"side": "respondent", "name": "李二河", "resident_id": "", "phone": "13983005678", "address": "白沙镇石门村3组"},
]


def valid_uscc(first17: str = "Y1500116MA6M00001") -> str:
    return first17 + uscc_check_char(first17)


@pytest.fixture
def mediator(make_user, village_a):
    return make_user((village_a, Role.MEDIATOR), username="med1", full_name="彭调解")


@pytest.fixture
def mediator2(make_user, village_a):
    return make_user((village_a, Role.MEDIATOR), username="med2", full_name="罗委员")


@pytest.fixture
def outsider_mediator(make_user, town_a):
    return make_user((town_a, Role.MEDIATOR), username="med_town", full_name="镇调解员")


@pytest.fixture
def committee(mediator, mediator2, village_a):
    c = services.committee_create(actor=mediator, village=village_a.code, uscc=valid_uscc())
    services.committee_set_members(
        actor=mediator, committee=c, members=[(mediator, MemberTitle.CHAIR), (mediator2, MemberTitle.MEMBER)]
    )
    return c


@pytest.fixture
def mediation(committee, mediator):
    return services.mediation_register(
        actor=mediator,
        committee=committee,
        dispute_type="neighbour",
        summary="宅旁排水沟堵塞引发纠纷",
        parties=[dict(p) for p in PARTIES],
        received_on=timezone.localdate(),
    )


def parties_of(m):
    return {p.side: p for p in m.parties.all()}


@pytest.fixture
def mediating(mediation, mediator):
    ps = parties_of(mediation)
    for p in ps.values():
        services.consent_record(mediation=mediation, actor=mediator, party_id=p.pk, agreed=True)
    services.mediator_appoint(mediation=mediation, actor=mediator, mediator=mediator)
    services.mediation_accept(mediation=mediation, actor=mediator)
    return mediation


AGREEMENT = {
    "facts": "张大山宅旁排水沟被李二河堆放杂物堵塞，雨季积水浸入张家厨房。",
    "issues": "排水沟的清理责任及损失赔偿。",
    "responsibilities": "李二河堆放杂物堵塞排水沟，负主要责任。",
    "content": "李二河于协议生效后三日内清理杂物，并赔偿张大山损失人民币800元。",
    "performance": "现金当面支付，清理后由调解员现场确认。",
    "performance_deadline": timezone.localdate() + dt.timedelta(days=10),
}


@pytest.fixture
def effective(mediating, mediator):
    services.agreement_draft(mediation=mediating, actor=mediator, **AGREEMENT)
    for p in parties_of(mediating).values():
        services.agreement_sign(mediation=mediating, actor=mediator, signer=str(p.pk))
    services.agreement_sign(mediation=mediating, actor=mediator, signer="mediator")
    services.agreement_seal(mediation=mediating, actor=mediator)
    mediating.refresh_from_db()
    return mediating
