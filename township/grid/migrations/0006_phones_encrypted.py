"""Grid staff phones and reporters' contact phones encrypted at rest (SM4); existing rows encrypted in place."""

from django.db import migrations

import township.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0005_urgent_classes_round_the_clock"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="contact_phone",
            field=township.core.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="gridstaff",
            name="phone",
            field=township.core.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="联系电话"),
        ),
        township.core.fields.encrypt_existing("grid.Event", {"contact_phone": None}),
        township.core.fields.encrypt_existing("grid.GridStaff", {"phone": None}),
    ]
