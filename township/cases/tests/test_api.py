"""The case endpoints: scoping, transitions, errors as {code, message, field}, tokens, query counts."""

from __future__ import annotations

import json

import pytest

from township.cases.services import case_open
from township.org.services import api_token_create


@pytest.fixture
def api_client(client, clerk_a):
    client.force_login(clerk_a)
    return client


def test_workbench_lists_actionable_cases_sorted_by_due(api_client, town_a, clerk_a, django_assert_max_num_queries):
    for limit in (10, 3, 5):
        case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, clock_unit="working_days", clock_limit=limit)
    with django_assert_max_num_queries(8):
        res = api_client.get("/api/v1/cases/workbench")
    assert res.status_code == 200
    items = res.json()["items"]
    assert len(items) == 3
    dues = [i["due_at"] for i in items]
    assert dues == sorted(dues)
    assert items[0]["state_label"] == "新建"


def test_workbench_query_count_does_not_grow_with_rows(api_client, town_a, clerk_a, django_assert_max_num_queries):
    for _ in range(25):
        case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    with django_assert_max_num_queries(8):
        res = api_client.get("/api/v1/cases/workbench?limit=20")
    body = res.json()
    assert len(body["items"]) == 20 and body["next_cursor"]
    res2 = api_client.get(f"/api/v1/cases/workbench?limit=20&cursor={body['next_cursor']}")
    ids = {i["id"] for i in body["items"]} | {i["id"] for i in res2.json()["items"]}
    assert len(ids) == 25


def test_a_cursor_written_into_the_url_unencoded_still_pages(api_client, town_a, clerk_a):
    """The cursor holds the due time with its offset (``+00:00``); a client that puts it into the query string
    without encoding sends a space for the ``+``: the next page still follows, not the first one again."""
    for limit in (3, 5, 10):
        case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, clock_unit="working_days", clock_limit=limit)
    body = api_client.get("/api/v1/cases/workbench?limit=2").json()
    assert "+" in body["next_cursor"]
    rest = api_client.get(f"/api/v1/cases/workbench?limit=2&cursor={body['next_cursor']}").json()
    assert len(rest["items"]) == 1 and rest["items"][0]["id"] not in {i["id"] for i in body["items"]}


def test_other_town_cannot_see_or_act(client, town_a, clerk_a, clerk_b):
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    client.force_login(clerk_b)
    assert client.get("/api/v1/cases/workbench").json()["items"] == []
    res = client.get(f"/api/v1/cases/{case.pk}")
    assert res.status_code == 404
    assert res.json()["code"] == "not_found"
    res = client.post(f"/api/v1/cases/{case.pk}/transitions", json.dumps({"name": "accept"}), "application/json")
    assert res.status_code == 404
    case.refresh_from_db()
    assert case.state == "new"


def test_fire_transition_and_errors_are_structured(api_client, town_a, clerk_a):
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    res = api_client.post(
        f"/api/v1/cases/{case.pk}/transitions", json.dumps({"name": "accept", "version": 1}), "application/json"
    )
    assert res.status_code == 200, res.content
    assert res.json()["state"] == "working"
    assert res.json()["event"]["name"] == "accept" and res.json()["version"] == 2
    res = api_client.post(
        f"/api/v1/cases/{case.pk}/transitions", json.dumps({"name": "accept", "version": 1}), "application/json"
    )
    assert res.status_code == 409
    assert res.json() == {"code": "concurrent_transition", "message": "该案件已被他人处理，请刷新后重试", "field": None}
    res = api_client.post(f"/api/v1/cases/{case.pk}/transitions", json.dumps({"name": "decide"}), "application/json")
    assert res.status_code == 409 and res.json()["code"] == "role_required"
    res = api_client.post(f"/api/v1/cases/{case.pk}/transitions", json.dumps({"nom": 1}), "application/json")
    assert res.status_code == 422 and res.json()["code"] == "invalid"


def test_personal_token_authenticates_and_anonymous_is_refused(client, town_a, clerk_a):
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 401
    _, secret = api_token_create(user=clerk_a, name="集成")
    res = client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert res.status_code == 200 and res.json()["number"] == case.number
    assert client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_attachment_download_only_in_scope(client, town_a, clerk_a, clerk_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from township.cases.tests.test_services import PNG

    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    client.force_login(clerk_a)
    res = client.post(f"/api/v1/cases/{case.pk}/attachments", {"file": SimpleUploadedFile("x.png", PNG)})
    assert res.status_code == 200, res.content
    att = res.json()
    assert att["content_type"] == "image/png"
    url = f"/api/v1/cases/{case.pk}/attachments/{att['id']}"
    assert client.get(url).status_code == 200
    client.force_login(clerk_b)
    assert client.get(url).status_code == 404


def test_a_refused_upload_answers_415_or_413_and_the_operation_documents_them(client, town_a, clerk_a, settings):
    """A file of a type not allowed is 415 Unsupported Media Type, one over the limit 413 Content Too Large — not a
    conflict with the case's state (409) — with the code and the field; both are in the upload operations' document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from township.cases.models import Attachment
    from township.cases.tests.test_services import PNG

    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    client.force_login(clerk_a)
    url = f"/api/v1/cases/{case.pk}/attachments"
    res = client.post(url, {"file": SimpleUploadedFile("a.png", b"MZ\x90\x00 evil exe")})
    assert res.status_code == 415 and res.json()["code"] == "attachment_type" and res.json()["field"] == "file"
    assert "PDF" in res.json()["message"]
    settings.TOWNSHIP_ATTACHMENT_MAX_BYTES = 10
    res = client.post(url, {"file": SimpleUploadedFile("big.png", PNG)})
    assert res.status_code == 413 and res.json()["code"] == "attachment_too_large"
    assert not Attachment.objects.filter(case=case).exists()
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/cases/{case_id}/attachments"]["post"]
    assert {"413", "415"} <= {str(s) for s in operation["responses"]}
    listing = paths["/api/v1/cases/workbench"]["get"]
    assert not {"413", "415"} & {str(s) for s in listing["responses"]}
