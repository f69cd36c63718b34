"""The input of each step of a grid event (one small form per step); the same forms validate the web post and the
API body (``/api/v1/cases/{id}/actions/{name}``). No rules here: the services and the machine's guards decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from township.grid.rules import MAX_POSTPONE_WORKING_DAYS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos taken on site (the phone's camera is offered first)."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"})

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class CommentForm(forms.Form):
    reason = forms.CharField(label=_("意见"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class PhotosForm(forms.Form):
    photos = PhotosField(label=_("现场照片"), required=False)
    reason = forms.CharField(label=_("意见"), max_length=500, required=False)


class FeedbackForm(forms.Form):
    photos = PhotosField(label=_("处置后照片"), required=False)
    reason = forms.CharField(label=_("处置情况"), max_length=500, required=False)


class DispatchForm(forms.Form):
    department = forms.TypedChoiceField(label=_("处置部门"), coerce=int, required=False, empty_value=None)
    handler = forms.IntegerField(label=_("处置人（用户编号，可选）"), required=False, widget=forms.HiddenInput)
    assisting = forms.TypedMultipleChoiceField(
        label=_("协办部门（可多选）"),
        coerce=int,
        required=False,
        help_text=_("协办部门可查看事件并配合处置，由承办部门签收和反馈"),
    )
    reason = forms.CharField(label=_("派遣意见"), max_length=500, required=False)

    def __init__(
        self,
        *args: Any,
        departments: list[tuple[int, str]] | None = None,
        suggested: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", _("请选择处置部门"))]
        choices += departments or []
        self.fields["department"].choices = choices
        assisting = self.fields["assisting"]
        if isinstance(assisting, forms.ChoiceField):
            assisting.choices = list(departments or [])
        self.fields["department"].initial = suggested  # the department the event class names responsible


class PostponeForm(forms.Form):
    days = forms.IntegerField(label=_("延期工作日数"), min_value=1, max_value=MAX_POSTPONE_WORKING_DAYS)
    reason = forms.CharField(label=_("延期理由"), max_length=500)


class EvaluateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评价"), coerce=int, choices=[(n, "★" * n) for n in (5, 4, 3, 2, 1)], initial=5
    )
    reason = forms.CharField(label=_("评语"), max_length=500, required=False)


class DuplicateForm(forms.Form):
    original = forms.TypedChoiceField(label=_("与之重复的事件"), coerce=int)

    def __init__(self, *args: Any, candidates: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["original"].choices = candidates or []
