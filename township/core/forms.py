"""Form helpers shared by the apps' admin and staff forms."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext as _

from township.core.identifiers import mask_phone, mask_resident_id


def masked(name: str, value: str) -> str:
    return mask_resident_id(value) if "resident_id" in name else mask_phone(value)


class PersonalFieldsForm(forms.ModelForm):  # type: ignore[type-arg]
    """Personal fields (``personal_fields``) are never put into the page: on an existing row the input starts
    empty, its help names the current value masked, and an empty input keeps the stored value; typing a new
    value replaces it (docs/security.md, Personal data)."""

    personal_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name in self.personal_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            current = getattr(self.instance, name, "") or ""
            self.initial[name] = ""
            field.required = False
            field.widget.attrs["autocomplete"] = "off"
            field.widget.attrs["placeholder"] = masked(name, current) if current else _("未填写")
            field.help_text = _("为保护个人信息不显示原值；留空则保持不变，输入新值则替换")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is not None:
            for name in self.personal_fields:
                if name in cleaned and cleaned[name] in ("", None):
                    cleaned[name] = getattr(self.instance, name)
        return cleaned
