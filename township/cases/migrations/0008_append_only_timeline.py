"""On PostgreSQL the timeline is append-only in the database too, not only through the ORM.

A trigger refuses UPDATE and DELETE of timeline events and checkpoints, and DELETE of case seals (a seal moves
forward by UPDATE when the worker seals a newer head). TRUNCATE (test database flushes) is not affected.
Someone who can disable triggers is caught by ``verify_timeline`` instead. SQLite has no such trigger: its test
flushes delete rows one by one.
"""

from __future__ import annotations

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION township_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'township: % on % is refused: the record is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    ("cases_caseevent", "UPDATE OR DELETE"),
    ("cases_checkpoint", "UPDATE OR DELETE"),
    ("cases_caseseal", "DELETE"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, ops in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE {ops} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION township_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _ops in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_due_provisional")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
