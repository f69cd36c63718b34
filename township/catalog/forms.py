"""Forms of the staff pages. They only validate input; services apply the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from township.catalog.models import (
    DelegationMode,
    HandlingForm,
    Item,
    ItemStatus,
    ItemType,
    RiskClass,
    ServiceObject,
)

ITEM_FORM_FIELDS = [
    "name",
    "main_item",
    "basic_code",
    "implementation_code",
    "item_type",
    "exercise_level",
    "implementing_body",
    "implementing_body_code",
    "body_nature",
    "department_name",
    "legal_basis",
    "service_objects",
    "handling_forms",
    "handling_kind",
    "statutory_limit",
    "statutory_unit",
    "statutory_note",
    "promised_limit",
    "promised_unit",
    "promised_note",
    "conditions",
    "process",
    "result_name",
    "fee_charged",
    "fee_basis",
    "place",
    "hours",
    "phone_consult",
    "phone_supervise",
    "faq",
    "risk_class",
    "gap_allowed",
    "gap_deadline_days",
    "commitment_allowed",
    "commitment_text",
    "commitment_check_days",
    "channel_online",
    "channel_no_visit",
    "channel_one_visit",
    "channel_village_agent",
    "responsible_department",
    "responsible_section",
    "responsible_user",
    "visible_to_towns",
]


class ItemForm(forms.ModelForm):
    service_objects = forms.MultipleChoiceField(
        label=_("服务对象"), choices=ServiceObject.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    handling_forms = forms.MultipleChoiceField(
        label=_("办理形式"), choices=HandlingForm.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Item
        fields = ITEM_FORM_FIELDS
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "process": forms.Textarea(attrs={"rows": 3}),
            "fee_basis": forms.Textarea(attrs={"rows": 2}),
            "faq": forms.Textarea(attrs={"rows": 3}),
            "commitment_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, departments: Any = None, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_department"].queryset = (
            departments if departments is not None else self.fields["responsible_department"].queryset.none()
        )
        self.fields["responsible_user"].queryset = (
            staff if staff is not None else self.fields["responsible_user"].queryset.none()
        )

    def _post_clean(self) -> None:
        # Model-level rules run in the services (validate_item); skip ModelForm's own instance validation.
        pass

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MaterialForm(forms.Form):
    type_name = forms.CharField(label=_("材料名称"), max_length=100, required=False)
    issuer = forms.CharField(label=_("出具单位"), max_length=100, required=False)
    originals = forms.IntegerField(label=_("原件"), min_value=0, max_value=99, initial=1)
    copies = forms.IntegerField(label=_("复印件"), min_value=0, max_value=99, initial=0)
    essential = forms.BooleanField(label=_("必备"), required=False, initial=True)
    may_be_missing = forms.BooleanField(label=_("可容缺"), required=False)
    certificate_satisfies = forms.BooleanField(label=_("可用证照库"), required=False)


MaterialFormSet = forms.formset_factory(MaterialForm, extra=2, can_delete=True)


class ItemSearchForm(forms.Form):
    q = forms.CharField(label=_("名称/编码/拼音首字母"), required=False)
    item_type = forms.ChoiceField(label=_("事项类型"), required=False, choices=[("", _("全部"))] + ItemType.choices)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + ItemStatus.choices)
    risk_class = forms.ChoiceField(label=_("风险等级"), required=False, choices=[("", _("全部"))] + RiskClass.choices)
    department = forms.CharField(label=_("部门"), required=False)
    unassigned = forms.BooleanField(label=_("仅无责任人"), required=False)


class PublishForm(forms.Form):
    reason = forms.CharField(label=_("发布理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("suspend", _("暂停")), ("resume", _("恢复")), ("retire", _("废止"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("理由"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))
    dry_run = forms.BooleanField(label=_("仅校验（预览，不写入）"), required=False, initial=True)


class DelegationForm(forms.Form):
    item = forms.CharField(
        label=_("事项（实施编码或编号）"), max_length=64, widget=forms.TextInput(attrs={"list": "editable-items"})
    )
    from_department_name = forms.CharField(label=_("下放部门"), max_length=100)
    mode = forms.ChoiceField(label=_("下放方式"), choices=DelegationMode.choices)
    document_number = forms.CharField(label=_("授权文件文号"), max_length=100, required=False)
    document_date = forms.DateField(label=_("发文日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    document_file = forms.FileField(label=_("授权文件"), required=False)


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("主题名称"), max_length=100)
    code = forms.SlugField(label=_("主题编码（字母数字）"), max_length=60)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.CharField(label=_("事项（实施编码或编号，逗号分隔，按办理顺序）"))

    def clean_items(self) -> list[str]:
        refs = [x.strip() for x in self.cleaned_data["items"].replace("，", ",").split(",") if x.strip()]
        if not refs:
            raise forms.ValidationError(_("至少选择一个事项"))
        return refs
