"""The demo: realistic items from several channels, idempotent, the accusation hidden from the accused unit."""

from __future__ import annotations

import io

import pytest

from township.petitions.models import Petition

pytestmark = pytest.mark.django_db


def test_demo_seeds_once_and_hides_the_accusation(client):
    from township.org import demo as org_demo
    from township.petitions import demo

    org_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    states = dict(Petition.objects.values_list("title", "case__state"))
    assert states["石门村宅基地边界纠纷"] == "concluded"
    assert states["低保资格被取消"] == "review"
    assert states["要求撤销法院民事判决"] == "not_accepted"
    assert states["区属企业排污影响农田灌溉"] == "objected"
    assert Petition.objects.get(title="农民工工资拖欠").extended_days == 30
    assert len({p.channel for p in Petition.objects.all()}) >= 5
    n = Petition.objects.count()
    demo.seed(io.StringIO())
    assert Petition.objects.count() == n
    from township.org.models import User

    User.objects.update(must_change_password=False)
    accusation = Petition.objects.get(category="accusation")
    client.force_login(User.objects.get(username="handler"))
    assert client.get(f"/petitions/{accusation.pk}/").status_code == 404
    client.force_login(User.objects.get(username="petition"))
    assert client.get(f"/petitions/{accusation.pk}/").status_code == 200
    client.force_login(User.objects.get(username="applicant"))
    assert client.get("/api/v1/petitions/notices").json()
