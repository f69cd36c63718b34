"""The procedure through the staff pages: clue → 立案 form → 调查取证 form; a refused step shows the Chinese reason."""

from __future__ import annotations

from django.urls import reverse

from township.enforcement import services
from township.enforcement.machine import PenaltyState
from township.enforcement.models import Clue, PenaltyCase


def test_clue_filed_and_investigated_through_the_forms(world, client):
    clue = services.clue_create(jurisdiction=world.town, source="complaint", summary="违法搭建举报", actor=world.o1)
    client.force_login(world.o1)
    page = client.get(reverse("enforcement:clue-list")).content.decode()
    assert reverse("enforcement:clue-action", args=[clue.pk, "file"]) in page
    response = client.post(
        reverse("enforcement:clue-action", args=[clue.pk, "file"]),
        {
            "party_kind": "person",
            "party_name": "孙某",
            "act_date": "2026-02-01",
            "domain": "city",
            "investigators": f"{world.o1.pk},{world.o2.pk}",
            "approved_by": world.leader.pk,
            "facts": "搭建棚屋",
        },
    )
    assert response.status_code == 302
    pc = PenaltyCase.objects.get(clue=clue)
    assert Clue.objects.get(pk=clue.pk).decision == "filed"

    detail = client.get(reverse("enforcement:case-detail", args=[pc.pk])).content.decode()
    assert reverse("enforcement:case-action", args=[pc.pk, "act"]) in detail
    url = reverse("enforcement:case-action", args=[pc.pk, "act"])
    refused = client.post(
        url, {"kind": "inquiry", "at": "2026-03-02T10:00", "place": "执法局", "officers": str(world.o1.pk)}
    )
    assert refused.status_code == 409
    assert "执法人员不得少于两人" in refused.content.decode()
    ok = client.post(
        url,
        {"kind": "inquiry", "at": "2026-03-02T10:00", "place": "执法局", "officers": f"{world.o1.pk},{world.o2.pk}"},
    )
    assert ok.status_code == 302
    pc.case.refresh_from_db()
    assert pc.case.state == PenaltyState.INVESTIGATING


def test_clue_rejected_through_the_form_and_foreign_clue_is_404(world, client):
    clue = services.clue_create(jurisdiction=world.town, source="complaint", summary="噪音", actor=world.o1)
    client.force_login(world.stranger)
    assert client.get(reverse("enforcement:clue-action", args=[clue.pk, "reject"])).status_code == 404
    client.force_login(world.o1)
    response = client.post(reverse("enforcement:clue-action", args=[clue.pk, "reject"]), {"reason": "不属于管辖"})
    assert response.status_code == 302
    assert Clue.objects.get(pk=clue.pk).decision == "not_filed"
