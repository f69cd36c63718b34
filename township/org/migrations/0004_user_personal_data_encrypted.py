"""User phone and resident ID encrypted at rest (SM4), the resident ID findable through its blind index."""

from django.db import migrations

import township.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_grant_data_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="resident_id_index",
            field=township.core.fields.BlindIndexField(
                db_index=True, source="resident_id", verbose_name="身份证号索引"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=township.core.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="手机号"),
        ),
        migrations.AlterField(
            model_name="user",
            name="resident_id",
            field=township.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name="身份证号"),
        ),
        # Existing rows: encrypt in place and fill the index (after the schema changes above).
        township.core.fields.encrypt_existing("org.User", {"resident_id": "resident_id_index", "phone": None}),
    ]
