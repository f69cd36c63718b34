"""Inputs of the credit steps (the same forms validate the web post and the API body). No rules here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from township.credit.models import CreditKind, CreditSeverity, CreditSource


class NoteForm(forms.Form):
    comment = forms.CharField(label=_("备注"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class StatementForm(forms.Form):
    statement = forms.CharField(label=_("陈述申辩意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(forms.Form):
    opinion = forms.CharField(label=_("审查意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    performance_proven = forms.BooleanField(label=_("已核实纠正失信行为并履行法定义务"), required=False)
    pledge_public = forms.BooleanField(label=_("信用承诺已向社会公开"), required=False)


class ProposeListingForm(forms.Form):
    identifier = forms.CharField(label=_("统一社会信用代码/身份证号"), max_length=18)
    facts = forms.CharField(label=_("失信事实"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label=_("列入依据"), max_length=1000)


class RepairApplyForm(forms.Form):
    record = forms.IntegerField(label=_("信用记录编号"), min_value=1)
    performance = forms.CharField(label=_("履行情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    pledge = forms.CharField(
        label=_("信用承诺"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("承诺所提交材料真实有效，并愿意承担相应法律责任；承诺内容将向社会公开"),
    )


class RecordForm(forms.Form):
    identifier = forms.CharField(label=_("统一社会信用代码/身份证号"), max_length=18)
    kind = forms.ChoiceField(label=_("类别"), choices=CreditKind.choices)
    severity = forms.ChoiceField(label=_("失信程度"), choices=[("", "—"), *CreditSeverity.choices], required=False)
    source = forms.ChoiceField(label=_("信息来源"), choices=CreditSource.choices, initial=CreditSource.CREDIT)
    reason = forms.CharField(label=_("事由"), max_length=2000)
    source_number = forms.CharField(label=_("文书编号"), max_length=64, required=False)
    valid_from = forms.DateField(label=_("决定日期"), required=False)


class OverrideProposeForm(forms.Form):
    grade = forms.ChoiceField(label=_("调整后等级"), choices=[(g, g) for g in "ABCD"])
    reason = forms.CharField(label=_("调整理由"), max_length=1000)
    valid_until = forms.DateField(label=_("有效期至"), required=False)


class OverrideDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批"), choices=[("1", _("批准")), ("0", _("驳回"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("审批意见"), max_length=1000, required=False)
