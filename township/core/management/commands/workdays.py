"""``manage.py workdays DATE N [--unit …]``: print the due date of a period (support staff, checks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from township.core import calendar


def _parse_start(value: str, unit: str) -> dt.datetime:
    text = value.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            naive = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware in Asia/Shanghai below
        except ValueError:
            continue
        return naive.replace(tzinfo=calendar.LOCAL_TZ)
    raise CommandError(
        _("无法识别的日期“%(value)s”，请使用 YYYY-MM-DD（工作小时可用 “YYYY-MM-DD HH:MM”）") % {"value": value}
    )


class Command(BaseCommand):
    help = (
        "计算期限届满日：DATE 之后 N 个工作日 / 自然日（届满日遇节假日顺延）/ 工作小时。"
        " 例：manage.py workdays 2026-09-28 20 → 2026-10-30"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("date", help="起算日 YYYY-MM-DD（工作小时可带时间：“YYYY-MM-DD HH:MM”，北京时间）")
        parser.add_argument("n", type=float, help="期限数量")
        parser.add_argument(
            "--unit",
            choices=calendar.UNITS,
            default="working_days",
            help="working_days 工作日（默认）| natural_days 自然日 | working_hours 工作小时",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = options["unit"]
        amount = options["n"]
        if amount < 0:
            raise CommandError(_("期限数量不能为负数"))
        if unit not in ("working_hours", "natural_hours") and amount != int(amount):
            raise CommandError(_("工作日和自然日的期限数量应为整数"))
        start = _parse_start(options["date"], unit)
        try:
            if unit in ("working_hours", "natural_hours"):
                due = calendar.due_datetime(start, amount, unit)
                self.stdout.write(due.astimezone(calendar.LOCAL_TZ).strftime("%Y-%m-%d %H:%M"))
            elif unit == "working_days":
                self.stdout.write(calendar.add_working_days(start.date(), int(amount)).isoformat())
            else:
                self.stdout.write(calendar.add_natural_days(start.date(), int(amount)).isoformat())
        except calendar.CalendarNotCovered as exc:
            raise CommandError(exc.message) from exc
