"""Statement budget of registering a clue (案源) through the API (issue 18): at most 10."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from township.cases.tests.test_statement_budgets import endpoint_statements
from township.enforcement.models import Clue


def test_a_clue_through_the_api_runs_at_most_10_statements(world, client):
    client.force_login(world.o1)
    body = {"jurisdiction": "500116108", "source": "complaint", "summary": "夜间施工噪音"}
    assert client.post("/api/v1/enforcement/clues", body, content_type="application/json").status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        created = client.post("/api/v1/enforcement/clues", body, content_type="application/json")
    assert created.status_code == 201, created.content
    statements = endpoint_statements(ctx)
    assert len(statements) <= 10, "\n".join(statements)
    clue = Clue.objects.get(pk=created.json()["id"])
    assert clue.summary == "夜间施工噪音" and clue.decide_by is not None
