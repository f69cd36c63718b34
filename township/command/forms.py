from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
