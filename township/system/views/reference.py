"""节假日 and 事件分类导入 pages: shared reference tables, read by every system administrator, changed only by one
at county level or above (the services check it again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from township.core.errors import DomainError
from township.core.models import HolidayKind
from township.grid.models import ClassKind
from township.system import event_classes, holidays
from township.system.duties import SYS, is_global, require_global
from township.system.views.common import (
    admin_page,
    apply_error,
    form_page,
    list_page,
    me,
    q,
    select_filter,
    tag,
    text_filter,
)

CALENDAR_NOTE = gettext_lazy(
    "办理时限、超期预警等按工作日计算的期限读取此表：修改后，此后计算的期限随之改变（各服务进程约一分钟内生效），"
    "已经算出并保存的期限不变。每次修改都记入操作日志。"
)


def _kind_tag(kind: str) -> dict[str, Any]:
    if kind == HolidayKind.HOLIDAY:
        return tag(HolidayKind.HOLIDAY.label, "red")
    return tag(HolidayKind.MAKEUP_WORKDAY.label, "yellow")


# --- 节假日 -----------------------------------------------------------------------------------------------------


@admin_page(SYS)
def calendar_years(request: HttpRequest) -> HttpResponseBase:
    search = q(request, "q", 4)
    years = holidays.year_list(actor=me(request))
    if search:
        years = [y for y in years if search in str(y.year)]
    toolbar = []
    if is_global(me(request)):
        toolbar = [
            (_("导入年度"), reverse("system:calendar-import")),
            (_("新增或更正日期"), reverse("system:calendar-day")),
        ]
    return list_page(
        request,
        title=_("节假日"),
        filters=[text_filter("q", _("年份"), search)],
        headers=(_("年份"), _("依据"), _("法定节假日天数"), _("调休上班天数"), _("全年工作日")),
        items=years,
        row=lambda y: [
            {"text": str(y.year), "link": reverse("system:calendar-year", args=[y.year])},
            y.source,
            y.holidays,
            y.makeup,
            y.working_days if y.working_days is not None else "—",
        ],
        export_name="calendar-years",
        toolbar=toolbar,
        extra={"note": CALENDAR_NOTE},
    )


@admin_page(SYS)
def calendar_year(request: HttpRequest, year: int) -> HttpResponseBase:
    entry = holidays.year_get(actor=me(request), year=year)
    search, kind = q(request, "q"), q(request, "kind", 20)
    kind = kind if kind in HolidayKind.values else ""
    can_edit = is_global(me(request))
    return list_page(
        request,
        title=_("%(year)s年节假日") % {"year": year},
        filters=[
            text_filter("q", _("名称/依据"), search),
            select_filter("kind", _("类型"), kind, HolidayKind.choices),
        ],
        headers=(_("日期"), _("星期"), _("类型"), _("名称"), _("依据")),
        items=holidays.year_days(actor=me(request), year=year, kind=kind, search=search),
        row=lambda h: [h.date.isoformat(), holidays.WEEKDAYS[h.date.weekday()], _kind_tag(h.kind), h.name, h.source],
        export_name=f"holidays-{year}",
        actions="system/_holiday_actions.html" if can_edit else "",
        toolbar=[(_("新增或更正日期"), reverse("system:calendar-day") + f"?date={year}-01-01")] if can_edit else [],
        extra={
            "note": _("依据：%(source)s。") % {"source": entry.source or "—"} + str(CALENDAR_NOTE),
        },
    )


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=holidays.DAY_KINDS)
    name = forms.CharField(
        label=gettext_lazy("名称"), max_length=32, required=False, help_text=gettext_lazy("例如：春节、国庆节")
    )
    reason = forms.CharField(
        label=gettext_lazy("依据"),
        max_length=255,
        help_text=gettext_lazy("通知名称、文号或更正原因，记入操作日志"),
        error_messages={"required": gettext_lazy("请填写依据（通知名称、文号或更正原因）")},
    )


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def calendar_day(request: HttpRequest) -> HttpResponseBase:
    """新增或更正 one day; ``?date=`` fills in the day's current row."""
    require_global(me(request))
    initial: dict[str, Any] = {}
    raw = q(request, "date", 10)
    try:
        day = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    if day is not None:
        from township.core.models import Holiday

        row = Holiday.objects.filter(date=day).first()
        initial = {"date": day, "kind": row.kind if row else HolidayKind.HOLIDAY, "name": row.name if row else ""}
    form = DayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _row, warnings = holidays.day_set(
                actor=me(request), day=data["date"], kind=data["kind"], name=data["name"], reason=data["reason"]
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            for w in warnings:
                messages.warning(request, w)
            messages.success(request, _("已保存 %(day)s") % {"day": data["date"]})
            return redirect("system:calendar-year", year=data["date"].year)
    return form_page(
        request,
        title=_("新增或更正日期"),
        form=form,
        parent=(_("节假日"), reverse("system:calendar")),
        note=_("“普通日”表示该日恢复按周一至周五计算（删除该日的节假日或调休记录，删除前的内容记入操作日志）。")
        + str(CALENDAR_NOTE),
    )


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=holidays.FIRST_YEAR, max_value=holidays.LAST_YEAR)
    source = forms.CharField(
        label=gettext_lazy("依据"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("例如《国务院办公厅关于2027年部分节假日安排的通知》"),
    )
    file = forms.FileField(
        label=gettext_lazy("CSV 文件"),
        required=False,
        help_text=gettext_lazy("每行“日期,类型,名称”，类型为 holiday/休 或 makeup_workday/班"),
    )
    from_package = forms.BooleanField(label=gettext_lazy("从 chinesecalendar 导入"), required=False)


def _upload_text(request: HttpRequest) -> str | None:
    upload = request.FILES.get("file")
    if upload is None:
        text: str = request.POST.get("text", "")
        return text or None
    raw: bytes = upload.read(event_classes.MAX_BYTES + 1)
    if len(raw) > event_classes.MAX_BYTES:
        raise DomainError("too_large", _("文件不能超过2MB"), "file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("bad_encoding", _("无法识别文件编码，请使用 UTF-8 或 GBK 编码的 CSV"), "file")


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def calendar_import(request: HttpRequest) -> HttpResponseBase:
    """Upload (or choose the package) → preview of the days added, changed, removed → confirm."""
    require_global(me(request))
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    plan = None
    text: str | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text = None if data["from_package"] else _upload_text(request)
            args: dict[str, Any] = {
                "actor": me(request),
                "year": data["year"],
                "source": data["source"],
                "text": text,
                "from_package": data["from_package"],
            }
            if request.POST.get("action") == "confirm":
                done = holidays.import_apply(**args)
                messages.success(
                    request,
                    _("已导入%(year)s年：新增 %(a)s 天，更正 %(c)s 天，恢复为普通日 %(r)s 天")
                    % {"year": done.year, "a": len(done.added), "c": len(done.changed), "r": len(done.removed)},
                )
                return redirect("system:calendar-year", year=done.year)
            plan = holidays.import_plan(**args)
        except DomainError as exc:
            apply_error(form, exc)
    return render(
        request,
        "system/calendar_import.html",
        {"title": _("导入年度节假日"), "form": form, "plan": plan, "text": text or "", "note": CALENDAR_NOTE},
    )


# --- 事件分类导入 ----------------------------------------------------------------------------------------------


@admin_page(SYS)
def event_class_list(request: HttpRequest) -> HttpResponseBase:
    search, kind = q(request, "q"), q(request, "kind", 16)
    kind = kind if kind in ClassKind.values else ""
    return list_page(
        request,
        title=_("事件分类"),
        filters=[text_filter("q", _("编码/名称"), search), select_filter("kind", _("类型"), kind, ClassKind.choices)],
        headers=(
            _("类别编码"),
            _("类型"),
            _("大类名称"),
            _("小类名称"),
            _("责任单位"),
            _("处置时限"),
            _("群众可上报"),
            _("状态"),
        ),
        items=event_classes.class_list(actor=me(request), search=search, kind=kind),
        row=lambda c: [
            c.code,
            c.get_kind_display(),
            c.major_name,
            c.name,
            c.department_name,
            f"{c.handle_limit} {c.get_handle_unit_display()}",
            _("是") if c.public else _("否"),
            tag(_("启用"), "normal") if c.active else tag(_("停用"), "none"),
        ],
        export_name="event-classes",
        toolbar=[(_("导入"), reverse("system:event-class-import"))] if is_global(me(request)) else [],
        extra={"note": _("部件事件类别为全县共用字典，由县级系统管理员导入（CSV 或 Excel，先预览再确认）。")},
    )


class ClassImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"), required=False, help_text=gettext_lazy(".csv（UTF-8 或 GBK）或 .xlsx，不超过2MB")
    )


def _template_csv() -> HttpResponse:
    from township.grid.services import CLASS_COLUMNS

    example = ["201001", "event", "01", "市容环境", "01", "暴露垃圾", "", "", "环卫所", "normal"]
    example += ["1", "working_hours", "1", "working_hours", "1", "working_days", "2", "working_hours", "0", "1"]
    body = ",".join(CLASS_COLUMNS) + "\r\n" + ",".join(example) + "\r\n"
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="event-classes-template.csv"'
    return response


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def event_class_import(request: HttpRequest) -> HttpResponseBase:
    """Upload → preview (row errors, or the classes added and changed) → confirm."""
    require_global(me(request))
    if request.method == "GET" and request.GET.get("template") == "csv":
        return _template_csv()
    form = ClassImportForm(request.POST or None, request.FILES or None)
    plan = None
    text = ""
    if request.method == "POST" and form.is_valid():
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                raw = upload.read(event_classes.MAX_BYTES + 1)
                text = event_classes.read_upload(raw, upload.name or "")
            else:
                text = request.POST.get("text", "")
            if request.POST.get("action") == "confirm":
                done = event_classes.import_apply(actor=me(request), text=text)
                messages.success(
                    request,
                    _("已导入：新增 %(a)s 个类别，修改 %(c)s 个，未变 %(u)s 个")
                    % {"a": len(done.added), "c": len(done.changed), "u": done.unchanged},
                )
                return redirect("system:event-classes")
            plan = event_classes.import_plan(actor=me(request), text=text)
        except DomainError as exc:
            apply_error(form, exc)
    return render(
        request,
        "system/event_class_import.html",
        {"title": _("导入事件分类"), "form": form, "plan": plan, "text": text},
    )
