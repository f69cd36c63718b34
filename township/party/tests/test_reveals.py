"""Party data shown unmasked is audited (DOMAIN2 §7): one reveal-log row per page view or API call — never per member
—, none for a masked viewer; the auditor of the town reads them in 个人信息查看记录 (page, API, export) beside the
主体库 reveals, another town's auditor does not."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from township.org.models import Role
from township.party import services
from township.party.models import RevealLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_a(make_user, town_a):
    return make_user((town_a, Role.AUDITOR), username="auditor_pa", full_name="审计甲")


@pytest.fixture
def auditor_b(make_user, town_b):
    return make_user((town_b, Role.AUDITOR), username="auditor_pb", full_name="审计乙")


def test_full_view_writes_one_row_masked_none(client, branch, leader_a, dispatcher_a):
    client.force_login(dispatcher_a)
    client.get(f"/party/{branch.pk}/")
    client.get(f"/api/v1/party/orgs/{branch.pk}")
    client.get("/api/v1/party/geojson")
    client.get("/party/")
    assert not RevealLog.objects.exists()
    client.force_login(leader_a)
    client.get(f"/party/{branch.pk}/", REMOTE_ADDR="10.1.2.3")
    [row] = RevealLog.objects.all()
    assert (row.actor_id, row.org_id, row.scope, row.channel, row.members, row.ip, row.jurisdiction_id) == (
        leader_a.pk,
        branch.pk,
        "detail",
        "web",
        1,
        "10.1.2.3",
        branch.jurisdiction_id,
    )
    client.get(f"/api/v1/party/orgs/{branch.pk}")
    client.get("/api/v1/party/geojson")
    client.get("/api/v1/party/orgs")
    client.get("/party/")
    rows = list(RevealLog.objects.order_by("id").values_list("scope", "channel", "orgs", "members"))
    assert rows[1:] == [("detail", "api", 1, 1), ("layer", "api", 1, 1), ("list", "api", 1, 0), ("list", "web", 1, 0)]


def test_detail_queries_constant_in_members(
    client, branch, leader_a, make_user, town_a, grid_a, django_assert_max_num_queries
):
    client.force_login(leader_a)
    url = f"/party/{branch.pk}/"
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        assert client.get(url).status_code == 200
    for i in range(12):
        person = make_user((town_a, Role.GRID_VOLUNTEER), username=f"vol{i}", full_name=f"志愿{i}")
        services.member_link_add(actor=leader_a, org=branch, role="linked", user=person, grid=grid_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert "志愿11" in body
    assert RevealLog.objects.filter(scope="detail").count() == 3  # one a view
    assert RevealLog.objects.order_by("-id").first().members == 13


def test_auditor_of_the_town_reads_it(client, branch, leader_a, auditor_a, auditor_b):
    client.force_login(leader_a)
    client.get(f"/party/{branch.pk}/")
    client.get(f"/api/v1/party/orgs/{branch.pk}")
    client.force_login(auditor_a)
    html = client.get("/security/reveal-log/").content.decode()
    assert "石门村党支部" in html and "领导甲" in html and "党组织详情" in html and "1 名党员" in html
    assert "石门村党支部" in client.get("/security/reveal-log/", {"q": "石门"}).content.decode()
    body = client.get("/api/v1/audit/reveals", {"limit": 1}).json()
    [item] = body["items"]
    assert item["kind"] == "party" and item["org_id"] == branch.pk and item["channel"] == "api"
    assert item["subject_id"] is None and item["field"] == "detail" and item["members"] == 1
    rest = client.get("/api/v1/audit/reveals", {"cursor": body["next_cursor"]}).json()
    assert [i["channel"] for i in rest["items"]] == ["web"] and rest["next_cursor"] is None
    assert client.get("/api/v1/audit/reveals", {"cursor": "garbage"}).status_code == 422
    data = client.get("/security/reveal-log/export/").content
    rows = list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {r[5] for r in rows[1:]} == {"石门村党支部"} and rows[1][7] == 1
    client.force_login(auditor_b)  # another town
    assert "石门村党支部" not in client.get("/security/reveal-log/").content.decode()
    assert client.get("/api/v1/audit/reveals").json()["items"] == []


def test_reveal_log_is_append_only_on_postgresql(branch, leader_a):
    from django.db import connection

    row = services.reveal_record(actor=leader_a, town=branch.jurisdiction_id, scope="detail", org=branch)
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    import pgtrigger

    with pytest.raises(Exception, match="append_only|Cannot"):
        RevealLog.objects.filter(pk=row.pk).update(members=5)
    assert pgtrigger is not None
