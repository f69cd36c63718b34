"""Typed links between cases (社情民意 → 12345 / 信访 / 事件 / 调解 …): both ways, on both timelines, scoped."""

from __future__ import annotations

import pytest

from township.cases.errors import TransitionRefused
from township.cases.models import CaseLink, LinkKind
from township.cases.selectors import case_links
from township.cases.services import case_forward, case_link, case_open
from township.cases.tests.machines import TOY_MACHINE
from township.cases.types import CaseType, Intake, register_case_type, unregister_case_type

pytestmark = pytest.mark.django_db


def _open(town, actor, title="测试"):
    return case_open(case_type="toy", jurisdiction=town, actor=actor, title=title)


@pytest.fixture
def toy_intake():
    """The toy machine re-declared as a forward target: its intake opens a toy case from the origin."""
    unregister_case_type(TOY_MACHINE.case_type)

    def intake(i: Intake):
        return case_open(case_type="toy", jurisdiction=i.origin.jurisdiction, actor=i.actor, title=i.title)

    ct = register_case_type(CaseType(machine=TOY_MACHINE, intake=intake))
    yield ct
    unregister_case_type(ct.key)
    register_case_type(CaseType(machine=TOY_MACHINE))


def test_link_is_seen_from_both_sides_and_noted_on_both_timelines(town_a, clerk_a):
    a, b = _open(town_a, clerk_a, "来源"), _open(town_a, clerk_a, "目标")
    case_link(source=a, target=b, kind=LinkKind.REFERRED, actor=clerk_a, note="调解不成")
    out = case_links(actor=clerk_a, case=a)
    back = case_links(actor=clerk_a, case=b)
    assert [(v.direction, v.other_id, v.kind_label) for v in out] == [("out", b.pk, "移送")]
    assert [(v.direction, v.other_id, v.other_number) for v in back] == [("in", a.pk, a.number)]
    assert a.events.filter(name="link_out").count() == 1
    assert b.events.filter(name="link_in").count() == 1


def test_link_refuses_self_other_town_and_duplicates(town_a, town_b, clerk_a, clerk_b):
    a, b = _open(town_a, clerk_a), _open(town_a, clerk_a)
    other = _open(town_b, clerk_b)
    with pytest.raises(TransitionRefused) as e:
        case_link(source=a, target=a, kind=LinkKind.RELATED, actor=clerk_a)
    assert e.value.code == "link_self"
    with pytest.raises(TransitionRefused) as e:
        case_link(source=a, target=other, kind=LinkKind.RELATED, actor=clerk_a)
    assert e.value.code == "link_cross_unit"
    case_link(source=a, target=b, kind=LinkKind.RELATED, actor=clerk_a)
    with pytest.raises(TransitionRefused) as e:
        case_link(source=a, target=b, kind=LinkKind.RELATED, actor=clerk_a)
    assert e.value.code == "link_exists"
    assert CaseLink.objects.count() == 1


def test_forward_creates_through_the_targets_intake_and_links(town_a, clerk_a, toy_intake):
    origin = _open(town_a, clerk_a, "社情民意")
    created = case_forward(intake=Intake(origin=origin, actor=clerk_a, title="转办件"), case_type="toy")
    assert created.title == "转办件"
    link = CaseLink.objects.get()
    assert (link.source_id, link.target_id, link.kind) == (origin.pk, created.pk, "forwarded")


def test_forward_to_a_type_without_intake_is_refused_and_writes_nothing(town_a, clerk_a):
    origin = _open(town_a, clerk_a)
    with pytest.raises(TransitionRefused) as e:
        case_forward(intake=Intake(origin=origin, actor=clerk_a, title="x"), case_type="toy")
    assert e.value.code == "forward_unsupported"
    assert CaseLink.objects.count() == 0


def test_other_side_outside_scope_is_opaque(town_a, clerk_a, make_user):
    a, b = _open(town_a, clerk_a), _open(town_a, clerk_a)
    case_link(source=a, target=b, kind=LinkKind.FORWARDED, actor=clerk_a)
    outsider = make_user(username="nobody")
    # The owner of ``a`` only (no role in the town): sees ``a`` but not ``b``.
    a.owner = outsider
    a.save(update_fields=["owner"])
    view = case_links(actor=outsider, case=a)
    assert [(v.visible, v.other_number, v.other_url) for v in view] == [(False, "", None)]


def test_links_api_both_ways(client, town_a, clerk_a):
    a, b = _open(town_a, clerk_a), _open(town_a, clerk_a)
    case_link(source=a, target=b, kind=LinkKind.REOPENED, actor=clerk_a)
    client.force_login(clerk_a)
    r = client.get(f"/api/v1/cases/{b.pk}/links")
    assert r.status_code == 200
    assert [(x["direction"], x["other_id"], x["kind"]) for x in r.json()] == [("in", a.pk, "reopened")]
    page = client.get(f"/cases/{a.pk}/")
    assert page.status_code == 200
    assert b.number in page.content.decode() and "关联案件" in page.content.decode()


def test_indicators_are_collected_from_every_case_type():
    from township.cases.types import Indicator, all_indicators

    unregister_case_type(TOY_MACHINE.case_type)
    ind = Indicator("toy_rate", "测试率", compute=lambda units, start, end: (1, 2), formula="一 / 二")
    register_case_type(CaseType(machine=TOY_MACHINE, indicators=(ind,)))
    try:
        assert ("toy", "toy_rate") in [(ct.key, i.key) for ct, i in all_indicators()]
    finally:
        unregister_case_type(TOY_MACHINE.case_type)
        register_case_type(CaseType(machine=TOY_MACHINE))
