"""``manage.py holidays_import``: enter one year's holiday arrangement (e.g. 2027) from a CSV file or the package.

CSV (UTF-8, header optional): ``date,kind,name`` — kind is ``holiday``/``makeup_workday`` or 休/班, e.g.::

    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-06,makeup_workday,春节

The year's rows are replaced in one transaction and the year is marked covered (``CalendarYear``), so deadlines in
that year are computed from then on. ``--from-package`` takes the year from the installed chinesecalendar instead.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from township.core import calendar
from township.core.models import CalendarYear, Holiday, HolidayKind

KIND_ALIASES = {
    "holiday": HolidayKind.HOLIDAY,
    "休": HolidayKind.HOLIDAY,
    "假": HolidayKind.HOLIDAY,
    "法定节假日": HolidayKind.HOLIDAY,
    "makeup_workday": HolidayKind.MAKEUP_WORKDAY,
    "班": HolidayKind.MAKEUP_WORKDAY,
    "调休上班日": HolidayKind.MAKEUP_WORKDAY,
}


def rows_from_csv(path: Path, year: int) -> list[tuple[dt.date, str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc}") from exc
    rows: list[tuple[dt.date, str, str]] = []
    for lineno, record in enumerate(csv.reader(text.splitlines()), start=1):
        if not record or not "".join(record).strip() or record[0].strip().lower() == "date":
            continue
        if len(record) < 2:
            raise CommandError(f"第{lineno}行：应为“日期,类型,名称”")
        try:
            day = dt.date.fromisoformat(record[0].strip())
        except ValueError as exc:
            raise CommandError(f"第{lineno}行：日期“{record[0]}”格式应为 YYYY-MM-DD") from exc
        kind = KIND_ALIASES.get(record[1].strip().lower())
        if kind is None:
            raise CommandError(f"第{lineno}行：类型“{record[1]}”应为 holiday/休 或 makeup_workday/班")
        if day.year != year:
            raise CommandError(f"第{lineno}行：日期 {day} 不在 {year} 年")
        rows.append((day, kind, (record[2].strip() if len(record) > 2 else "")[:32]))
    return rows


def rows_from_package(year: int) -> list[tuple[dt.date, str, str]]:
    rows = calendar.package_rows(year, year)
    if not rows:
        raise CommandError(f"已安装的 chinesecalendar 不含 {year} 年数据")
    return rows


class Command(BaseCommand):
    help = "录入某一年度的节假日安排（CSV 文件或已安装的 chinesecalendar），替换该年已有记录并标记该年已录入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV 文件：date,kind,name")
        parser.add_argument("--year", type=int, required=True, help="年度，例如 2027")
        parser.add_argument("--source", default="", help="依据，例如《国务院办公厅关于2027年部分节假日安排的通知》")
        parser.add_argument("--from-package", action="store_true", help="从已安装的 chinesecalendar 包导入")
        parser.add_argument("--dry-run", action="store_true", help="只检查并显示，不写入")

    def handle(self, *args, **options) -> None:
        year: int = options["year"]
        if options["from_package"] == bool(options["file"]):
            raise CommandError("请给出 CSV 文件，或使用 --from-package（二者选一）")
        if options["from_package"]:
            import importlib.metadata

            rows = rows_from_package(year)
            version = importlib.metadata.version("chinesecalendar")
            source = options["source"] or f"chinesecalendar {version} / 国务院办公厅通知"
        else:
            rows = rows_from_csv(Path(options["file"]), year)
            source = options["source"]
        if not source:
            raise CommandError("请用 --source 写明依据（通知名称或文号）")

        seen: set[dt.date] = set()
        for day, kind, _name in rows:
            if day in seen:
                raise CommandError(f"日期 {day} 重复")
            seen.add(day)
            if kind == HolidayKind.MAKEUP_WORKDAY and day.weekday() < 5:
                self.stderr.write(f"注意：调休上班日 {day} 是工作日（周一至周五），请核对")
        holidays = sum(1 for _d, kind, _n in rows if kind == HolidayKind.HOLIDAY)
        summary = f"{year}年：法定节假日 {holidays} 天，调休上班日 {len(rows) - holidays} 天；依据：{source}"
        if options["dry_run"]:
            self.stdout.write("（试运行，未写入）" + summary)
            return

        with transaction.atomic():
            Holiday.objects.filter(date__year=year).delete()
            Holiday.objects.bulk_create(
                Holiday(date=day, kind=kind, name=name, source=source) for day, kind, name in sorted(rows)
            )
            CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
        calendar.invalidate_cache()
        self.stdout.write(summary)
        self.stdout.write(f"{year}年全年工作日 {calendar.year_working_days(year)} 天")
