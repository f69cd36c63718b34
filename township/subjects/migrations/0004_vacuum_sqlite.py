"""SQLite keeps the clear values the encrypting migrations overwrote in its free pages: rebuild the file.

Runs after every migration that encrypts personal data in place. ``VACUUM`` cannot run in a transaction,
hence ``atomic = False``. On PostgreSQL nothing is done here: plain VACUUM does not rewrite the pages;
run ``VACUUM FULL`` in a maintenance window after upgrading an existing database (docs/security.md).
"""

from django.db import migrations


def vacuum(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("subjects", "0003_presence_from_existing_rows"),
        ("org", "0004_user_personal_data_encrypted"),
        ("approval", "0006_ticket_phone_encrypted"),
        ("enforcement", "0005_party_id_number_encrypted"),
        ("grid", "0006_phones_encrypted"),
        ("certificates", "0003_signed_payload_encrypted"),
    ]

    operations = [migrations.RunPython(vacuum, migrations.RunPython.noop, elidable=True)]
