"""Parties' ID numbers (resident ID or USCC) encrypted at rest (SM4); existing rows encrypted in place."""

from django.db import migrations

import township.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0004_on_spot_receipt_and_service_documents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="clue",
            name="party_id_number",
            field=township.core.fields.EncryptedCharField(
                blank=True, max_length=18, verbose_name="证件号码/统一社会信用代码"
            ),
        ),
        migrations.AlterField(
            model_name="penaltycase",
            name="party_id_number",
            field=township.core.fields.EncryptedCharField(
                blank=True, max_length=18, verbose_name="证件号码/统一社会信用代码"
            ),
        ),
        township.core.fields.encrypt_existing("enforcement.Clue", {"party_id_number": None}),
        township.core.fields.encrypt_existing("enforcement.PenaltyCase", {"party_id_number": None}),
    ]
