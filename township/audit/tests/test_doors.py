"""The actor, unit, IP and door come from the real request: a web page, and the API with a personal token."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from township.audit.models import Action, OperationLog, Source
from township.org.models import ApiToken, Role
from township.org.services import api_token_create

pytestmark = pytest.mark.django_db


def test_a_token_created_on_the_web_page_is_logged_without_its_secret(client, clerk_a, town_a):
    client.force_login(clerk_a)
    resp = client.post("/accounts/tokens/", {"name": "对接系统"}, REMOTE_ADDR="192.0.2.10")
    assert resp.status_code == 200
    token = ApiToken.objects.get(user=clerk_a)
    row = OperationLog.objects.get(content_type=ContentType.objects.get_for_model(ApiToken), object_id=str(token.pk))
    assert (row.action, row.source, row.ip) == (Action.CREATE, Source.WEB, "192.0.2.10")
    assert (row.actor_username, row.actor_unit, row.jurisdiction_code) == ("clerk_a", "白沙镇", town_a.code)
    assert row.changes["key_hash"] == [None, "******"]
    assert token.key_hash not in str(row.changes)


def test_a_catalog_item_written_through_the_api_with_a_token_names_the_token_user(client, make_user, town_a):
    head = make_user((town_a, Role.APPROVAL_HEAD), username="head_a", full_name="审批负责人甲")
    _token, secret = api_token_create(user=head, name="导入")
    resp = client.post(
        "/api/v1/catalog/items",
        {"name": "个体工商户登记", "item_type": "01", "jurisdiction": town_a.code},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert resp.status_code == 201, resp.content
    row = OperationLog.objects.filter(object_repr__contains="个体工商户登记").get()
    assert (row.action, row.source, row.actor_username, row.actor_name) == (
        Action.CREATE,
        Source.API,
        "head_a",
        "审批负责人甲",
    )
    assert row.ip == "127.0.0.1" and row.jurisdiction_code == town_a.code
