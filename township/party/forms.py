"""The party pages' forms (新增党组织, 编辑, 关联党员): they parse the input into plain values and offer the town's
choices (organisations, villages, grids, staff accounts as searchable selects); the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from township.party import selectors
from township.party.models import MemberRole, OrgKind, PartyOrg

SEARCH = {"data-search": ""}  # the shell's searchable select (Tom Select, static/township/shell.js)


def _grid_choices(town: str) -> list[tuple[str, str]]:
    from township.grid.selectors import grid_public_list

    return [(g.code, f"{g.name}（{g.code}）") for g in grid_public_list(jurisdiction=town).only("code", "name")]


def _set(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", "—"), *choices]


class OrgForm(forms.Form):
    """新增党组织 (``org`` None) or 编辑 (the organisation; then 更正理由 is asked and the code stays)."""

    jurisdiction = forms.ChoiceField(label=_("乡镇（街道）"))
    code = forms.CharField(label=_("组织编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    parent = forms.TypedChoiceField(
        label=_("上级组织"), required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=SEARCH)
    )
    village = forms.ChoiceField(label=_("村（社区）"), required=False, widget=forms.Select(attrs=SEARCH))
    grid = forms.ChoiceField(label=_("网格"), required=False, widget=forms.Select(attrs=SEARCH))
    non_public = forms.BooleanField(label=_("非公企业党组织"), required=False)
    enterprise = forms.CharField(label=_("所在企业"), max_length=100, required=False)
    secretary = forms.TypedChoiceField(
        label=_("书记（人员账号）"), required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=SEARCH)
    )
    secretary_name = forms.CharField(
        label=_("书记姓名"), max_length=32, required=False, help_text=_("书记没有本系统账号时填写")
    )
    term_start = forms.DateField(
        label=_("本届任期开始"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    term_years = forms.TypedChoiceField(
        label=_("任期（年）"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("按规定（村、社区5年，其他3年）")), *[(n, str(n)) for n in range(1, 11)]],
    )
    lon = forms.FloatField(label=_("经度（WGS-84）"), required=False, help_text=_("留空则取所在网格的中心"))
    lat = forms.FloatField(label=_("纬度（WGS-84）"), required=False)
    active = forms.BooleanField(label=_("有效"), required=False, initial=True)
    reason = forms.CharField(
        label=_("更正理由"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：换届选举后更换书记")}),
        help_text=_("记入操作日志，连同修改前后的内容"),
    )

    def __init__(self, *args: Any, towns: list[tuple[str, str]], org: PartyOrg | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        town = org.jurisdiction_id if org is not None else (self.data.get("jurisdiction") or towns[0][0])
        self.fields["jurisdiction"].choices = towns  # type: ignore[attr-defined]
        self.fields["jurisdiction"].initial = town
        _set(self, "parent", selectors.org_choices(town=town, exclude=org.pk if org else None))
        _set(self, "village", selectors.village_choices(town=town))
        _set(self, "grid", _grid_choices(town))
        _set(self, "secretary", selectors.people_choices(town=town))
        if org is None:
            for name in ("reason", "active", "lon", "lat"):
                del self.fields[name]
            if len(towns) == 1:
                self.fields["jurisdiction"].widget = forms.HiddenInput()
        else:
            del self.fields["jurisdiction"]
            del self.fields["code"]
            term_field = self.fields["term_years"]
            assert isinstance(term_field, forms.ChoiceField)
            term_field.choices = [(n, str(n)) for n in range(1, 11)]

    @staticmethod
    def initial_for(org: PartyOrg) -> dict[str, Any]:
        return {
            "name": org.name,
            "kind": org.kind,
            "parent": org.parent_id,
            "village": org.village_id or "",
            "grid": org.grid.code if org.grid is not None else "",
            "non_public": org.non_public,
            "enterprise": org.enterprise,
            "secretary": org.secretary_id,
            "secretary_name": org.secretary_name,
            "term_start": org.term_start,
            "term_years": org.term_years,
            "lon": org.lon,
            "lat": org.lat,
            "active": org.active,
        }

    def changes(self) -> dict[str, Any]:
        """The edited fields whose value differs from the organisation's (for ``services.org_update``), as raw
        references: ``parent``/``secretary`` ids, ``grid`` code — the view turns them into rows of the town."""
        assert self.org is not None
        initial = self.initial_for(self.org)
        data = self.cleaned_data
        return {k: data[k] for k in initial if k in data and data[k] != initial[k] and (data[k] or initial[k])}


class MemberForm(forms.Form):
    """关联党员: a staff account of the town, or a person of the 主体库 by resident ID, in a grid role."""

    role = forms.ChoiceField(label=_("角色"), choices=MemberRole.choices, initial=MemberRole.CENTRAL_HOUSEHOLD)
    user = forms.TypedChoiceField(
        label=_("人员账号"), required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=SEARCH)
    )
    subject = forms.CharField(
        label=_("或：主体库人员（身份证号）"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "latin"}),
        help_text=_("没有本系统账号的党员，按身份证号从主体库中选取"),
    )
    grid = forms.ChoiceField(label=_("网格"), required=False, widget=forms.Select(attrs=SEARCH))
    household_address = forms.CharField(label=_("户址"), max_length=200, required=False)
    households = forms.IntegerField(label=_("联系户数"), min_value=0, max_value=999, required=False)
    active_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, org: PartyOrg, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set(self, "user", selectors.people_choices(town=org.jurisdiction_id))
        _set(self, "grid", _grid_choices(org.jurisdiction_id))
        if org.grid is not None and not self.is_bound:
            self.initial.setdefault("grid", org.grid.code)
