"""Forms of the applicant side (registration and login by resident ID / USCC)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class RegisterForm(forms.Form):
    identifier = forms.CharField(label=_("身份证号或统一社会信用代码"), max_length=18)
    full_name = forms.CharField(label=_("姓名或单位名称"), max_length=64)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    username = forms.CharField(label=_("用户名"), max_length=64)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class ApplicantLoginForm(AuthenticationForm):
    """Log in with the user name, or with the resident ID / USCC the account was registered with."""

    username = forms.CharField(label=_("用户名、身份证号或统一社会信用代码"), max_length=64)

    def clean(self) -> dict[str, Any]:
        name = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if name and password:
            users = get_user_model().objects
            found = users.filter(username=name).first()
            if found is None and len(name) == 18:
                ident = name.upper()
                found = users.filter(resident_id=ident).first() or users.filter(uscc=ident).first()
            username = found.username if found else name
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
