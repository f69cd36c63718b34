"""Reference tables without domain rules: the holiday calendar."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班日")


class CalendarYear(models.Model):
    """A year whose holiday arrangement is entered; deadlines past the last covered year are refused."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("依据"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")

    def __str__(self) -> str:
        return str(self.year)


class Holiday(models.Model):
    """One day that differs from the Monday–Friday rule: a statutory holiday or a make-up working day."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=HolidayKind.choices)
    name = models.CharField(_("名称"), max_length=32, blank=True)
    source = models.CharField(_("来源"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
