"""转办 through typed links: 社情民意 → 网格事件 end to end, and → 12345 / 信访 / 调解 (their intake when registered,
a stand-in case type with an intake otherwise); offers disabled with the reason when the target takes none."""

from __future__ import annotations

import pytest

from township.cases.actions import actions_for
from township.cases.machine import Machine, State, Transition
from township.cases.models import CaseLink
from township.cases.services import case_open
from township.cases.types import CaseType, Intake, find_case_type, register_case_type, unregister_case_type
from township.core.errors import DomainError
from township.opinions import services
from township.org.models import Role

pytestmark = pytest.mark.django_db


def test_forward_to_grid_event_end_to_end(client, collect, dispatcher_a, village_grid):
    o = collect(category="safety", content="河边护栏松动，有安全隐患", location="石门村河堤")
    created = services.opinion_forward(
        opinion=o, actor=dispatcher_a, target="grid_event", note="转网格核实", extra={"event_class": "200110"}
    )
    o.refresh_from_db()
    assert (o.case.state, o.outcome, o.forwarded_type) == ("forwarded", "forwarded", "grid_event")
    assert created.case_type == "grid_event" and created.state == "verifying"  # verified on site first
    event = created.grid_event
    assert event.village_id == o.village_id and "转办自" in event.description
    link = CaseLink.objects.get()
    assert (link.source_id, link.target_id, link.kind) == (o.case_id, created.pk, "forwarded")
    assert o.case.events.filter(name="link_out").exists() and created.events.filter(name="link_in").exists()
    client.force_login(dispatcher_a)
    page = client.get(f"/opinions/cases/{o.case_id}/").content.decode()
    assert created.number in page
    grid_page = client.get(f"/grid/events/{event.pk}/").content.decode()
    assert o.case.number in grid_page
    # through the engine's action URL too (the same as the button)
    o2 = collect(category="safety")
    r = client.post(
        f"/cases/{o2.case_id}/actions/opinion_to_grid/", {"event_class": "200110", "note": "", "reply": "已转网格"}
    )
    assert r.status_code == 302
    o2.refresh_from_db()
    assert o2.case.state == "forwarded" and o2.public_reply == "已转网格"


def test_forward_to_grid_refused_without_class_writes_nothing(collect, dispatcher_a, village_grid):
    o = collect(category="safety")
    with pytest.raises(DomainError) as e:
        services.opinion_forward(opinion=o, actor=dispatcher_a, target="grid_event")
    assert e.value.code == "event_class_unknown"
    o.case.refresh_from_db()
    assert o.case.state == "collected" and CaseLink.objects.count() == 0


def test_forward_unclassified_is_refused(collect, dispatcher_a, village_grid):
    o = collect()
    with pytest.raises(DomainError) as e:
        services.opinion_forward(opinion=o, actor=dispatcher_a, target="grid_event", extra={"event_class": "200110"})
    assert e.value.code == "opinion_category_required"
    assert CaseLink.objects.count() == 0


def _stand_in(key: str) -> CaseType:
    machine = Machine(
        case_type=key,
        label=f"替身{key}",
        number_prefix="替",
        initial="new",
        states=[State("new", "新建"), State("done", "已办结", terminal=True)],
        transitions=[Transition(f"{key}_finish", "办结", ("new",), "done", (Role.WINDOW_CLERK,))],
    )

    def intake(i: Intake):
        return case_open(case_type=key, jurisdiction=i.origin.jurisdiction, actor=i.actor, title=i.title)

    return CaseType(machine=machine, intake=intake)


@pytest.fixture
def target(request):
    """The real case type when it is registered with an intake; a stand-in with an intake otherwise."""
    key = request.param
    real = find_case_type(key)
    if real is not None and real.intake is not None:
        yield key, False
        return
    if real is not None:
        unregister_case_type(key)
    ct = register_case_type(_stand_in(key))
    yield key, True
    unregister_case_type(ct.key)
    if real is not None:
        register_case_type(real)


@pytest.mark.parametrize("target", ["hotline_order", "petition", "mediation_case"], indirect=True)
def test_forward_to_the_other_voices(collect, dispatcher_a, target, make_user, town_a, village_a):
    key, stand_in = target
    actor = make_user(
        (town_a, Role.DISPATCHER),
        (town_a, Role.HOTLINE_OPERATOR),
        (town_a, Role.PETITION_OFFICER),
        (town_a, Role.MEDIATOR),
        (town_a, Role.WINDOW_CLERK),
        (town_a, Role.LEADER),
        (town_a, Role.ADMINISTRATOR),
        username=f"op_all_{key}",
    )
    if not stand_in:
        _prepare_real_target(key, actor, village_a)
    o = collect(
        category="dispute", content="邻里宅基地纠纷，双方争执不下", reporter_name="李四", reporter_phone="13900001111"
    )
    created = services.opinion_forward(opinion=o, actor=actor, target=key, note="转办")
    assert created.case_type == key
    o.refresh_from_db()
    assert o.case.state == "forwarded"
    assert CaseLink.objects.filter(source=o.case, target=created, kind="forwarded").exists()
    view = services_track(o.track_code)
    assert [f.number for f in view.forwarded] == [created.number]


def _prepare_real_target(key, actor, village):
    """What a real receiving type needs in place before it can take a matter (a village mediation committee)."""
    if key == "mediation_case":
        from township.mediation.services import committee_create

        committee_create(actor=actor, village=village.code)


def services_track(code):
    from township.opinions.selectors import opinion_track

    return opinion_track(code=code)


def test_offer_disabled_with_reason_when_target_missing(collect, dispatcher_a):
    key = "mediation_case"
    real = find_case_type(key)
    if real is not None:
        unregister_case_type(key)
    try:
        o = collect(category="dispute")
        offers = {a.name: a for a in actions_for(o.case, dispatcher_a)}
        offer = offers["opinion_to_mediation"]
        assert not offer.enabled and "尚未启用" in offer.reason
        with pytest.raises(DomainError) as e:
            services.opinion_forward(opinion=o, actor=dispatcher_a, target=key)
        assert e.value.code == "opinion_forward_unavailable"
        # registered without an intake: still disabled, with its reason
        register_case_type(CaseType(machine=_stand_in(key).machine))
        offer = {a.name: a for a in actions_for(o.case, dispatcher_a)}["opinion_to_mediation"]
        assert not offer.enabled and "暂不接收转办" in offer.reason
        unregister_case_type(key)
    finally:
        if real is not None:
            register_case_type(real)
