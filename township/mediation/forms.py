"""The input of each mediation step (the same forms validate the web and the API) and the registration forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from township.mediation.models import DisputeType, Matter, MemberTitle, SignMethod, Source

DATE = forms.DateInput(attrs={"type": "date"})


class _Choices(forms.Form):
    """A form whose ``party`` / ``mediator`` / ``signer`` choices are the case's own (passed by ``form_kwargs``)."""

    def __init__(
        self,
        *args: Any,
        parties: list[tuple[int, str]] | None = None,
        mediators: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, forms.ChoiceField):
                continue
            if name == "party":
                field.choices = [("", _("请选择当事人")), *(parties or [])]
            elif name in ("mediator", "replacement"):
                field.choices = [("", _("请选择调解员")), *(mediators or [])]
            elif name == "signer":
                field.choices = [
                    ("", _("请选择签署人")),
                    *[(str(k), v) for k, v in (parties or [])],
                    ("mediator", _("调解员")),
                ]


class PartyForm(forms.Form):
    side = forms.ChoiceField(label=_("当事人地位"), choices=[("applicant", _("申请人")), ("respondent", _("被申请人"))])
    name = forms.CharField(label=_("姓名/名称"), max_length=64)
    resident_id = forms.CharField(label=_("身份证号/统一社会信用代码"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("住址"), max_length=128, required=False)


class ConsentForm(_Choices):
    party = forms.TypedChoiceField(label=_("当事人"), coerce=int)
    agreed = forms.TypedChoiceField(
        label=_("意愿"), coerce=lambda v: v == "yes", choices=[("yes", _("同意调解")), ("no", _("明确拒绝调解"))]
    )
    on = forms.DateField(label=_("征询日期"), required=False, widget=DATE)
    remark = forms.CharField(label=_("说明"), max_length=200, required=False)


class AppointForm(_Choices):
    mediator = forms.TypedChoiceField(label=_("调解员"), coerce=int)
    chosen_by = forms.ChoiceField(
        label=_("产生方式"), choices=[("committee", _("调解委员会指定")), ("parties", _("当事人选定"))]
    )


class RecuseForm(_Choices):
    party = forms.TypedChoiceField(label=_("申请回避的当事人"), coerce=int)
    reason = forms.CharField(label=_("理由"), max_length=300)
    replacement = forms.TypedChoiceField(label=_("更换为"), coerce=int)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("理由"), max_length=500)
    parties_agree = forms.BooleanField(label=_("双方当事人同意延长"), required=False)


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("调解日期"), widget=DATE)
    place = forms.CharField(label=_("调解地点"), max_length=128)
    present = forms.CharField(label=_("参加人员"), max_length=300)
    summary = forms.CharField(label=_("调解情况"), widget=forms.Textarea(attrs={"rows": 3}))


