"""Inputs of 信访: the registration form and one form per step (the same forms validate the web and the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.petitions.models import Category, Channel, Outcome, Source

PETITIONER_SLOTS = 3


class RegisterForm(forms.Form):
    channel = forms.ChoiceField(label=_("信访形式"), choices=Channel.choices)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.DIRECT)
    sender_body = forms.CharField(label=_("转送/交办机关"), max_length=100, required=False)
    sender_deadline = forms.DateField(label=_("交办要求办结期限"), required=False)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    title = forms.CharField(label=_("信访事项"), max_length=200)
    request = forms.CharField(label=_("信访请求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    description = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    received_at = forms.DateTimeField(label=_("收到时间"), required=False)
    anonymous = forms.BooleanField(label=_("匿名或姓名住址不清"), required=False)
    urgent = forms.BooleanField(label=_("重大紧急"), required=False)
    accused_name = forms.CharField(label=_("被检举人/单位"), max_length=100, required=False)
    accused_department = forms.TypedChoiceField(label=_("被检举部门"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, departments: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accused_department"].choices = [("", "—")] + [(d.pk, d.name) for d in departments or []]  # type: ignore[attr-defined]
        for i in range(1, PETITIONER_SLOTS + 1):
            self.fields[f"p{i}_name"] = forms.CharField(label=_("姓名"), max_length=64, required=False)
            self.fields[f"p{i}_phone"] = forms.CharField(label=_("联系电话"), max_length=20, required=False)
            self.fields[f"p{i}_resident_id"] = forms.CharField(label=_("身份证号"), max_length=18, required=False)
            self.fields[f"p{i}_address"] = forms.CharField(label=_("住址"), max_length=200, required=False)

    def petitioners(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {k: d.get(f"p{i}_{k}") or "" for k in ("name", "phone", "resident_id", "address")}
            for i in range(1, PETITIONER_SLOTS + 1)
        ]

    def slots(self) -> list[list[Any]]:
        return [
            [self[f"p{i}_{k}"] for k in ("name", "phone", "resident_id", "address")]
            for i in range(1, PETITIONER_SLOTS + 1)
        ]

    def received(self) -> Any:
        return self.cleaned_data.get("received_at") or timezone.now()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class TransferForm(forms.Form):
    transfer_to = forms.CharField(label=_("转送至（有权处理的机关）"), max_length=100)
    reason = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class AssignForm(forms.Form):
    department = forms.TypedChoiceField(label=_("承办部门"), coerce=int)
    comment = forms.CharField(label=_("交办要求"), required=False, max_length=500)

    def __init__(self, *args: Any, departments: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.pk, d.name) for d in departments or []]  # type: ignore[attr-defined]


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数（不超过30日）"), min_value=1, max_value=90)
    reason = forms.CharField(
        label=_("延期理由（将书面告知信访人）"), widget=forms.Textarea(attrs={"rows": 2}), max_length=300
    )


class OpinionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理意见"), choices=Outcome.choices)
    facts = forms.CharField(label=_("查明的事实和理由"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.CharField(label=_("处理决定"), widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.CharField(label=_("法律政策依据"), widget=forms.Textarea(attrs={"rows": 2}))


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label=_("送达日期"))
    method = forms.ChoiceField(
        label=_("送达方式"),
        choices=[("直接送达", _("直接送达")), ("邮寄送达", _("邮寄送达")), ("电子送达", _("电子送达"))],
    )


class ReviewRequestForm(forms.Form):
    asked_on = forms.DateField(label=_("信访人提出请求的日期"))
    reason = forms.CharField(label=_("请求事项和理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RecuseForm(forms.Form):
    user = forms.TypedChoiceField(label=_("回避人员"), coerce=int)
    reason = forms.CharField(label=_("回避理由（直接利害关系）"), max_length=300)

    def __init__(self, *args: Any, users: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(u.pk, u.display_name) for u in users or []]  # type: ignore[attr-defined]
