"""PostgreSQL binds the parameters and prepares the statements a connection runs again and again
(config/env.py, ``DB_PREPARED_STATEMENTS``; docs/performance.md, "The grid summaries in two statements; prepared
statements")."""

from __future__ import annotations

import pytest
from django.db import connection

from config.env import database_config


def test_the_postgresql_configuration_prepares_unless_switched_off(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://township@127.0.0.1:5432/township")
    monkeypatch.delenv("DB_PREPARED_STATEMENTS", raising=False)
    monkeypatch.delenv("DB_PREPARE_THRESHOLD", raising=False)
    options = database_config()["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    monkeypatch.setenv("DB_PREPARE_THRESHOLD", "2")
    assert database_config()["OPTIONS"]["prepare_threshold"] == 2
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "0")  # a transaction-pooling PgBouncer before 1.21
    options = database_config().get("OPTIONS", {})
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    monkeypatch.delenv("DATABASE_URL")
    assert "server_side_binding" not in database_config()["OPTIONS"]  # SQLite: nothing to prepare


@pytest.mark.django_db
def test_a_statement_run_again_and_again_is_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from township.org.models import Jurisdiction

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
            return [row[0] for row in cursor.fetchall()]

    for n in range(8):
        list(Jurisdiction.objects.filter(code=f"zz-none-{n}").values_list("code", flat=True))
    statements = [s for s in prepared() if '"org_jurisdiction"."code" = $1' in s]
    assert statements, prepared()  # one statement, the value bound as $1 (not written into the text)
