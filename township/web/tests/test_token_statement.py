"""The API token's statement, compiled once per thread (township.core.frozen): the same user, checks and refusals
as building it on every request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from township.org import scoping, services
from township.org.models import ApiToken
from township.org.services import AccountRefused, api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(clerk_a):
    return api_token_create(user=clerk_a, name="冻结")[1]


def test_the_statement_is_built_once_and_answers_the_user_with_what_the_checks_read(clerk_a, secret, monkeypatch):
    builds: list[str] = []
    real = services._token_query
    monkeypatch.setattr(services._token_statement, "_build", lambda v: builds.append(v) or real(v))
    services._token_statement.forget()
    api_token_authenticate(secret)  # compiles, and writes 最近使用
    with CaptureQueriesContext(connection) as ctx:
        user = api_token_authenticate(secret)
        assert user.username == clerk_a.username and user.is_active  # the user came with the token
    assert len(ctx.captured_queries) == 1 and len(builds) == 1
    for name in (scoping.VERSION_ATTR, "_token_account_locked", "_token_password_changed_at"):
        assert hasattr(user, name), name
    assert user._token_account_locked is False


def test_a_compiled_statement_refuses_at_once_what_it_would_refuse_built_anew(clerk_a, secret):
    from township.web.models import LoginThrottle

    assert api_token_authenticate(secret) is not None
    LoginThrottle.objects.create(username=clerk_a.username, locked_until=timezone.now() + dt.timedelta(minutes=5))
    with pytest.raises(AccountRefused) as refused:
        api_token_authenticate(secret)
    assert refused.value.code == "account_locked"
    # a lock that has ended, by the database's clock, refuses nothing
    LoginThrottle.objects.filter(username=clerk_a.username).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert api_token_authenticate(secret) is not None
    ApiToken.objects.filter(user=clerk_a).update(revoked_at=timezone.now())
    assert api_token_authenticate(secret) is None
    ApiToken.objects.filter(user=clerk_a).update(revoked_at=None)
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(is_active=False)
    assert api_token_authenticate(secret) is None
    assert api_token_authenticate("tsp_" + "x" * 43) is None
