"""Inputs of 12345 work orders: the operator's intake form, one small form per step (the same forms validate the
web post and the API body of ``/api/v1/cases/{id}/actions/{name}``), the import upload and the settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from township.hotline.models import DutyItem, Kind, PeriodSetting, Satisfaction, Urgency


class IntakeForm(forms.Form):
    external_no = forms.CharField(
        label=_("工单编号"), max_length=40, required=False, help_text=_("热线系统编号，可留空")
    )
    called_at = forms.DateTimeField(label=_("来电时间"), required=False, help_text=_("留空为当前时间"))
    caller_name = forms.CharField(label=_("来电人"), max_length=40, required=False)
    caller_phone = forms.RegexField(
        label=_("联系电话"), regex=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$", required=False, max_length=20
    )
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices, initial=Kind.CONSULT)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    matter = forms.CharField(label=_("事项分类"), max_length=40, required=False)
    content = forms.CharField(label=_("诉求内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    village = forms.ChoiceField(label=_("所属村"), required=False)

    def __init__(self, *args: Any, villages: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("（不限）"))] + list(villages or [])  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class CommentForm(forms.Form):
    reason = forms.CharField(label=_("意见"), max_length=500, required=False)


class DispatchForm(forms.Form):
    unit = forms.ChoiceField(label=_("承办单位"), help_text=_("本镇部门或村（社区）"))
    assisting = forms.TypedMultipleChoiceField(label=_("协办部门（可多选）"), coerce=int, required=False)
    reason = forms.CharField(label=_("派单意见"), max_length=500, required=False)

    def __init__(
        self,
        *args: Any,
        units: list[tuple[str, str]] | None = None,
        departments: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择承办单位"))] + list(units or [])  # type: ignore[attr-defined]
        self.fields["assisting"].choices = list(departments or [])  # type: ignore[attr-defined]


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延期工作日数"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("延期理由"), max_length=500)


class CallbackForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"),
        choices=[("1", _("已解决")), ("0", _("未解决"))],
        coerce=lambda v: v in ("1", 1, True, "true"),
        initial="1",
    )
    reason = forms.CharField(label=_("回访记录"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("热线工单导出表（.xlsx）"))
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=[("all", _("全部正确才导入（推荐）")), ("valid", _("仅导入正确的行，错误行另行处理"))],
        initial="all",
    )


class PeriodForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PeriodSetting
        fields = [
            "kind",
            "urgency",
            "instant_answer",
            "dispatch_hours",
            "sign_hours",
            "return_hours",
            "handle_amount",
            "handle_unit",
            "statutory_days",
            "extension_max_days",
            "extension_max_count",
            "callback_days",
            "max_rework",
        ]


class DutyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DutyItem
        fields = ["matter", "level", "basis"]
