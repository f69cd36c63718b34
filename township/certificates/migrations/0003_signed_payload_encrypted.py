"""The signed payload names the holder's resident ID: encrypted at rest (SM4), existing rows encrypted in place."""

from django.db import migrations

import township.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_sealed_documents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="signed_payload",
            field=township.core.fields.EncryptedTextField(verbose_name="签名原文（规范化JSON）"),
        ),
        township.core.fields.encrypt_existing("certificates.Certificate", {"signed_payload": None}),
    ]
