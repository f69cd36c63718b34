"""Forms for the staff pages: one small form per procedural step. The steps themselves (who, when, which service)
are the actions of the case types in ``case_type.py``; the same form validates the web post and the API body, and its
fields give the API's input schema. No rules here — the services and guards decide."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from township.enforcement import rules, selectors, services
from township.enforcement.models import Domain, InvestigativeAct, PartyKind, PenaltyType, Remedy, ServiceRecord

DATE: dict[str, Any] = {"widget": forms.DateInput(attrs={"type": "date"})}

NAIVE_IS_BEIJING = _("ISO 8601 格式；不带时区的时间按北京时间（Asia/Shanghai，UTC+8）理解，带时区的按其时区换算")


def _refuse_non_text(field: forms.Field, value: Any) -> None:
    """A JSON body may carry a number, list or object where a date is expected: refused as invalid, never a 500."""
    if value not in field.empty_values and not isinstance(value, str | dt.date | dt.datetime):
        raise ValidationError(field.error_messages["invalid"], code="invalid")


class DayField(forms.DateField):
    """A date; a value that is not text (from a JSON body) is refused with ``invalid_input``."""

    def to_python(self, value: Any) -> Any:
        _refuse_non_text(self, value)
        return super().to_python(value)


class MomentField(forms.DateTimeField):
    """A moment: a time without a timezone is read as Beijing time (``settings.TIME_ZONE``, Asia/Shanghai) whatever
    the request's timezone; one that cannot be represented (year 1 at UTC+8 …) or is not text is ``invalid``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", NAIVE_IS_BEIJING)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        _refuse_non_text(self, value)
        if isinstance(value, str) and value.strip():
            try:
                parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                value = parsed.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        try:
            result = super().to_python(value)
            if result is not None:
                result.astimezone(dt.UTC)
                result.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return result


def person_field(label: Any) -> forms.TypedChoiceField:
    """One person of the unit, picked by name (filled in by :class:`PeopleForm`)."""
    return forms.TypedChoiceField(label=label, coerce=int)


def people_field(label: Any) -> forms.TypedMultipleChoiceField:
    """Several people of the unit, ticked by name (officers show their valid credential numbers)."""
    return forms.TypedMultipleChoiceField(label=label, coerce=int, widget=forms.CheckboxSelectMultiple)