class AgreementDraftForm(forms.Form):
    """人民调解法第29条: every part is required."""

    facts = forms.CharField(label=_("纠纷的主要事实"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    issues = forms.CharField(label=_("争议事项"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsibilities = forms.CharField(
        label=_("各方当事人的责任"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    content = forms.CharField(label=_("协议内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    performance = forms.CharField(label=_("履行方式"), max_length=500, required=False)
    performance_deadline = forms.DateField(label=_("履行期限"), required=False, widget=DATE)
    reached_on = forms.DateField(label=_("达成日期"), required=False, widget=DATE)


class OralForm(forms.Form):
    content = forms.CharField(label=_("口头协议内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    performance = forms.CharField(label=_("履行方式和期限"), max_length=500, required=False)
    reached_on = forms.DateField(label=_("达成日期"), required=False, widget=DATE)


class SignForm(_Choices):
    signer = forms.ChoiceField(label=_("签署人"))
    method = forms.ChoiceField(label=_("方式"), choices=SignMethod.choices)
    signed_on = forms.DateField(label=_("签署日期"), required=False, widget=DATE)


class SealForm(forms.Form):
    sealed_on = forms.DateField(label=_("盖章日期（协议生效日）"), required=False, widget=DATE)


class FailForm(forms.Form):
    reason = forms.CharField(label=_("未达成协议的原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    told_on = forms.DateField(label=_("告知日期"), required=False, widget=DATE)


class ReferForm(forms.Form):
    court = forms.CharField(label=_("人民法院（诉调对接中心）"), max_length=64)
    referred_on = forms.DateField(label=_("移送日期"), required=False, widget=DATE)
    remark = forms.CharField(label=_("移送材料说明"), max_length=500, required=False)


class ConfirmationForm(forms.Form):
    court = forms.CharField(label=_("受理法院"), max_length=64, required=False)
    matter = forms.ChoiceField(label=_("协议事项"), choices=Matter.choices)
    applied_on = forms.DateField(label=_("共同申请日期"), widget=DATE)
    joint = forms.BooleanField(label=_("双方当事人共同申请"), required=False)


class RulingForm(forms.Form):
    ruling = forms.ChoiceField(
        label=_("裁定结果"), choices=[("valid", _("裁定调解协议有效")), ("rejected", _("裁定驳回申请"))]
    )
    court = forms.CharField(label=_("作出裁定的法院"), max_length=64, required=False)
    ruling_number = forms.CharField(label=_("裁定书文号"), max_length=64, required=False)
    ruled_on = forms.DateField(label=_("裁定日期"), required=False, widget=DATE)
    remark = forms.CharField(label=_("说明"), max_length=300, required=False)


class ApplicationForm(forms.Form):
    """登记调解申请 (the page form): the committee, the dispute, both parties."""

    committee = forms.TypedChoiceField(label=_("人民调解委员会"), coerce=int)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)
    court_name = forms.CharField(label=_("委派法院（法院委派时填写）"), max_length=64, required=False)
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), choices=DisputeType.choices)
    summary = forms.CharField(label=_("纠纷简要情况"), widget=forms.Textarea(attrs={"rows": 3}))
    claims = forms.CharField(label=_("当事人请求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    received_on = forms.DateField(label=_("申请日期"), required=False, widget=DATE)
    applicant_name = forms.CharField(label=_("申请人姓名/名称"), max_length=64)
    applicant_id = forms.CharField(label=_("申请人身份证号"), max_length=18, required=False)
    applicant_phone = forms.CharField(label=_("申请人联系电话"), max_length=20, required=False)
    applicant_address = forms.CharField(label=_("申请人住址"), max_length=128, required=False)
    respondent_name = forms.CharField(label=_("被申请人姓名/名称"), max_length=64)
    respondent_id = forms.CharField(label=_("被申请人身份证号"), max_length=18, required=False)
    respondent_phone = forms.CharField(label=_("被申请人联系电话"), max_length=20, required=False)
    respondent_address = forms.CharField(label=_("被申请人住址"), max_length=128, required=False)

    def __init__(self, *args: Any, committees: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["committee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择")), *(committees or [])]


class CommitteeForm(forms.Form):
    village = forms.ChoiceField(label=_("村（社区）"))
    name = forms.CharField(label=_("名称（留空自动生成）"), max_length=64, required=False)
    uscc = forms.CharField(label=_("统一社会信用代码（签章用）"), max_length=18, required=False)
    address = forms.CharField(label=_("地址"), max_length=128, required=False)
    term_start = forms.DateField(label=_("本届起始"), required=False, widget=DATE)
    term_end = forms.DateField(label=_("本届届满"), required=False, widget=DATE)

    def __init__(self, *args: Any, villages: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择")), *(villages or [])]


class MemberForm(forms.Form):
    username = forms.CharField(label=_("调解员账号"), max_length=150)
    title = forms.ChoiceField(label=_("职务"), choices=MemberTitle.choices)
