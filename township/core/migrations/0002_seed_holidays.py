"""Seed the holiday table for 2004–2026 from the chinesecalendar package (DOMAIN.md §7.1).

Every statutory holiday date the package lists becomes a ``holiday`` row and every make-up working day a
``makeup_workday`` row; each seeded year gets a ``CalendarYear`` row. Later years are entered by administrators
(admin, or ``manage.py holidays_import``) when the State Council notice is published.
"""

import datetime

from django.db import migrations

FIRST_YEAR = 2004
LAST_YEAR = 2026
SOURCE = "chinesecalendar 1.11.0 / 国务院办公厅通知"


def _chinese_name(english: str) -> str:
    from chinese_calendar.constants import Holiday as PackageHoliday

    try:
        return PackageHoliday(english).chinese[:32]
    except ValueError:
        return english[:32]


def seed(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("core", "CalendarYear")
    Holiday = apps.get_model("core", "Holiday")
    db = schema_editor.connection.alias

    rows = []
    for kind, table in (("holiday", constants.holidays), ("makeup_workday", constants.workdays)):
        for day, english in table.items():
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                rows.append(Holiday(date=day, kind=kind, name=_chinese_name(english), source=SOURCE))
    existing = set(Holiday.objects.using(db).values_list("date", flat=True))
    Holiday.objects.using(db).bulk_create(
        sorted((r for r in rows if r.date not in existing), key=lambda r: r.date), batch_size=500
    )
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        CalendarYear.objects.using(db).get_or_create(year=year, defaults={"source": SOURCE})


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    Holiday = apps.get_model("core", "Holiday")
    db = schema_editor.connection.alias
    Holiday.objects.using(db).filter(
        source=SOURCE,
        date__gte=datetime.date(FIRST_YEAR, 1, 1),
        date__lte=datetime.date(LAST_YEAR, 12, 31),
    ).delete()
    CalendarYear.objects.using(db).filter(source=SOURCE, year__gte=FIRST_YEAR, year__lte=LAST_YEAR).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
