"""节假日 (working calendar) in 系统管理: the years entered, their statutory holidays and make-up working days, a
day added or corrected, a year imported (the same parsing as ``manage.py holidays_import``).

The table (``core.CalendarYear`` / ``core.Holiday``) is shared by every town: a system administrator of any unit
reads it, only one at county level or above changes it (``duties.is_global``). Every change is saved row by row so
the operation log (township.audit) records it with the values before and after; a correction states its basis
(依据, kept in ``Holiday.source``). A day returned to the Monday–Friday rule is a deletion of its row: the row is
first saved with the basis of the correction, then deleted, so the log holds both the reason and the last values.

The clocks (``township.core.calendar``) read the table: a change moves the due dates computed afterwards (each
server process within ``TOWNSHIP_CALENDAR_CACHE_SECONDS``), never the due dates already stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from township.core import calendar
from township.core.errors import DomainError, NotFound
from township.core.models import CalendarYear, Holiday, HolidayKind
from township.org.models import User
from township.system.duties import SYS, require, require_global

NORMAL = "normal"  # not a row: the day follows the Monday–Friday rule again
DAY_KINDS: tuple[tuple[str, Any], ...] = (
    (HolidayKind.HOLIDAY, HolidayKind.HOLIDAY.label),
    (HolidayKind.MAKEUP_WORKDAY, HolidayKind.MAKEUP_WORKDAY.label),
    (NORMAL, gettext_lazy("普通日（按周一至周五）")),
)
FIRST_YEAR, LAST_YEAR = 2000, 2100
WEEKDAYS = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)

Row = tuple[dt.date, str, str]  # (date, kind, name), as holidays_import reads them


# --- reads ----------------------------------------------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    source: str
    holidays: int
    makeup: int
    working_days: int | None


def year_list(*, actor: User) -> list[YearRow]:
    """The years entered, newest first, with their counts (two queries)."""
    require(actor, SYS)
    counts: dict[tuple[int, str], int] = {}
    for row in Holiday.objects.values("date__year", "kind").annotate(n=Count("id")).order_by():
        counts[(int(row["date__year"]), row["kind"])] = int(row["n"])
    out = []
    for year in CalendarYear.objects.order_by("-year"):
        try:
            working: int | None = calendar.year_working_days(year.year)
        except calendar.CalendarNotCovered:
            working = None
        out.append(
            YearRow(
                year=year.year,
                source=year.source,
                holidays=counts.get((year.year, HolidayKind.HOLIDAY), 0),
                makeup=counts.get((year.year, HolidayKind.MAKEUP_WORKDAY), 0),
                working_days=working,
            )
        )
    return out


def year_get(*, actor: User, year: int) -> CalendarYear:
    require(actor, SYS)
    found = CalendarYear.objects.filter(year=year).first()
    if found is None:
        raise NotFound()
    return found


def year_days(*, actor: User, year: int, kind: str = "", search: str = "") -> list[Holiday]:
    """The holidays and make-up working days of ``year`` (a covered year), by date."""
    year_get(actor=actor, year=year)
    qs = Holiday.objects.filter(date__year=year).order_by("date")
    if kind in HolidayKind.values:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(source__icontains=search))
    return list(qs)


# --- pure guards ----------------------------------------------------------------------------------------------


def check_day_change(
    *, day: dt.date, kind: str, name: str, reason: str, covered: bool, current: tuple[str, str] | None
) -> DomainError | None:
    """What is wrong with setting ``day`` to ``kind`` (``current``: its row's (kind, name), None for none)."""
    if kind not in dict(DAY_KINDS):
        return DomainError("invalid_kind", _("请选择类型"), "kind")
    if not covered:
        return DomainError(
            "year_not_entered", _("%(year)s年尚未录入，请先导入该年度的节假日安排") % {"year": day.year}, "date"
        )
    if not reason.strip():
        return DomainError("required", _("请填写依据（通知名称、文号或更正原因）"), "reason")
    if len(reason.strip()) > 255:
        return DomainError("too_long", _("依据最多255个字符"), "reason")
    if len(name.strip()) > 32:
        return DomainError("too_long", _("名称最多32个字符"), "name")
    if kind == NORMAL and current is None:
        return DomainError("unchanged", _("该日已按周一至周五计算，无需更正"), "kind")
    if current is not None and current == (kind, name.strip()):
        return DomainError("unchanged", _("该日已是此类型和名称，无需更正"), "kind")
    return None


def day_warnings(day: dt.date, kind: str) -> list[str]:
    """Soft checks, shown but not refused (as holidays_import warns)."""
    out = []
    if kind == HolidayKind.MAKEUP_WORKDAY and day.weekday() < 5:
        out.append(_("注意：调休上班日 %(day)s 是周一至周五，请核对") % {"day": day})
    if kind == NORMAL and day.weekday() >= 5:
        out.append(_("注意：%(day)s 是周末，恢复为普通日后不是工作日") % {"day": day})
    return out


@dataclass
class ImportPlan:
    """What importing a year would do (the preview), or did."""

    year: int
    source: str
    rows: list[Row]
    added: list[Row] = field(default_factory=list)
    changed: list[tuple[Row, Row]] = field(default_factory=list)  # (before, after)
    removed: list[Row] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    new_year: bool = False

    @property
    def holidays(self) -> int:
        return sum(1 for _d, kind, _n in self.rows if kind == HolidayKind.HOLIDAY)

    @property
    def makeup(self) -> int:
        return len(self.rows) - self.holidays

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


def diff_days(current: list[Row], new: list[Row]) -> tuple[list[Row], list[tuple[Row, Row]], list[Row], int]:
    """(added, changed (before, after), removed, unchanged) between a year's stored rows and the imported ones."""
    stored = {day: (day, kind, name) for day, kind, name in current}
    wanted = {day: (day, kind, name) for day, kind, name in new}
    added = [wanted[d] for d in sorted(wanted) if d not in stored]
    removed = [stored[d] for d in sorted(stored) if d not in wanted]
    changed = [(stored[d], wanted[d]) for d in sorted(wanted) if d in stored and stored[d] != wanted[d]]
    unchanged = sum(1 for d in wanted if d in stored and stored[d] == wanted[d])
    return added, changed, removed, unchanged


# --- writes ---------------------------------------------------------------------------------------------------


@transaction.atomic
def day_set(*, actor: User, day: dt.date, kind: str, name: str = "", reason: str) -> tuple[Holiday | None, list[str]]:
    """新增 / 更正 one day of a covered year (county system administrator). Returns the row (None when the day
    returns to the Monday–Friday rule) and the warnings to show."""
    require_global(actor)
    name, reason = (name or "").strip(), (reason or "").strip()
    row = Holiday.objects.select_for_update().filter(date=day).first()
    covered = CalendarYear.objects.filter(year=day.year).exists()
    problem = check_day_change(
        day=day, kind=kind, name=name, reason=reason, covered=covered, current=(row.kind, row.name) if row else None
    )
    if problem is not None:
        raise problem
    if kind == NORMAL:
        assert row is not None
        row.source = reason
        row.save()  # the basis of the correction, in the log before the row goes
        row.delete()
        calendar.invalidate_cache()
        return None, day_warnings(day, kind)
    row = row or Holiday(date=day)
    row.kind, row.name, row.source = kind, name, reason
    row.save()
    calendar.invalidate_cache()
    return row, day_warnings(day, kind)


def _import_rows(year: int, text: str | None, from_package: bool) -> list[Row]:
    from township.core.management.commands.holidays_import import rows_from_package, rows_from_text

    try:
        if from_package:
            return rows_from_package(year)
        if not (text or "").strip():
            raise DomainError("required", _("请上传 CSV 文件，或选择从 chinesecalendar 导入"), "file")
        return rows_from_text(text or "", year)
    except CommandError as exc:
        raise DomainError("invalid_file", str(exc), "from_package" if from_package else "file") from exc


def import_plan(
    *, actor: User, year: int, source: str = "", text: str | None = None, from_package: bool = False
) -> ImportPlan:
    """The preview of importing ``year`` (CSV text ``date,kind,name`` or the installed chinesecalendar): which days
    are added, changed and removed. Nothing is written."""
    from township.core.management.commands.holidays_import import check_rows

    require_global(actor)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError("invalid_year", _("年份应在%(a)s至%(b)s之间") % {"a": FIRST_YEAR, "b": LAST_YEAR}, "year")
    source = (source or "").strip()
    if not source and from_package:
        import importlib.metadata

        source = f"chinesecalendar {importlib.metadata.version('chinesecalendar')} / 国务院办公厅通知"
    if not source:
        raise DomainError("required", _("请写明依据（通知名称或文号）"), "source")
    if len(source) > 255:
        raise DomainError("too_long", _("依据最多255个字符"), "source")
    rows = _import_rows(year, text, from_package)
    try:
        warnings = check_rows(rows)
    except CommandError as exc:
        raise DomainError("invalid_file", str(exc), "file") from exc
    current = [(d, k, n) for d, k, n in Holiday.objects.filter(date__year=year).values_list("date", "kind", "name")]
    added, changed, removed, unchanged = diff_days(current, sorted(rows))
    return ImportPlan(
        year=year,
        source=source,
        rows=sorted(rows),
        added=added,
        changed=changed,
        removed=removed,
        unchanged=unchanged,
        warnings=warnings,
        new_year=not CalendarYear.objects.filter(year=year).exists(),
    )


@transaction.atomic
def import_apply(
    *, actor: User, year: int, source: str = "", text: str | None = None, from_package: bool = False
) -> ImportPlan:
    """Import ``year`` as previewed: days added, changed and removed row by row (each in the operation log, the
    removed ones first saved with the import's basis), the year marked entered with its basis."""
    plan = import_plan(actor=actor, year=year, source=source, text=text, from_package=from_package)
    stored = {h.date: h for h in Holiday.objects.select_for_update().filter(date__year=year)}
    for day, _kind, _name in plan.removed:
        row = stored[day]
        row.source = plan.source
        row.save()
        row.delete()
    for _before, (day, kind, name) in plan.changed:
        row = stored[day]
        row.kind, row.name, row.source = kind, name, plan.source
        row.save()
    for day, kind, name in plan.added:
        Holiday.objects.create(date=day, kind=kind, name=name, source=plan.source)
    entry = CalendarYear.objects.filter(year=year).first()
    if entry is None:
        CalendarYear.objects.create(year=year, source=plan.source)
    elif entry.source != plan.source:
        entry.source = plan.source
        entry.save()
    calendar.invalidate_cache()
    return plan
