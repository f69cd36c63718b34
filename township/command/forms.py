from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.org.models import Department, User


def _default_due() -> Any:
    return timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)


class SuperviseForm(forms.Form):
    instruction = forms.CharField(label=_("督办要求"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    due_at = forms.DateTimeField(
        label=_("答复期限"),
        initial=_default_due,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"],
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class ReviewPlanForm(forms.Form):
    unit = forms.ChoiceField(label=_("单位"))
    title = forms.CharField(label=_("评查名称"), max_length=100, required=False)
    case_type = forms.ChoiceField(label=_("业务类型"))
    closed_from = forms.DateField(label=_("办结日期自"), widget=forms.DateInput(attrs={"type": "date"}))
    closed_to = forms.DateField(label=_("办结日期至"), widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label=_("抽取案卷数"), min_value=1, max_value=200, initial=10)
    reviewers_per_file = forms.IntegerField(label=_("每卷评查人数"), min_value=1, max_value=3, initial=2)
    seed = forms.CharField(
        label=_("随机种子"), max_length=64, required=False, help_text=_("留空由系统生成；抽取后公开，任何人可复核")
    )

    def __init__(self, *args: Any, units: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from township.cases.types import all_case_types

        cast(forms.ChoiceField, self.fields["unit"]).choices = [(u.code, u.name) for u in units or []]
        cast(forms.ChoiceField, self.fields["case_type"]).choices = [(ct.key, str(ct.label)) for ct in all_case_types()]


class ResponsibilityForm(forms.Form):
    case_type = forms.ChoiceField(label=_("业务类型"))
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=Department.objects.none())
    section = forms.CharField(label=_("责任科室"), max_length=64, required=False)
    person = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False)
    duty = forms.CharField(label=_("职责"), max_length=200, required=False)

    def __init__(self, *args: Any, unit: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from township.cases.types import all_case_types

        cast(forms.ChoiceField, self.fields["case_type"]).choices = [(ct.key, str(ct.label)) for ct in all_case_types()]
        cast("forms.ModelChoiceField[Any]", self.fields["department"]).queryset = Department.objects.filter(
            jurisdiction=unit
        ).order_by("sort", "id")
        cast("forms.ModelChoiceField[Any]", self.fields["person"]).queryset = (
            User.objects.filter(grants__jurisdiction=unit).distinct().order_by("id")
        )
