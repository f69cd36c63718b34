"""Forms of the web shell. Labels and errors in Chinese through gettext."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput)


class TransitionForm(forms.Form):
    name = forms.CharField(max_length=64, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("办理意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"))
    purpose = forms.CharField(label=_("用途"), required=False, max_length=64)


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=64, help_text=_("如：网格系统对接"))
