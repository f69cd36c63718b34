"""The session's user (``PolicyBackend.get_user``), read by a statement compiled once per thread
(township.core.frozen): one statement, and the same refusals as building it on every request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from township.org import scoping
from township.web import security
from township.web.security import PolicyBackend

pytestmark = pytest.mark.django_db


def test_the_session_user_is_one_statement_with_the_version(clerk_a, monkeypatch):
    builds: list[object] = []
    real = security._session_user_query
    monkeypatch.setattr(security._session_user, "_build", lambda v: builds.append(v) or real(v))
    security._session_user.forget()
    backend = PolicyBackend()
    assert backend.get_user(clerk_a.pk).pk == clerk_a.pk
    with CaptureQueriesContext(connection) as ctx:
        user = backend.get_user(str(clerk_a.pk))  # as a session may hold it
    assert user.username == clerk_a.username and hasattr(user, scoping.VERSION_ATTR)
    assert len([q for q in ctx.captured_queries if '"org_user"' in q["sql"]]) == 1 and len(builds) == 1


def test_an_unknown_inactive_or_malformed_session_user_is_nobody(clerk_a):
    backend = PolicyBackend()
    assert backend.get_user(clerk_a.pk + 10_000) is None
    assert backend.get_user("not-a-number") is None
    assert backend.get_user(None) is None
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(is_active=False)
    assert backend.get_user(clerk_a.pk) is None


def test_a_signed_in_page_gets_its_user_from_the_session(clerk_client, clerk_a):
    res = clerk_client.get("/")
    assert res.status_code == 200 and res.wsgi_request.user.pk == clerk_a.pk
