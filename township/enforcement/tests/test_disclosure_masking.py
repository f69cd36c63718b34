"""What the portal shows of a decision: personal data masked for every party, and only while it may stay online."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from township.enforcement import disclosure, services
from township.enforcement.models import PartyKind
from township.enforcement.tests.steps import decide_waived, file_case, notify

D = dt.date


def _facts_of(world, **kw):
    values = {
        "party_kind": PartyKind.ORGANISATION,
        "party_name": "白沙某餐馆",
        "party_id_number": "",
        "party_address": "",
        "party_representative": "刘大伟",
        "village_id": None,
        "village": None,
        "jurisdiction": world.town,
        "decision": {
            "facts": "白沙某餐馆法定代表人刘大伟（身份证号500116198001011234，电话13912345678）使用过期食品原料。",
        },
    }
    values.update(kw)
    return disclosure._mask_facts(SimpleNamespace(**values))


def test_an_organisations_decision_masks_its_representative_ids_and_phones(world):
    text = _facts_of(world)
    assert text.startswith("白沙某餐馆法定代表人刘**")  # an organisation's name is public, its representative is not
    assert "刘大伟" not in text
    assert "500116********1234" in text and "198001011234" not in text
    assert "139****5678" in text and "13912345678" not in text


def _published(world, party_kind: str, name: str):
    pc = file_case(world, party_kind=party_kind, party_name=name, party_id_number="")
    notify(world, pc, types=["warning"])
    decide_waived(world, pc, types=["warning"])
    return disclosure.disclosure_publish(disclosure=services.disclosure_for(pc), actor=world.o1)


def test_published_decisions_leave_the_portal_after_two_years_for_a_person_and_five_otherwise(world, travel):
    person = _published(world, PartyKind.PERSON, "周某")
    shop = _published(world, PartyKind.ORGANISATION, "白沙某商店")

    def online(years: float) -> set[int]:
        now = person.published_at + dt.timedelta(days=round(365.25 * years))
        return {d.pk for d in disclosure.disclosure_public_list(jurisdiction=world.town.pk, now=now)}

    assert online(1) == {person.pk, shop.pk}
    assert online(2.01) == {shop.pk}
    assert online(5.01) == set()
