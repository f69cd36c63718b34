"""Seed the component and event classes of DOMAIN §1.4 from data/event-classes.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "event-classes.csv"
INT_FIELDS = ("register_limit", "dispatch_limit", "handle_limit", "verify_limit")


def seed(apps, schema_editor):
    EventClass = apps.get_model("grid", "EventClass")
    with DATA.open(encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            values = dict(row)
            code = values.pop("code")
            for f in INT_FIELDS:
                values[f] = int(values[f])
            values["is_local"] = values["is_local"] == "1"
            values["public"] = values["public"] == "1"
            values["sort"] = n
            EventClass.objects.update_or_create(code=code, defaults=values)


def unseed(apps, schema_editor):
    pass  # classes may be referenced by events; leave them


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
