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
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

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
        raise CommandError(_("无法读取文件 %(path)s：%(error)s") % {"path": path, "error": exc}) from exc
    return rows_from_text(text, year)


def rows_from_text(text: str, year: int) -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) rows of ``year`` from CSV text; ``CommandError`` names the first bad line.
    Also used by 系统管理 → 节假日 (township.system) for an uploaded file."""
    rows: list[tuple[dt.date, str, str]] = []
    for lineno, record in enumerate(csv.reader(text.splitlines()), start=1):
        if not record or not "".join(record).strip() or record[0].strip().lower() == "date":
            continue
        if len(record) < 2:
            raise CommandError(_("第%(line)s行：应为“日期,类型,名称”") % {"line": lineno})
        try:
            day = dt.date.fromisoformat(record[0].strip())
        except ValueError as exc:
            raise CommandError(
                _("第%(line)s行：日期“%(value)s”格式应为 YYYY-MM-DD") % {"line": lineno, "value": record[0]}
            ) from exc
        kind = KIND_ALIASES.get(record[1].strip().lower())
        if kind is None:
            raise CommandError(
                _("第%(line)s行：类型“%(value)s”应为 holiday/休 或 makeup_workday/班")
                % {"line": lineno, "value": record[1]}
            )
        if day.year != year:
            raise CommandError(
                _("第%(line)s行：日期 %(day)s 不在 %(year)s 年") % {"line": lineno, "day": day, "year": year}
            )
        rows.append((day, kind, (record[2].strip() if len(record) > 2 else "")[:32]))
    return rows


def rows_from_package(year: int) -> list[tuple[dt.date, str, str]]:
    rows = calendar.package_rows(year, year)
    if not rows:
        raise CommandError(_("已安装的 chinesecalendar 不含 %(year)s 年数据") % {"year": year})
    return rows


def check_rows(rows: list[tuple[dt.date, str, str]]) -> list[str]:
    """``CommandError`` for a day listed twice; the warnings (a make-up working day on Monday–Friday)."""
    seen: set[dt.date] = set()
    warnings: list[str] = []
    for day, kind, _name in rows:
        if day in seen:
            raise CommandError(_("日期 %(day)s 重复") % {"day": day})
        seen.add(day)
        if kind == HolidayKind.MAKEUP_WORKDAY and day.weekday() < 5:
            warnings.append(_("注意：调休上班日 %(day)s 是周一至周五，请核对") % {"day": day})
    return warnings


class Command(BaseCommand):
    help = "录入某一年度的节假日安排（CSV 文件或已安装的 chinesecalendar），替换该年已有记录并标记该年已录入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV 文件：date,kind,name")
        parser.add_argument("--year", type=int, required=True, help="年度，例如 2027")
        parser.add_argument("--source", default="", help="依据，例如《国务院办公厅关于2027年部分节假日安排的通知》")
        parser.add_argument("--from-package", action="store_true", help="从已安装的 chinesecalendar 包导入")
        parser.add_argument("--dry-run", action="store_true", help="只检查并显示，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if options["from_package"] == bool(options["file"]):
            raise CommandError(_("请给出 CSV 文件，或使用 --from-package（二者选一）"))
        if options["from_package"]:
            import importlib.metadata

            rows = rows_from_package(year)
            version = importlib.metadata.version("chinesecalendar")
            source = options["source"] or f"chinesecalendar {version} / 国务院办公厅通知"
        else:
            rows = rows_from_csv(Path(options["file"]), year)
            source = options["source"]
        if not source:
            raise CommandError(_("请用 --source 写明依据（通知名称或文号）"))

        for warning in check_rows(rows):
            self.stderr.write(warning)
        holidays = sum(1 for _d, kind, _n in rows if kind == HolidayKind.HOLIDAY)
        summary = _("%(year)s年：法定节假日 %(holidays)s 天，调休上班日 %(makeup)s 天；依据：%(source)s") % {
            "year": year,
            "holidays": holidays,
            "makeup": len(rows) - holidays,
            "source": source,
        }
        if options["dry_run"]:
            self.stdout.write(_("（试运行，未写入）") + summary)
            return

        with transaction.atomic():
            Holiday.objects.filter(date__year=year).delete()
            Holiday.objects.bulk_create(
                Holiday(date=day, kind=kind, name=name, source=source) for day, kind, name in sorted(rows)
            )
            CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
        calendar.invalidate_cache()
        self.stdout.write(summary)
        self.stdout.write(
            _("%(year)s年全年工作日 %(days)s 天") % {"year": year, "days": calendar.year_working_days(year)}
        )
