"""Backfill the NDRC Order 36 tier and publication periods of records written before 0002 (by kind)."""

from __future__ import annotations

import calendar
import datetime

from django.db import migrations

DEFAULT_SEVERITY = {"false_commitment": "general", "blacklist": "serious", "penalty": "general"}
PERIODS = {"minor": (0, 3), "general": (3, 12), "serious": (12, 36)}
SOURCES = {"approval": "approval", "enforcement": "enforcement"}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    CreditRecord = apps.get_model("credit", "CreditRecord")
    for r in CreditRecord.objects.filter(severity="", positive=False).iterator():
        if r.kind == "positive":
            r.positive = True
            r.public = False
        else:
            r.severity = DEFAULT_SEVERITY.get(r.kind, "general")
            low, high = PERIODS[r.severity]
            r.published_from = r.valid_from
            r.min_until = _add_months(r.valid_from, low)
            r.max_until = _add_months(r.valid_from, high)
            if r.valid_until is not None and r.valid_until < r.max_until:
                r.max_until = r.valid_until
        if r.source == "other":
            r.source = "commitment" if r.kind == "false_commitment" else SOURCES.get(r.source_app, "other")
        r.save(update_fields=["positive", "public", "severity", "published_from", "min_until", "max_until", "source"])


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_creditgradescheme_repair_working_days_and_more")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
