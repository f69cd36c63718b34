"""Personal API tokens page and the offline API docs."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders

from township.org.models import ApiToken


def test_create_shows_secret_once_then_list_and_revoke(clerk_client, clerk_a, open_toy):
    res = clerk_client.post("/accounts/tokens/", {"name": "网格系统对接"})
    html = res.content.decode()
    secret = re.search(r'id="token-secret">(tsp_[^<]+)<', html).group(1)
    assert "只显示这一次" in html
    # The secret works against the API, and is never shown again.
    case = open_toy()
    assert clerk_client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    from django.test import Client

    api = Client()
    assert api.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    listing = clerk_client.get("/accounts/tokens/").content.decode()
    assert "网格系统对接" in listing and secret not in listing and secret[:12] in listing
    token = ApiToken.objects.get(user=clerk_a)
    res = clerk_client.post("/accounts/tokens/", {"revoke": token.pk})
    assert res.status_code == 302
    assert "已撤销" in clerk_client.get("/accounts/tokens/").content.decode()
    assert api.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_token_name_required_inline_error(clerk_client):
    html = clerk_client.post("/accounts/tokens/", {"name": ""}).content.decode()
    assert "这个字段是必填项" in html
    assert "tsp_" not in html


def test_cannot_revoke_someone_elses_token(client, clerk_a, clerk_b):
    from township.org.services import api_token_create

    token, _ = api_token_create(user=clerk_a, name="甲")
    client.force_login(clerk_b)
    client.post("/accounts/tokens/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_query_count(clerk_client, clerk_a, django_assert_max_num_queries):
    from township.org.services import api_token_create

    for i in range(10):
        api_token_create(user=clerk_a, name=f"t{i}")
    with django_assert_max_num_queries(8):
        assert clerk_client.get("/accounts/tokens/").status_code == 200


def test_api_docs_work_offline(client, db):
    res = client.get("/api/v1/docs")
    assert res.status_code == 200
    html = res.content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and all(r.startswith("/static/") for r in refs), refs
    assert not re.search(r"https?://", html)
    for ref in refs:  # every asset is served from our own static files
        assert finders.find(ref.removeprefix("/static/")), ref
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_last_used_is_written_at_most_once_a_minute(client, clerk_a, time_machine):
    """最近使用 is shown on the tokens page; it is not a write on every API request (issue 18: statements)."""
    import datetime as dt

    from django.utils import timezone

    from township.org.services import api_token_create

    token, secret = api_token_create(user=clerk_a, name="接口")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    assert client.get("/api/v1/cases/workbench", **auth).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start
    time_machine.move_to(start + dt.timedelta(seconds=59), tick=False)
    assert client.get("/api/v1/cases/workbench", **auth).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start  # within the minute: no write
    time_machine.move_to(start + dt.timedelta(minutes=2), tick=False)
    assert client.get("/api/v1/cases/workbench", **auth).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(minutes=2)


def test_a_token_and_its_sign_in_checks_are_read_in_one_statement(client, clerk_a):
    """The lock and the password's age are read with the token (``token_reads``), not one statement each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from township.org.services import api_token_create
    from township.web.models import LoginThrottle

    _token, secret = api_token_create(user=clerk_a, name="接口")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/cases/workbench", **auth).status_code == 200  # first use writes 最近使用
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/cases/workbench", **auth).status_code == 200
    tables = ("org_apitoken", "web_loginthrottle", "web_passwordhistory")
    reads = [q["sql"] for q in ctx.captured_queries if any(f'"{t}"' in q["sql"] for t in tables)]
    assert len(reads) == 1 and all(f'"{t}"' in reads[0] for t in tables), reads
    # and the checks still refuse: a locked name answers 403 with its code
    from django.utils import timezone

    LoginThrottle.objects.create(username=clerk_a.username, locked_until=timezone.now() + timezone.timedelta(minutes=5))
    res = client.get("/api/v1/cases/workbench", **auth)
    assert res.status_code == 403 and res.json()["code"] == "account_locked"
