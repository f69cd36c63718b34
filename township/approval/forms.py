"""Forms of the applicant side (registration and login by resident ID / USCC)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from township.approval.models import Grade, VerificationMethod
from township.approval.rules import SPECIAL_REASONS
from township.core.crypto import blind_index


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
                found = users.filter(resident_id_index=blind_index(ident)).first() or users.filter(uscc=ident).first()
            username = found.username if found else name
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


# ---- the forms of the application's actions (case_type.py): the web panel and the API input -------------------
#
# Fields the law requires (a reason, the remedy, the pledge…) are optional here on purpose: the guard refuses a
# missing one with the article it comes from, which says more than "this field is required".


class _Textarea(forms.Textarea):
    def __init__(self) -> None:
        super().__init__(attrs={"rows": 2})


class _ChoicesForm(forms.Form):
    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


def _materials(app: Any) -> list[Any]:
    from township.approval.selectors import application_materials

    return application_materials(app)


class GapAcceptForm(_ChoicesForm):
    missing = forms.MultipleChoiceField(
        label=_("容缺材料"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只能是事项容缺清单内的非必备材料（材料代码）"),
    )
    pledge = forms.CharField(label=_("申请人容缺承诺（签署）"), required=False, max_length=2000, widget=_Textarea())

    def __init__(self, *args: Any, application: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if application is not None:
            allowed = set((application.snapshot.get("gap_rule") or {}).get("material_type_codes") or [])
            mats = [m for m in _materials(application) if m.material_type_code in allowed]
            self._choices("missing", [(m.material_type_code, m.name) for m in mats])
            self.fields["missing"].initial = [m.material_type_code for m in mats if not m.provided]


class CommitmentForm(forms.Form):
    applicant_chose = forms.BooleanField(label=_("申请人自愿选择告知承诺"), required=False)
    pledge = forms.CharField(label=_("承诺书"), required=False, max_length=4000, widget=_Textarea())
    method = forms.ChoiceField(
        label=_("事后核查方式"), choices=VerificationMethod.choices, initial="document", required=False
    )

    def __init__(self, *args: Any, application: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if application is not None:
            rule = application.snapshot.get("commitment_rule") or {}
            self.fields["pledge"].initial = rule.get("text", "")
            self.fields["applicant_chose"].help_text = rule.get("text", "")


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("不予受理理由"), required=False, max_length=2000, widget=_Textarea())
    remedy = forms.CharField(label=_("救济途径/有权机关"), required=False, max_length=2000, widget=_Textarea())


class SupplementForm(_ChoicesForm):
    materials = forms.MultipleChoiceField(
        label=_("需要补正的全部材料"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("材料代码")
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)

    def __init__(self, *args: Any, application: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if application is not None:
            mats = _materials(application)
            self._choices("materials", [(m.material_type_code, m.name) for m in mats])
            self.fields["materials"].initial = [m.material_type_code for m in mats if not m.provided]


class _MaterialUploadForm(_ChoicesForm):
    """One file per material (``m_<material code>``) and, for staff, the codes whose paper original was checked.

    The declared ``material_files`` field documents the multipart input in the API; on a page it is replaced by one file
    field per material that is asked for."""

    material_files = forms.FileField(
        label=_("材料文件"), required=False, help_text=_("每份材料一个文件，字段名为 m_<材料代码>（multipart）")
    )
    paper = forms.MultipleChoiceField(
        label=_("已核验纸质原件"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("材料代码")
    )

    def __init__(
        self, *args: Any, wanted: list[tuple[str, str]] | None = None, staff: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if wanted is None:
            return
        del self.fields["material_files"]
        for code, name in wanted:
            self.fields[f"m_{code}"] = forms.FileField(label=name, required=False)
        if staff:
            self._choices("paper", list(wanted))
            self.fields["paper"] = self.fields.pop("paper")  # after the files
        else:
            del self.fields["paper"]


class SupplyForm(_MaterialUploadForm):
    pass


class GapSupplyForm(_MaterialUploadForm):
    pass


class SpecialStartForm(forms.Form):
    reason = forms.ChoiceField(label=_("特别程序类型"), choices=list(SPECIAL_REASONS.items()))
    note = forms.CharField(label=_("说明"), required=False, max_length=255)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=10, initial=10)
    reason = forms.CharField(label=_("延期理由"), required=False, max_length=255)


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("审批意见"), required=False, max_length=2000, initial=_("符合条件，准予许可"))


class DenyForm(forms.Form):
    reason = forms.CharField(label=_("不予许可理由"), required=False, max_length=2000, widget=_Textarea())


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        required=False,
        max_length=255,
        help_text=_("代办员、窗口代为撤回的，须写明申请人的撤回申请"),
    )


class RateForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("评价"), coerce=int, choices=Grade.choices)
    text = forms.CharField(label=_("评价内容"), required=False, max_length=2000, widget=_Textarea())
