"""Administrators edit the holiday table here (DOMAIN.md §7.1: enter next year when the notice is published)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from township.core import calendar
from township.core.models import CalendarYear, Holiday, HolidayKind

if TYPE_CHECKING:  # the admin classes are generic for mypy only (django-stubs), not at run time
    _HolidayAdminBase = admin.ModelAdmin[Holiday]
    _CalendarYearAdminBase = admin.ModelAdmin[CalendarYear]
else:
    _HolidayAdminBase = _CalendarYearAdminBase = admin.ModelAdmin


class YearListFilter(admin.SimpleListFilter):
    title = _("年份")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = Holiday.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value:
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(Holiday)
class HolidayAdmin(_HolidayAdminBase):
    list_display = ("date", "weekday", "kind", "name", "source")
    list_filter = ("kind", YearListFilter)
    search_fields = ("name", "source", "date")
    date_hierarchy = "date"
    ordering = ("-date",)
    list_per_page = 100

    @admin.display(description=_("星期"))
    def weekday(self, obj: Holiday) -> str:
        return ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][obj.date.weekday()]


def _days_of_kind(kind: str) -> Coalesce:
    """Rows of one kind in the CalendarYear's year, as a correlated subquery (one query per admin page)."""
    rows = (
        Holiday.objects.filter(date__year=OuterRef("year"), kind=kind)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@admin.register(CalendarYear)
class CalendarYearAdmin(_CalendarYearAdminBase):
    list_display = ("year", "source", "holiday_days", "makeup_days", "working_days", "created_at")
    search_fields = ("year", "source")
    ordering = ("-year",)
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_count=_days_of_kind(HolidayKind.HOLIDAY),
                makeup_count=_days_of_kind(HolidayKind.MAKEUP_WORKDAY),
            )
        )

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not Holiday.objects.filter(date__year=obj.year).exists():
            messages.warning(
                request,
                _("%(year)s年尚未录入任何节假日或调休上班日：期限将只按周一至周五计算。请先录入当年节假日安排。")
                % {"year": obj.year},
            )

    @admin.display(description=_("法定节假日天数"), ordering="holiday_count")
    def holiday_days(self, obj: CalendarYear) -> int:
        return int(obj.holiday_count)  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=_("调休上班天数"), ordering="makeup_count")
    def makeup_days(self, obj: CalendarYear) -> int:
        return int(obj.makeup_count)  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=_("全年工作日"))
    def working_days(self, obj: CalendarYear) -> int | str:
        try:
            return calendar.year_working_days(obj.year)
        except calendar.CalendarNotCovered:
            return "—"
