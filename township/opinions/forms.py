"""The input of each 社情民意 step (the same forms validate the web post and the API body)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from township.opinions.models import Category, Channel, Kind

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ClassifyForm(forms.Form):
    category = forms.ChoiceField(label=_("分类"), choices=Category.choices)
    note = forms.CharField(label=_("研判意见"), max_length=500, required=False, widget=TEXTAREA)


class AnswerForm(forms.Form):
    reply = forms.CharField(label=_("答复内容（群众可见）"), max_length=2000, widget=TEXTAREA)
    internal_note = forms.CharField(label=_("内部意见（不公开）"), max_length=1000, required=False, widget=TEXTAREA)


class ArchiveForm(forms.Form):
    outcome = forms.CharField(label=_("办理结果（存档理由）"), max_length=1000, widget=TEXTAREA)
    reply = forms.CharField(label=_("告知群众（可选）"), max_length=2000, required=False, widget=TEXTAREA)


class ForwardForm(forms.Form):
    note = forms.CharField(label=_("转办说明"), max_length=200, required=False)
    reply = forms.CharField(label=_("告知群众（可选）"), max_length=2000, required=False, widget=TEXTAREA)


class ForwardGridForm(ForwardForm):
    event_class = forms.CharField(label=_("事件类别"), max_length=16, widget=forms.Select)

    def __init__(self, *args: Any, classes: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_class"].widget.choices = [("", "—"), *(classes or [])]


class CollectForm(forms.Form):
    """登记 by a village agent, a grid worker or the service centre's window."""

    village = forms.ChoiceField(label=_("所在村（社区）"), choices=())
    channel = forms.ChoiceField(label=_("收集渠道"), choices=[c for c in Channel.choices if c[0] != Channel.PORTAL])
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices, initial=Kind.REPORT)
    category = forms.ChoiceField(label=_("分类（可稍后研判）"), choices=[("", "—"), *Category.choices], required=False)
    title = forms.CharField(label=_("标题"), max_length=120, required=False)
    content = forms.CharField(label=_("反映内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    reporter_name = forms.CharField(label=_("反映人姓名"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, villages: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village = self.fields["village"]
        assert isinstance(village, forms.ChoiceField)
        village.choices = [("", "—"), *(villages or [])]
        if len(villages or []) == 1:  # a village agent's own village: nothing to pick
            village.initial = (villages or [])[0][0]


class PublicForm(forms.Form):
    """A resident's suggestion or complaint on the portal."""

    village = forms.ChoiceField(label=_("所在村（社区）"), choices=())
    kind = forms.ChoiceField(
        label=_("类型"), choices=[(Kind.SUGGESTION, Kind.SUGGESTION.label), (Kind.COMPLAINT, Kind.COMPLAINT.label)]
    )
    title = forms.CharField(label=_("标题"), max_length=120, required=False)
    content = forms.CharField(label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    anonymous = forms.BooleanField(label=_("匿名提交（将无法收到答复短信，仍可凭查询码查看）"), required=False)
    reporter_name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, villages: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village = self.fields["village"]
        assert isinstance(village, forms.ChoiceField)
        village.choices = [("", "—"), *(villages or [])]