class PeopleForm(forms.Form):
    """A form whose person fields list the people of the case's unit. ``people`` maps a field to the kind of people
    it lists (selectors.PEOPLE_KINDS); nobody outside the unit can be chosen."""

    people: dict[str, str] = {}

    def __init__(self, *args: Any, jurisdictions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if jurisdictions is not None:
            self.set_people(jurisdictions)

    def set_people(self, jurisdictions: list[str]) -> None:
        cache: dict[str, list[tuple[int, str]]] = {}
        for name, kind in self.people.items():
            if kind not in cache:
                cache[kind] = selectors.people_choices(jurisdictions=jurisdictions, kind=kind)
            self.fields[name].choices = cache[kind]


class ActForm(PeopleForm):
    people = {"officers": "officers"}

    kind = forms.ChoiceField(label=_("类别"), choices=InvestigativeAct.Kind.choices)
    at = MomentField(label=_("时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("地点"), max_length=200)
    officers = people_field(_("执法人员（至少两人，持有效执法证）"))
    summary = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    files = forms.FileField(label=_("证据文件"), required=False)


class NoticeForm(forms.Form):
    types = forms.MultipleChoiceField(label=_("拟处罚种类"), choices=PenaltyType.choices)
    fine = forms.DecimalField(label=_("罚款（元）"), required=False, min_value=0)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.CharField(label=_("依据"))
    served_on = DayField(label=_("送达日期"), **DATE)
    mode = forms.ChoiceField(label=_("送达方式"), choices=ServiceRecord.Mode.choices)
    received_on = DayField(label=_("签收日期（邮寄送达，以回执为准）"), required=False, **DATE)
    consent_signed = forms.BooleanField(label=_("已签署电子送达确认书"), required=False)


class StatementForm(forms.Form):
    statement = forms.CharField(label=_("陈述申辩意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    review = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    waived = forms.BooleanField(label=_("当事人明确放弃陈述申辩"), required=False)
    hearing_waived = forms.BooleanField(label=_("当事人书面放弃听证"), required=False)


class HearingRequestForm(forms.Form):
    requested_on = DayField(label=_("申请日期"), **DATE)


class HearingScheduleForm(PeopleForm):
    people = {"chair": "staff"}

    notice_on = DayField(label=_("通知日期"), **DATE)
    hearing_on = DayField(label=_("听证日期"), **DATE)
    chair = person_field(_("主持人（非本案调查人员）"))
    place = forms.CharField(label=_("地点"))


class HearingHoldForm(forms.Form):
    record = forms.CharField(label=_("听证笔录摘要"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    party_absent = forms.BooleanField(label=_("当事人无正当理由未到场"), required=False)


class ReviewForm(forms.Form):
    opinion = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}))
    passed = forms.BooleanField(label=_("审核通过"), required=False)


class ReviewGroundsForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label=_("须法制审核的情形（行政处罚法第五十八条）"),
        choices=list(rules.LEGAL_REVIEW_GROUNDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    major_case = forms.BooleanField(label=_("情节复杂或者重大违法行为，须集体讨论决定"), required=False)
    reason = forms.CharField(label=_("理由（取消时必填）"), required=False)


class DiscussionForm(forms.Form):
    participants = forms.CharField(label=_("参加人员（逗号分隔）"))
    conclusion = forms.CharField(label=_("讨论结论"), widget=forms.Textarea(attrs={"rows": 2}))
    held_on = DayField(label=_("日期"), **DATE)


class DecideForm(forms.Form):
    types = forms.MultipleChoiceField(label=_("处罚种类"), choices=PenaltyType.choices)
    fine = forms.DecimalField(label=_("罚款（元）"), required=False, min_value=0)
    certificates = forms.TypedMultipleChoiceField(
        label=_("吊销的许可证件"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("处罚种类含“吊销许可证件”时，勾选当事人被吊销的证照（证照库中的有效证照）"),
    )

    def __init__(self, *args: Any, certificates: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if certificates is not None:
            cast(forms.ChoiceField, self.fields["certificates"]).choices = certificates


class ServeForm(forms.Form):
    mode = forms.ChoiceField(label=_("送达方式"), choices=ServiceRecord.Mode.choices)
    sent_on = DayField(label=_("送达/寄出/公告日期"), **DATE)
    received_on = DayField(label=_("签收日期（邮寄送达，以回执为准）"), required=False, **DATE)
    consent_signed = forms.BooleanField(label=_("已签署电子送达确认书"), required=False)
    witness = forms.CharField(label=_("见证人（留置送达）"), required=False)


class PayForm(forms.Form):
    paid_on = DayField(label=_("缴款日期"), **DATE)
    amount = forms.DecimalField(label=_("罚款（元）"), min_value=0)
    late_amount = forms.DecimalField(label=_("加处罚款（元）"), min_value=0, required=False)


class DemandForm(forms.Form):
    served_on = DayField(label=_("催告书送达日期"), **DATE)


class EnforceForm(forms.Form):
    applied_on = DayField(label=_("申请日期"), **DATE)
    court = forms.CharField(label=_("人民法院"), required=False)


class ExtendForm(PeopleForm):
    people = {"approved_by": "heads"}

    days = forms.IntegerField(label=_("延长天数"), min_value=1)
    reason = forms.CharField(label=_("理由"))
    approved_by = person_field(_("批准负责人"))


class PreservationForm(PeopleForm):
    people = {"officers": "officers", "approved_by": "heads"}

    goods = forms.CharField(label=_("物品清单"), widget=forms.Textarea(attrs={"rows": 2}))
    started_on = DayField(label=_("保存日期"), **DATE)
    place = forms.CharField(label=_("地点"), required=False)
    officers = people_field(_("执法人员（至少两人，持有效执法证）"))
    approved_by = person_field(_("批准负责人"))


class PreservationDecideForm(forms.Form):
    preservation = forms.TypedChoiceField(label=_("先行登记保存的物品"), coerce=int)

    def __init__(self, *args: Any, pending: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pending is not None:
            cast(forms.ChoiceField, self.fields["preservation"]).choices = pending

    outcome = forms.ChoiceField(
        label=_("处理决定"),
        choices=[("confiscate", _("依法没收")), ("seize", _("转为查封扣押")), ("release", _("解除保存"))],
    )
    decided_on = DayField(label=_("决定日期"), **DATE)


class InstalmentForm(PeopleForm):
    people = {"approved_by": "heads"}

    until = DayField(label=_("暂缓或分期缴纳至"), **DATE)
    instalments = forms.IntegerField(label=_("分期期数（暂缓填1）"), min_value=1, max_value=36, initial=1)
    reason = forms.CharField(label=_("理由"))
    approved_by = person_field(_("批准负责人"))


class CollectForm(forms.Form):
    receipt_number = forms.CharField(label=_("罚没款专用票据号"), max_length=64)
    hard_to_enforce = forms.BooleanField(label=_("超过一百元，但不当场收缴事后难以执行"), required=False)


class HandOverForm(forms.Form):
    handed_over_on = DayField(label=_("交至行政机关日期"), **DATE)


class SummaryPayForm(forms.Form):
    paid_on = DayField(label=_("缴款日期"), **DATE)
    amount = forms.DecimalField(label=_("罚款（元）"), min_value=0)


class CloseForm(forms.Form):
    report = forms.CharField(label=_("结案报告"), widget=forms.Textarea(attrs={"rows": 3}))


class DropForm(forms.Form):
    reason = forms.CharField(label=_("撤案理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DisclosureWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤下原因"), max_length=200, help_text=_("如：复议决定撤销"))
    varied_on = DayField(
        label=_("决定被变更、撤销或确认违法的日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RemedyForm(forms.Form):
    """登记行政复议、行政诉讼 (pending or decided), or correct a record: the corrected record stays as history."""

    kind = forms.ChoiceField(label=_("救济途径"), choices=Remedy.Kind.choices)
    body = forms.CharField(
        label=_("复议机关或人民法院"),
        max_length=128,
        required=False,
        help_text=_("不填则取执法设置中的复议机关或管辖法院"),
    )
    number = forms.CharField(label=_("案号"), max_length=64, required=False)
    received_on = DayField(label=_("收到申请或起诉状日期"), **DATE)
    decided_on = DayField(label=_("决定或裁判日期（尚未审结的不填）"), required=False, **DATE)
    result = forms.ChoiceField(
        label=_("结果（尚未审结的不填）"), choices=[("", "—")] + list(Remedy.Result.choices), required=False
    )
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    file = forms.FileField(label=_("复议决定书或裁判文书（可选）"), required=False)
    replaces = forms.TypedChoiceField(
        label=_("更正的记录"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("选择后本条取代所选记录，原记录保留备查"),
    )

    def __init__(self, *args: Any, current: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["replaces"]).choices = [("", _("（新登记）"))] + list(current or [])


class RemedyResultForm(forms.Form):
    """The result of a pending 复议 or 诉讼 (recorded as a new row replacing the pending one)."""

    remedy = forms.TypedChoiceField(label=_("尚未审结的复议或诉讼"), coerce=int)
    decided_on = DayField(label=_("决定或裁判日期"), **DATE)
    result = forms.ChoiceField(label=_("结果"), choices=Remedy.Result.choices)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    file = forms.FileField(label=_("复议决定书或裁判文书（可选）"), required=False)

    def __init__(self, *args: Any, pending: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pending is not None:
            cast(forms.ChoiceField, self.fields["remedy"]).choices = pending


def _document_kinds() -> list[tuple[str, str]]:
    from township.enforcement.documents import TEMPLATES

    return [(k, v[0]) for k, v in TEMPLATES.items()]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("文书"), choices=_document_kinds)


class EmptyForm(forms.Form):
    """A step with nothing to fill in: the button is the confirmation."""


class FileCaseForm(PeopleForm):
    """立案 from a clue."""

    people = {"investigators": "officers", "approved_by": "heads"}

    party_kind = forms.ChoiceField(label=_("当事人类型"), choices=PartyKind.choices)
    party_name = forms.CharField(label=_("当事人"), max_length=128)
    party_id_number = forms.CharField(label=_("证件号码/统一社会信用代码"), max_length=18, required=False)
    party_address = forms.CharField(label=_("住所"), max_length=200, required=False)
    act_date = DayField(label=_("违法行为发生日期"), **DATE)
    act_ended_on = DayField(label=_("违法行为终了日期（连续或者继续状态的）"), required=False, **DATE)
    domain = forms.ChoiceField(label=_("执法领域"), choices=Domain.choices)
    item = forms.TypedChoiceField(label=_("处罚事项"), coerce=int, required=False, empty_value=None)
    life_health_finance = forms.BooleanField(
        label=_("涉及公民生命健康安全、金融安全且有危害后果（追责期限五年）"), required=False
    )
    investigators = people_field(_("承办人员（至少两人，持有效执法证）"))
    approved_by = person_field(_("立案批准负责人"))
    legal_review_grounds = forms.MultipleChoiceField(
        label=_("须法制审核的情形（行政处罚法第五十八条）"),
        choices=list(rules.LEGAL_REVIEW_GROUNDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    major_case = forms.BooleanField(label=_("情节复杂或者重大违法行为，须集体讨论决定"), required=False)
    facts = forms.CharField(label=_("简要案情"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def set_people(self, jurisdictions: list[str]) -> None:
        super().set_people(jurisdictions)
        self.fields["item"].choices = [("", "—"), *selectors.penalty_item_choices(jurisdictions=jurisdictions)]


class RejectClueForm(forms.Form):
    reason = forms.CharField(label=_("不予立案理由"), widget=forms.Textarea(attrs={"rows": 2}))


def file_from_clue(clue: Any, actor: Any, d: dict[str, Any]) -> Any:
    return services.clue_file(
        clue=clue,
        actor=actor,
        approved_by=selectors.staff_user(jurisdiction=clue.jurisdiction_id, pk=d["approved_by"]),
        party_kind=d["party_kind"],
        party_name=d["party_name"],
        party_id_number=d.get("party_id_number") or clue.party_id_number,  # blank: the clue's (not shown in clear)
        party_address=d.get("party_address", ""),
        act_date=d["act_date"],
        act_ended_on=d.get("act_ended_on"),
        domain=d["domain"],
        item=selectors.penalty_item_in(jurisdiction=clue.jurisdiction_id, pk=d.get("item")),
        life_health_finance=d.get("life_health_finance") or None,
        investigators=d["investigators"],
        legal_review_grounds=d.get("legal_review_grounds") or [],
        major_case=bool(d.get("major_case")),
        facts=d.get("facts", ""),
    )


class PlanForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("单位"))
    name = forms.CharField(label=_("计划名称"), max_length=128)
    departments = forms.ModelMultipleChoiceField(label=_("参与部门（多个即联合抽查）"), queryset=None)
    items = forms.ModelMultipleChoiceField(label=_("抽查事项"), queryset=None)
    period_start = DayField(label=_("开始日期"), **DATE)
    period_end = DayField(label=_("结束日期"), **DATE)
    ratio_A = forms.DecimalField(label=_("A类抽查比例（%）"), min_value=0, max_value=100, initial=3)
    ratio_B = forms.DecimalField(label=_("B类抽查比例（%）"), min_value=0, max_value=100, initial=5)
    ratio_C = forms.DecimalField(label=_("C类抽查比例（%）"), min_value=0, max_value=100, initial=10)
    ratio_D = forms.DecimalField(label=_("D类抽查比例（%）"), min_value=0, max_value=100, initial=30)
    inspectors_per_check = forms.IntegerField(label=_("每户检查人员数"), min_value=1, initial=2)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from township.enforcement.models import InspectionItem
        from township.org.models import Department, Jurisdiction
        from township.org.scoping import reach

        codes = sorted(reach(actor, services.MANAGER_ROLES + services.OFFICER_ROLES).codes)
        self.fields["jurisdiction"].choices = [
            (j.code, j.name) for j in Jurisdiction.objects.filter(code__in=codes).order_by("code")
        ]
        self.fields["departments"].queryset = Department.objects.filter(jurisdiction_id__in=codes).order_by("id")
        self.fields["items"].queryset = InspectionItem.objects.filter(jurisdiction_id__in=codes).order_by("code")


class SummaryForm(PeopleForm):
    """当场处罚 (简易程序)."""

    people = {"officers": "officers"}

    jurisdiction = forms.ChoiceField(label=_("单位"))
    party_kind = forms.ChoiceField(label=_("当事人类型"), choices=PartyKind.choices)
    party_name = forms.CharField(label=_("当事人"), max_length=128)
    party_id_number = forms.CharField(label=_("证件号码/统一社会信用代码"), max_length=18, required=False)
    types = forms.MultipleChoiceField(
        label=_("处罚种类"),
        choices=[(PenaltyType.WARNING, PenaltyType.WARNING.label), (PenaltyType.FINE, PenaltyType.FINE.label)],
    )
    fine = forms.DecimalField(label=_("罚款（元）"), required=False, min_value=0)
    domain = forms.ChoiceField(label=_("执法领域"), choices=Domain.choices)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.CharField(label=_("处罚依据"))
    place = forms.CharField(label=_("地点"))
    officers = people_field(_("执法人员（至少两人，持有效执法证）"))
    evidence = forms.CharField(label=_("证据（如“现场照片2张”）"), required=False)
    files = forms.FileField(label=_("证据文件"), required=False)
    rights_told = forms.BooleanField(
        label=_("已当场告知拟处罚的内容及事实、理由、依据和陈述、申辩权利"), required=False
    )
    statement = forms.CharField(label=_("当事人陈述、申辩"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from township.org.models import Jurisdiction
        from township.org.scoping import reach

        codes = sorted(reach(actor, services.OFFICER_ROLES).codes)
        self.fields["jurisdiction"].choices = [
            (j.code, j.name) for j in Jurisdiction.objects.filter(code__in=codes).order_by("code")
        ]
        self.set_people(codes)


def summary_create(actor: Any, d: dict[str, Any], files: Any) -> Any:
    return services.summary_case_create(
        jurisdiction=d["jurisdiction"],
        actor=actor,
        party_kind=d["party_kind"],
        party_name=d["party_name"],
        party_id_number=d.get("party_id_number", ""),
        types=d["types"],
        fine=d.get("fine") or 0,
        facts=d["facts"],
        basis=d["basis"],
        place=d["place"],
        officers=d["officers"],
        domain=d["domain"],
        evidence_names=[d["evidence"]] if d.get("evidence") else [],
        files=files.getlist("files") if files else [],
        rights_told=bool(d.get("rights_told")),
        statement=d.get("statement", ""),
    )
