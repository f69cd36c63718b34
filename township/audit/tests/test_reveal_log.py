"""个人信息查看记录: the auditor reads every reveal of a resident ID or phone number of their town (page, export,
API); nobody else does, and another town's reveals stay out."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from township.org.models import Role
from township.subjects.services import subject_get_or_create_person, subject_reveal

pytestmark = pytest.mark.django_db
URL = "/security/reveal-log/"
API = "/api/v1/audit/reveals"
LUO_ID = "500116198803150266"


@pytest.fixture
def reveals(town_a, town_b, make_user):
    clerk_a = make_user((town_a, Role.WINDOW_CLERK), username="clerk_ra", full_name="窗口甲")
    clerk_b = make_user((town_b, Role.WINDOW_CLERK), username="clerk_rb", full_name="窗口乙")
    luo = subject_get_or_create_person(resident_id=LUO_ID, name="罗晓梅", phone="13983000001", registered_in=town_a)
    zhao = subject_get_or_create_person(
        resident_id="500116199001010012", name="赵乙镇", phone="13983000002", registered_in=town_b
    )
    subject_reveal(subject=luo, field="resident_id", actor=clerk_a, ip="10.9.8.7")
    subject_reveal(subject=luo, field="phone", actor=clerk_a, ip="10.9.8.7", channel="api")
    subject_reveal(subject=zhao, field="phone", actor=clerk_b, ip="10.0.0.2")
    return clerk_a


def test_the_auditor_sees_who_revealed_what_in_their_town(client, auditor_a, reveals):
    client.force_login(auditor_a)
    html = client.get(URL).content.decode()
    assert "窗口甲" in html and "10.9.8.7" in html and "身份证号" in html and "联系电话" in html
    from township.subjects.selectors import subject_find

    assert subject_find(LUO_ID).masked_name in html and "罗晓梅" not in html and "接口" in html
    assert subject_find("500116199001010012").masked_name not in html and "窗口乙" not in html  # another town
    assert LUO_ID not in html  # the log itself shows nothing in full
    assert "个人信息查看记录" in client.get("/").content.decode()  # in the auditor's menu
    only_api = client.get(URL, {"q": "罗", "actor": "clerk_ra", "date_from": "2000-01-01"}).content.decode()
    assert only_api.count("<tr>") - 1 == 2


def test_export_and_api(client, auditor_a, reveals):
    client.force_login(auditor_a)
    data = client.get(URL + "export/").content
    rows = list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and len(rows) == 3
    assert {r[4] for r in rows[1:]} == {"网页", "接口"} and {r[6] for r in rows[1:]} == {"身份证号", "联系电话"}
    body = client.get(API, {"limit": 1}).json()
    assert len(body["items"]) == 1 and body["items"][0]["field"] == "phone" and body["next_cursor"]
    rest = client.get(API, {"cursor": body["next_cursor"]}).json()
    assert [i["field"] for i in rest["items"]] == ["resident_id"] and rest["next_cursor"] is None
    assert client.get(API, {"date_from": "bad"}).status_code == 422


@pytest.mark.parametrize("role", [Role.WINDOW_CLERK, Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.LEADER])
def test_no_one_else_reads_it(client, make_user, town_a, reveals, role):
    client.force_login(make_user((town_a, role), username=f"x_{role}"))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/").status_code == 403
    assert client.get(API).status_code == 403


def test_reveal_log_query_count_does_not_grow(client, auditor_a, reveals, django_assert_max_num_queries):
    from township.subjects.selectors import subject_find

    client.force_login(auditor_a)
    client.get(URL)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    luo = subject_find(LUO_ID)
    for _ in range(20):
        subject_reveal(subject=luo, field="phone", actor=reveals, ip="10.9.8.7")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
    assert reverse("reveal-log") == URL
