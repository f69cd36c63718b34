"""API of party (issue 15): the organisations (masked by role), the map layer, yearly ratings with corrections.

Visible to the town's leaders in full and to the command center and grid force masked (secretary's family name
only, no members); 403 for other roles, 404 for another town's organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from township.core.errors import DomainError, PermissionRefused
from township.org.models import User
from township.party import selectors, services
from township.party.models import RevealScope

router = Router(tags=["party"])


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(request: HttpRequest) -> None:
    if not selectors.may_view(_actor(request)):
        raise PermissionRefused("permission_denied", _("您没有查看党建数据的权限"))


def _reveal(request: HttpRequest, **what: Any) -> None:
    """Party data shown unmasked through the API: one row in the reveal log (DOMAIN2 §7)."""
    services.reveal_record(actor=_actor(request), channel="api", ip=request.META.get("REMOTE_ADDR") or None, **what)


class RatingOut(Schema):
    id: int
    year: int
    stars: int
    red_flag: bool
    score: Decimal | None
    scheme: str
    reviewed_by: str
    current: bool
    replaces: int | None
    correction_reason: str
    recorded_at: dt.datetime


class MemberOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    grid: str | None
    household_address: str
    households: int
    active_from: dt.date
    active_to: dt.date | None = None


class OrgOut(Schema):
    id: int
    jurisdiction: str
    code: str
    name: str
    kind: str
    kind_label: str
    non_public: bool
    enterprise: str
    village: str | None
    grid: str | None
    secretary: str
    masked: bool
    member_count: int
    stars: int | None
    red_flag: bool


class OrgDetailOut(OrgOut):
    members: list[MemberOut]
    ratings: list[RatingOut]


def _rating(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "year": r.year,
        "stars": r.stars,
        "red_flag": r.red_flag,
        "score": r.score,
        "scheme": r.scheme,
        "reviewed_by": r.reviewed_by,
        "current": r.current,
        "replaces": r.replaces_id,
        "correction_reason": r.correction_reason,
        "recorded_at": r.recorded_at,
    }


def _org(o: Any, *, full: bool, secretary: str, count: int, rating: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "jurisdiction": o.jurisdiction_id,
        "code": o.code,
        "name": o.name,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "non_public": o.non_public,
        "enterprise": o.enterprise,
        "village": o.village_id,
        "grid": o.grid.code if o.grid_id else None,
        "secretary": secretary,
        "masked": not full,
        "member_count": count,
        "stars": rating.stars if rating else None,
        "red_flag": bool(rating and rating.red_flag),
    }


@router.get("/orgs", response=list[OrgOut], summary="党组织列表")
def org_list(request: HttpRequest, q: str = "", kind: str = "", village: str = "", non_public: str = "") -> Any:
    _require_view(request)
    actor = _actor(request)
    orgs = list(selectors.org_list(actor=actor, q=q, kind=kind, village=village, non_public=non_public)[:2000])
    full = selectors.full_towns(actor)
    ratings = selectors.current_ratings(orgs=orgs)
    for town in sorted({o.jurisdiction_id for o in orgs} & full):  # secretaries in full
        _reveal(request, town=town, scope=RevealScope.LIST, orgs=sum(1 for o in orgs if o.jurisdiction_id == town))
    return [
        _org(
            o,
            full=o.jurisdiction_id in full,
            secretary=o.secretary_display if o.jurisdiction_id in full else services.mask_name(o.secretary_display),
            count=o.members,
            rating=ratings.get(o.pk),
        )
        for o in orgs
    ]


@router.get("/geojson", summary="党建图层（GeoJSON）")
def party_geojson(request: HttpRequest) -> Any:
    """Organisations (all party viewers) and member households at their grid (full viewers only)."""
    _require_view(request)
    layer, shown = selectors.party_layer(actor=_actor(request))
    for town, (orgs, members) in sorted(shown.items()):
        _reveal(request, town=town, scope=RevealScope.LAYER, orgs=orgs, members=members)
    return layer


def _member(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "name": m.person_name,
        "role": m.role,
        "role_label": m.get_role_display(),
        "grid": m.grid.code if m.grid_id else None,
        "household_address": m.household_address,
        "households": m.households,
        "active_from": m.active_from,
        "active_to": m.active_to,
    }


def _grid(town: str, code: str | None) -> Any:
    if not code:
        return None
    from township.grid.selectors import grid_by_code

    grid = grid_by_code(jurisdiction=town, code=code)
    if grid is None:
        raise DomainError("grid_invalid", _("网格不属于该乡镇"), field="grid")
    return grid


def _user(user_id: int | None, field: str) -> User | None:
    return selectors.user_ref(user_id, field=field)


class OrgIn(Schema):
    jurisdiction: str
    code: str
    name: str
    kind: str
    parent: int | None = None
    village: str = ""
    grid: str | None = None
    secretary: int | None = None
    secretary_name: str = ""
    non_public: bool = False
    enterprise: str = ""
    term_start: dt.date | None = None
    term_years: int | None = None


@router.post("/orgs", response={201: OrgOut}, summary="登记党组织（含非公企业党支部）")
def org_create(request: HttpRequest, payload: OrgIn) -> Any:
    """For the town's leaders (党委). ``grid`` is a grid code of the town, ``secretary`` a user id of the town (or
    ``secretary_name`` alone), ``parent`` an organisation id. Errors: permission_denied (403), town_invalid (400),
    code_required, code_taken, name_required, kind_invalid, village_invalid, parent_invalid, grid_invalid,
    person_invalid (422)."""
    data = payload.dict()
    town = data["jurisdiction"]
    parent = selectors.org_ref(town=town, pk=data["parent"])
    org = services.org_create(
        actor=_actor(request),
        **{
            **data,
            "parent": parent,
            "grid": _grid(town, data["grid"]),
            "secretary": _user(data["secretary"], "secretary"),
        },
    )
    return Status(201, _org(org, full=True, secretary=org.secretary_display, count=0, rating=None))


class OrgPatchIn(Schema):
    """Only the fields sent are changed; ``reason`` is required (记入操作日志)."""

    reason: str
    name: str | None = None
    kind: str | None = None
    parent: int | None = None
    village: str | None = None
    grid: str | None = None
    enterprise: str | None = None
    non_public: bool | None = None
    secretary: int | None = None
    secretary_name: str | None = None
    term_start: dt.date | None = None
    term_years: int | None = None
    lon: float | None = None
    lat: float | None = None
    active: bool | None = None


@router.patch("/orgs/{org_id}", response=OrgOut, summary="更正党组织（理由必填，记入操作日志）")
def org_update(request: HttpRequest, org_id: int, payload: OrgPatchIn) -> Any:
    """For the town's leaders (党委). Only the fields present in the body change (``null`` clears ``parent``,
    ``village``, ``grid``, ``secretary``, ``term_start`` or the location); ``grid`` is a grid code of the town,
    ``secretary`` a user id, ``parent`` an organisation id. The values before and after and the ``reason`` go to the
    operation log. Errors: permission_denied (403), not_found (404), field_invalid (400), reason_required,
    unchanged, name_required, kind_invalid, parent_invalid, village_invalid, grid_invalid, person_invalid,
    term_invalid, location_invalid (422)."""
    _require_view(request)
    actor = _actor(request)
    org = selectors.org_get(actor=actor, pk=org_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason")
    town = org.jurisdiction_id
    for key in ("name", "kind", "enterprise", "non_public", "secretary_name", "term_years", "active"):
        if key in data and data[key] is None:
            raise DomainError("value_required", _("该字段不能为空"), field=key)
    if "parent" in data:
        data["parent"] = selectors.org_ref(town=town, pk=data["parent"])
    if "grid" in data:
        data["grid"] = _grid(town, data["grid"])
    if "secretary" in data:
        data["secretary"] = _user(data["secretary"], "secretary")
    if "village" in data:
        data["village"] = data["village"] or ""
    org = services.org_update(actor=actor, org=org, reason=reason, **data)
    org = selectors.org_get(actor=actor, pk=org.pk)
    view = selectors.org_view(actor=actor, org=org)
    current = next((r for r in view.ratings if r.current), None)
    return _org(org, full=True, secretary=org.secretary_display, count=view.member_count, rating=current)


class MemberIn(Schema):
    role: str
    user: int | None = None
    subject: str = ""
    name: str = ""
    grid: str | None = None
    household_address: str = ""
    households: int = 0
    active_from: dt.date | None = None


@router.post("/orgs/{org_id}/members", response={201: MemberOut}, summary="关联党员（如党员中心户）到网格")
def member_link_add(request: HttpRequest, org_id: int, payload: MemberIn) -> Any:
    """Link a person the platform knows (``user``: an account of the town; ``subject``: the resident ID of a person
    of the 主体库; a bare ``name`` only when there is neither) to the organisation in a grid role — no second member
    register. Errors: permission_denied (403), not_found (404), resident_id_invalid (400), role_invalid,
    person_required, person_invalid, grid_invalid (422)."""
    _require_view(request)
    org = selectors.org_get(actor=_actor(request), pk=org_id)
    data = payload.dict()
    data["subject"] = selectors.subject_ref(actor=_actor(request), identifier=data["subject"])
    link = services.member_link_add(
        actor=_actor(request),
        org=org,
        **{**data, "grid": _grid(org.jurisdiction_id, data["grid"]), "user": _user(data["user"], "user")},
    )
    return Status(201, _member(link))


class MemberEndIn(Schema):
    on: dt.date | None = None


@router.post("/orgs/{org_id}/members/{link_id}/end", response=MemberOut, summary="结束党员关联（保留记录）")
def member_link_end(request: HttpRequest, org_id: int, link_id: int, payload: MemberEndIn) -> Any:
    """The link keeps its end date; nothing is deleted. Errors: permission_denied (403), not_found (404)."""
    _require_view(request)
    org = selectors.org_get(actor=_actor(request), pk=org_id)
    link = selectors.member_get(org=org, pk=link_id)
    return _member(services.member_link_end(actor=_actor(request), link=link, on=payload.on))


@router.get("/orgs/{org_id}", response=OrgDetailOut, summary="党组织详情")
def org_detail(request: HttpRequest, org_id: int) -> Any:
    _require_view(request)
    org = selectors.org_get(actor=_actor(request), pk=org_id)
    view = selectors.org_view(actor=_actor(request), org=org)
    if view.full:  # member names and the secretary in full
        _reveal(request, town=org.jurisdiction_id, scope=RevealScope.DETAIL, org=org, members=len(view.members))
    current = next((r for r in view.ratings if r.current), None)
    body = _org(org, full=view.full, secretary=view.secretary, count=view.member_count, rating=current)
    body["members"] = [_member(m) for m in view.members]
    body["ratings"] = [_rating(r) for r in view.ratings]
    return body


class RatingIn(Schema):
    year: int
    stars: int
    red_flag: bool = False
    score: Decimal | None = None
    scheme: str = "五星支部"
    reviewed_by: str = ""
    note: str = ""
    reason: str = ""


@router.post("/orgs/{org_id}/ratings", response={201: RatingOut}, summary="登记或更正年度星级评定")
def rating_record(request: HttpRequest, org_id: int, payload: RatingIn) -> Any:
    """A second rating of the same year is a correction: ``reason`` required, the old one kept (not current).
    Errors: correction_reason_required, stars_invalid, year_invalid, score_invalid (422), permission_denied (403)."""
    _require_view(request)
    org = selectors.org_get(actor=_actor(request), pk=org_id)
    r = services.rating_record(actor=_actor(request), org=org, **payload.dict())
    return Status(201, _rating(r))
