"""The one registration form (window, village agent, online), the import and the merge forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from township.org.models import Jurisdiction, Level
from township.subjects.models import CreditClass, RegistrationChannel
from township.subjects.registration import agent_villages, register_towns


def _town_choices(actor: Any, channel: str) -> list[tuple[str, str]]:
    if channel == RegistrationChannel.ONLINE:
        qs = Jurisdiction.objects.filter(level=Level.TOWN, active=True)
    elif channel == RegistrationChannel.VILLAGE_AGENT:
        qs = Jurisdiction.objects.filter(pk__in={t for t, _v in agent_villages(actor)})
    else:
        qs = Jurisdiction.objects.filter(pk__in=register_towns(actor))
    return [(u.code, u.name) for u in qs.order_by("code")[:500]]


def _village_choices(actor: Any, channel: str, towns: list[str]) -> list[tuple[str, str]]:
    if channel == RegistrationChannel.VILLAGE_AGENT:
        qs = Jurisdiction.objects.filter(pk__in=[v for _t, v in agent_villages(actor)])
    else:
        qs = Jurisdiction.objects.filter(parent_id__in=towns, level=Level.VILLAGE)
    return [(u.code, u.name) for u in qs.order_by("code")[:1000]]


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def choices_of(form: forms.Form, name: str) -> list[tuple[str, Any]]:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    choices: Any = field.choices
    return list(choices)


class SubjectRegisterForm(forms.Form):
    """Used everywhere a subject is registered; the identifier field also takes a card reader's input."""

    identifier = forms.CharField(
        label=_("身份证号或统一社会信用代码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "latin", "class": "reader-input"}),
        help_text=_("可用身份证阅读器读卡：读卡器输入号码后回车，光标自动跳到下一项"),
    )
    name = forms.CharField(label=_("姓名/名称"), max_length=128)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("地址/住所"), max_length=255, required=False)
    legal_representative = forms.CharField(
        label=_("法定代表人/经营者"), max_length=64, required=False, help_text=_("组织（企业、个体工商户等）填写")
    )
    town = forms.ChoiceField(label=_("登记单位"), required=False)
    village = forms.ChoiceField(label=_("村（社区）"), required=False)

    def __init__(self, *args: Any, actor: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        towns = _town_choices(actor, channel)
        set_choices(self, "town", towns)
        if len(towns) == 1:
            self.fields["town"].initial = towns[0][0]
        codes = [c for c, _n in towns]
        if channel == RegistrationChannel.ONLINE and len(codes) > 1:
            # Online, every town is offered: the villages are those of the town chosen (a bound form), not a list of
            # every village of every town (1,000 options, rendered one by one: the page took a third of a second).
            chosen = self.data.get(self.add_prefix("town")) if self.is_bound else None
            codes = [chosen] if chosen in codes else []
        set_choices(self, "village", [("", _("（不限村社区）")), *_village_choices(actor, channel, codes)])
        if channel == RegistrationChannel.VILLAGE_AGENT:
            self.fields["village"].required = True
            set_choices(self, "village", choices_of(self, "village")[1:])
        if channel == RegistrationChannel.ONLINE:
            self.fields["town"].required = True
            self.fields["town"].label = _("所在乡镇（街道）")


class SubjectImportForm(forms.Form):
    file = forms.FileField(label=_("Excel文件（.xlsx）"))
    town = forms.ChoiceField(label=_("登记单位"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "town", _town_choices(actor, RegistrationChannel.IMPORT))


class SubjectMergeForm(forms.Form):
    merged = forms.CharField(
        label=_("重复主体（证件号码或主体编号）"), max_length=40, help_text=_("该主体的全部记录将并入当前主体")
    )
    reason = forms.CharField(label=_("合并理由（更正依据）"), widget=forms.Textarea(attrs={"rows": 3}))


class SubjectFilterForm(forms.Form):
    q = forms.CharField(label=_("关键字"), required=False)
    kind = forms.ChoiceField(
        label=_("主体类别"),
        required=False,
        choices=[
            ("", _("全部")),
            ("person", _("自然人")),
            ("enterprise", _("企业")),
            ("individual_business", _("个体工商户")),
            ("other_org", _("其他组织")),
        ],
    )
    credit_class = forms.ChoiceField(
        label=_("信用等级"), required=False, choices=[("", _("全部")), *CreditClass.choices]
    )
    village = forms.ChoiceField(label=_("村（社区）"), required=False)
