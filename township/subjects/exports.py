"""The 主体库 export, registered with the 下载中心 (township.downloads discovers this module): the list as its filter
shows it, names of persons, ID numbers and phones always masked (full data is revealed one subject at a time, logged)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as gettext
from django.utils.translation import gettext_lazy as _

from township.core.errors import BadInput, NotFound
from township.downloads.registry import Column, register_export
from township.org.models import Jurisdiction, Level
from township.org.scoping import reach
from township.org.units import unit_for
from township.subjects import selectors
from township.subjects.forms import SubjectFilterForm, set_choices
from township.subjects.models import Subject


def village_choices(actor: Any) -> list[tuple[str, str]]:
    r = reach(actor, selectors.staff_roles())
    q = Q(parent_id__in=sorted(r.codes)) | Q(pk__in=[v for _t, v in r.villages])
    return [(u.code, u.name) for u in Jurisdiction.objects.filter(q, level=Level.VILLAGE).order_by("code")[:1000]]


def filter_form(actor: Any, params: Any) -> SubjectFilterForm:
    form = SubjectFilterForm(params or None)
    set_choices(form, "village", [("", gettext("全部")), *village_choices(actor)])
    return form


def _subjects(user: Any, params: dict[str, Any]) -> QuerySet[Subject]:
    if not selectors.is_staff(user):
        raise NotFound()
    form = filter_form(user, params)
    if params and not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else name
        raise BadInput("invalid_filter", f"{label}：{errors[0]}", field=name)
    data = form.cleaned_data if params else {}
    return selectors.subject_list(
        actor=user,
        q=data.get("q", ""),
        kind=data.get("kind", ""),
        credit_class=data.get("credit_class", ""),
        village=data.get("village", ""),
        unit=unit_for(user, str(params.get("unit") or "")),
    )


register_export(
    "subjects",
    _("主体库"),
    _subjects,
    [
        Column("id", _("主体编号"), lambda s: s.pk),
        Column("kind", _("主体类别"), lambda s: s.kind_label),
        Column("name", _("名称/姓名"), lambda s: s.name, mask=lambda s: s.masked_name),
        Column("identifier", _("证件号码"), lambda s: s.identifier, mask=lambda s: s.masked_identifier),
        Column("legal_representative", _("法定代表人/经营者"), lambda s: s.legal_representative),
        Column("phone", _("联系电话"), lambda s: s.phone, mask=lambda s: s.masked_phone),
        Column("address", _("地址/住所"), lambda s: s.address),
        Column("registered_in", _("登记所在区划"), lambda s: s.registered_in.name if s.registered_in else ""),
        Column("credit_class", _("信用风险分类"), lambda s: s.get_credit_class_display() or ""),
        Column("channel", _("登记途径"), lambda s: s.get_registration_channel_display()),
    ],
    masked_columns=["name", "identifier", "phone"],
    allowed=selectors.is_staff,
)
