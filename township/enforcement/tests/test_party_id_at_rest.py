"""A party's resident ID (issue 11 item 4): encrypted in the clue and the case, never put in the filing form."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from township.enforcement import services
from township.enforcement.models import PenaltyCase

PARTY_ID = "500116199211250428"


def test_party_id_is_encrypted_and_not_prefilled_in_clear(world, client):
    clue = services.clue_create(
        jurisdiction=world.town,
        source="complaint",
        summary="占道经营举报",
        actor=world.o1,
        party_kind="person",
        party_name="周丽",
        party_id_number=PARTY_ID,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT party_id_number FROM enforcement_clue WHERE id = %s", [clue.pk])
        assert cursor.fetchone()[0].startswith("sm4:1:")
    client.force_login(world.o1)
    url = reverse("enforcement:clue-action", args=[clue.pk, "file"])
    assert PARTY_ID not in client.get(url).content.decode()
    filing = {
        "party_kind": "person",
        "party_name": "周丽",
        "act_date": "2026-02-01",
        "domain": "city",
        "investigators": [world.o1.pk, world.o2.pk],
        "approved_by": world.leader.pk,
        "facts": "占道经营",
    }
    assert client.post(url, filing).status_code == 302  # the ID left blank: the clue's is kept
    pc = PenaltyCase.objects.get(clue=clue)
    assert pc.party_id_number == PARTY_ID and pc.subject.resident_id == PARTY_ID
    assert PARTY_ID not in client.get(reverse("enforcement:case-detail", args=[pc.pk])).content.decode()
