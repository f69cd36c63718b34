"""The queue ticket's phone number encrypted at rest (SM4); existing rows encrypted in place."""

from django.db import migrations

import township.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("approval", "0005_provisional_dates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="queueticket",
            name="phone",
            field=township.core.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="手机号"),
        ),
        township.core.fields.encrypt_existing("approval.QueueTicket", {"phone": None}),
    ]
