"""Resident IDs and phone numbers encrypted (SM4) with a blind index; presence (scope) and the reveal log."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import township.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_grant_data_scope"),
        ("subjects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="subject",
            options={
                "ordering": ["id"],
                "permissions": [("reveal_personal_data", "查看完整个人信息（身份证号、手机号）")],
                "verbose_name": "主体",
                "verbose_name_plural": "主体",
            },
        ),
        migrations.AddField(
            model_name="subject",
            name="resident_id_index",
            field=township.core.fields.BlindIndexField(source="resident_id", unique=True, verbose_name="身份证号索引"),
        ),
        migrations.AlterField(
            model_name="subject",
            name="phone",
            field=township.core.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="subject",
            name="resident_id",
            field=township.core.fields.EncryptedCharField(
                blank=True, max_length=18, null=True, verbose_name="身份证号"
            ),
        ),
        migrations.CreateModel(
            name="RevealLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="时间")),
                ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP地址")),
                (
                    "field",
                    models.CharField(
                        choices=[("resident_id", "身份证号"), ("phone", "联系电话")], max_length=16, verbose_name="字段"
                    ),
                ),
                ("channel", models.CharField(default="web", max_length=8, verbose_name="途径")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="查看人",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.jurisdiction",
                        verbose_name="所属区划",
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="subjects.subject",
                        verbose_name="主体",
                    ),
                ),
            ],
            options={
                "verbose_name": "个人信息查看记录",
                "verbose_name_plural": "个人信息查看记录",
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["jurisdiction", "at"], name="subjects_reveal_at")],
            },
        ),
        migrations.CreateModel(
            name="SubjectPresence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("registered", "登记"),
                            ("application", "办件申请人"),
                            ("enforcement", "执法当事人"),
                            ("credit", "信用记录"),
                            ("certificate", "证照持有人"),
                        ],
                        max_length=16,
                        verbose_name="来源",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="首次出现")),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.jurisdiction",
                        verbose_name="所属区划",
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="presences",
                        to="subjects.subject",
                        verbose_name="主体",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.jurisdiction",
                        verbose_name="村社区",
                    ),
                ),
            ],
            options={
                "verbose_name": "主体所在辖区",
                "verbose_name_plural": "主体所在辖区",
                "indexes": [models.Index(fields=["subject", "jurisdiction"], name="subjects_presence_subject")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("jurisdiction", "subject", "village"), name="subjects_presence_once"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("village__isnull", True)),
                        fields=("jurisdiction", "subject"),
                        name="subjects_presence_town_once",
                    ),
                ],
            },
        ),
        # Existing rows: encrypt in place, fill the blind index (runs after the schema changes above).
        township.core.fields.encrypt_existing("subjects.Subject", {"resident_id": "resident_id_index", "phone": None}),
    ]
