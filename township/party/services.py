"""Party-building services (issue 15; DOMAIN2 §7): organisations, member links (党员中心户 in grids), yearly
星级 / 红旗 ratings with corrections as history.

Who sees what (need-to-know; DOMAIN2 §7.2 treats party data as sensitive):

- ``PARTY_ROLES`` (镇领导 — the town's party committee sits with its leaders; no 党建 role exists in org yet):
  everything of their town, and they keep it (create organisations, link members, record ratings);
- ``MASKED_ROLES`` (the command center and the grid force): the organisations on the map, their kind, grid and
  ratings, the secretary's name masked, no member list, no household addresses;
- anyone else, or another town: nothing (403 on the pages, 404 on an object, an empty layer).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import BadInput, DomainError, PermissionRefused
from township.org.models import GRID_ROLES, Jurisdiction, Level, Role, User
from township.org.scoping import has_role
from township.party.models import MemberLink, MemberRole, OrgKind, PartyOrg, Rating, RevealLog, RevealScope

PARTY_ROLES = (Role.LEADER,)
MASKED_ROLES = (Role.DISPATCHER, *GRID_ROLES)
VIEW_ROLES = (*PARTY_ROLES, *MASKED_ROLES)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name only."""
    name = (name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _require_party(actor: User | None, town: str) -> None:
    if not has_role(actor, town, PARTY_ROLES):
        raise PermissionRefused("permission_denied", _("只有镇领导（党委）可以维护党建数据"))


def _person_of_town(user: User | None, town: str, field: str) -> None:
    """A linked account must be a person of the town (a grant in it or one of its villages): no linking strangers."""
    from django.db.models import Q

    from township.org.models import RoleGrant

    if user is None:
        return
    if not RoleGrant.objects.filter(
        Q(jurisdiction_id=town) | Q(jurisdiction__parent_id=town), user_id=user.pk
    ).exists():
        raise DomainError("person_invalid", _("该人员不属于本乡镇"), field=field)


@transaction.atomic
def org_create(
    *,
    actor: User | None,
    jurisdiction: str,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrg | None = None,
    village: str = "",
    grid: Any = None,
    secretary: User | None = None,
    secretary_name: str = "",
    non_public: bool = False,
    enterprise: str = "",
    term_start: dt.date | None = None,
    term_years: int | None = None,
) -> PartyOrg:
    """Create a party organisation. Errors: permission_denied (403), town_invalid (400), code_required,
    code_taken, name_required, kind_invalid, village_invalid, parent_invalid, grid_invalid, person_invalid."""
    town = Jurisdiction.objects.filter(pk=jurisdiction, level=Level.TOWN).first()
    if town is None:
        raise BadInput("town_invalid", _("请选择乡镇（街道）"), field="jurisdiction")
    _require_party(actor, town.code)
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        raise DomainError("code_required", _("请填写组织编码"), field="code")
    if not name:
        raise DomainError("name_required", _("请填写名称"), field="name")
    if kind not in OrgKind.values:
        raise DomainError("kind_invalid", _("组织类型无效"), field="kind")
    if PartyOrg.objects.filter(jurisdiction=town, code=code).exists():
        raise DomainError("code_taken", _("组织编码已存在"), field="code")
    if parent is not None and parent.jurisdiction_id != town.code:
        raise DomainError("parent_invalid", _("上级组织不属于该乡镇"), field="parent")
    v = None
    if village:
        v = Jurisdiction.objects.filter(pk=village, parent=town, level=Level.VILLAGE).first()
        if v is None:
            raise DomainError("village_invalid", _("村（社区）不属于该乡镇"), field="village")
    if grid is not None and grid.jurisdiction_id != town.code:
        raise DomainError("grid_invalid", _("网格不属于该乡镇"), field="grid")
    _person_of_town(secretary, town.code, "secretary")
    # 村、社区党组织每届5年，其他3年 (中国共产党支部工作条例（试行）)
    years = term_years or (5 if v is not None and not non_public else 3)
    return PartyOrg.objects.create(
        jurisdiction=town,
        code=code[:32],
        name=name[:100],
        kind=kind,
        parent=parent,
        non_public=non_public,
        enterprise=enterprise[:100],
        village=v,
        grid=grid,
        lon=grid.center_lon if grid is not None else None,
        lat=grid.center_lat if grid is not None else None,
        secretary=secretary,
        secretary_name=(secretary_name or "")[:32],
        term_start=term_start,
        term_years=years,
    )


# The fields a correction (编辑) may change; ``lon``/``lat`` follow a new grid's centre unless given.
ORG_EDITABLE = (
    "name",
    "kind",
    "parent",
    "village",
    "grid",
    "enterprise",
    "non_public",
    "secretary",
    "secretary_name",
    "term_start",
    "term_years",
    "lon",
    "lat",
    "active",
)


def _check_parent(org: PartyOrg, parent: PartyOrg | None) -> None:
    if parent is None:
        return
    if parent.jurisdiction_id != org.jurisdiction_id:
        raise DomainError("parent_invalid", _("上级组织不属于该乡镇"), field="parent")
    seen: set[int] = set()
    node: PartyOrg | None = parent
    while node is not None and node.pk not in seen:  # no loops: the new parent is not the org or one below it
        if node.pk == org.pk:
            raise DomainError("parent_invalid", _("上级组织不能是本组织或其下级组织"), field="parent")
        seen.add(node.pk)
        if node.parent_id is None:
            break
        node = PartyOrg.objects.filter(jurisdiction_id=org.jurisdiction_id, pk=node.parent_id).first()


def _check_location(lon: Any, lat: Any) -> tuple[float | None, float | None]:
    if lon in (None, "") and lat in (None, ""):
        return None, None
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise DomainError("location_invalid", _("请同时填写经度和纬度（WGS-84）"), field="lon") from None
    if not (73.0 <= x <= 136.0 and 3.0 <= y <= 54.0):
        raise DomainError("location_invalid", _("经纬度不在中国境内（WGS-84）"), field="lon")
    return x, y


def _org_values(org: PartyOrg, changes: dict[str, Any]) -> dict[str, Any]:
    """The new values of ``changes`` checked against the rules of ``org_create``; raises DomainError(field)."""
    town = org.jurisdiction_id
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "name":
            value = (value or "").strip()[:100]
            if not value:
                raise DomainError("name_required", _("请填写名称"), field="name")
        elif key == "kind":
            if value not in OrgKind.values:
                raise DomainError("kind_invalid", _("组织类型无效"), field="kind")
        elif key == "parent":
            _check_parent(org, value)
        elif key == "village":
            code = getattr(value, "pk", value) or ""
            value = None
            if code:
                value = Jurisdiction.objects.filter(pk=code, parent_id=town, level=Level.VILLAGE).first()
                if value is None:
                    raise DomainError("village_invalid", _("村（社区）不属于该乡镇"), field="village")
        elif key == "grid":
            if value is not None and value.jurisdiction_id != town:
                raise DomainError("grid_invalid", _("网格不属于该乡镇"), field="grid")
        elif key == "secretary":
            _person_of_town(value, town, "secretary")
        elif key in ("enterprise", "secretary_name"):
            value = (value or "").strip()[: 100 if key == "enterprise" else 32]
        elif key in ("non_public", "active"):
            value = bool(value)
        elif key == "term_years":
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= 10:
                raise DomainError("term_invalid", _("任期应为1至10年"), field="term_years")
        elif key == "term_start" and value is not None and value > timezone.localdate():
            raise DomainError("term_invalid", _("任期开始日期不能晚于今天"), field="term_start")
        out[key] = value
    if "lon" in out or "lat" in out:
        out["lon"], out["lat"] = _check_location(out.get("lon", org.lon), out.get("lat", org.lat))
        grid = out.get("grid", org.grid)
        if out["lon"] is None and grid is not None:  # cleared: back to the grid's centre
            out["lon"], out["lat"] = grid.center_lon, grid.center_lat
    elif "grid" in out and out["grid"] is not None and out["grid"].pk != org.grid_id:
        out["lon"], out["lat"] = out["grid"].center_lon, out["grid"].center_lat
    return out


@transaction.atomic
def org_update(*, actor: User | None, org: PartyOrg, reason: str, **changes: Any) -> PartyOrg:
    """Correct an organisation (编辑): only the fields in ``changes`` (see ``ORG_EDITABLE``), the same checks as
    ``org_create``. Nothing is silently overwritten: the reason is required and saved with the change, and the
    operation log (township.audit captures PartyOrg) keeps the values before and after with the reason.
    Errors: permission_denied (403), field_invalid (400), reason_required, unchanged, name_required, kind_invalid,
    parent_invalid, village_invalid, grid_invalid, person_invalid, term_invalid, location_invalid (422)."""
    _require_party(actor, org.jurisdiction_id)
    unknown = sorted(set(changes) - set(ORG_EDITABLE))
    if unknown:
        raise BadInput("field_invalid", _("不能修改该字段：%(f)s") % {"f": unknown[0]}, field=unknown[0])
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写更正理由（记入操作日志）"), field="reason")
    org = PartyOrg.objects.select_for_update().get(jurisdiction_id=org.jurisdiction_id, pk=org.pk)
    values = _org_values(org, changes)
    changed = {k: v for k, v in values.items() if getattr(org, k) != v}
    if not changed:
        raise DomainError("unchanged", _("没有需要更正的内容"), field=None)
    for key, value in changed.items():
        setattr(org, key, value)
    org.correction_reason = reason[:200]
    org.save(update_fields=[*changed, "correction_reason"])
    return org


def reveal_record(
    *,
    actor: User | None,
    town: str,
    scope: str,
    channel: str = "web",
    org: PartyOrg | None = None,
    orgs: int = 0,
    members: int = 0,
    ip: str | None = None,
) -> RevealLog | None:
    """Record that ``actor`` saw party data of ``town`` unmasked (one row per page view or call, not per member).
    Called by the pages, the API and the map layer whenever they show member names or a secretary in full."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return RevealLog.objects.create(
        jurisdiction_id=town,
        actor=actor,
        at=timezone.now(),
        ip=ip or None,
        channel=channel if channel in ("web", "api") else "web",
        scope=scope if scope in RevealScope.values else RevealScope.DETAIL,
        org=org,
        orgs=orgs or (1 if org is not None else 0),
        members=members,
    )


@transaction.atomic
def member_link_add(
    *,
    actor: User | None,
    org: PartyOrg,
    role: str,
    user: User | None = None,
    subject: Any = None,
    name: str = "",
    grid: Any = None,
    household_address: str = "",
    households: int = 0,
    active_from: dt.date | None = None,
) -> MemberLink:
    """Link a known person (a staff account or a 主体库 subject; a bare name only if neither exists) to ``org``
    in a grid role. Errors: permission_denied (403), role_invalid, person_required, person_invalid, grid_invalid."""
    _require_party(actor, org.jurisdiction_id)
    if role not in MemberRole.values:
        raise DomainError("role_invalid", _("角色无效"), field="role")
    if user is None and subject is None and not (name or "").strip():
        raise DomainError("person_required", _("请选择人员（账号或主体库中的人员）"), field="user")
    if grid is not None and grid.jurisdiction_id != org.jurisdiction_id:
        raise DomainError("grid_invalid", _("网格不属于该乡镇"), field="grid")
    _person_of_town(user, org.jurisdiction_id, "user")
    return MemberLink.objects.create(
        jurisdiction_id=org.jurisdiction_id,
        org=org,
        user=user,
        subject=subject,
        name=(name or "").strip()[:32] if user is None and subject is None else "",
        role=role,
        grid=grid,
        village_id=(grid.village_id if grid is not None else None) or org.village_id,
        household_address=household_address[:200],
        households=max(0, int(households or 0)),
        active_from=active_from or timezone.localdate(),
    )


@transaction.atomic
def member_link_end(*, actor: User | None, link: MemberLink, on: dt.date | None = None) -> MemberLink:
    """End a link (kept with its end date; nothing deleted)."""
    _require_party(actor, link.jurisdiction_id)
    link.active_to = on or timezone.localdate()
    link.save(update_fields=["active_to"])
    return link


def _score(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value))
    except InvalidOperation:
        raise DomainError("score_invalid", _("得分无效"), field="score") from None
    if not Decimal(0) <= score <= Decimal(1000):
        raise DomainError("score_invalid", _("得分无效"), field="score")
    return score


@transaction.atomic
def rating_record(
    *,
    actor: User | None,
    org: PartyOrg,
    year: int,
    stars: int,
    red_flag: bool = False,
    score: Any = None,
    scheme: str = "五星支部",
    reviewed_by: str = "",
    note: str = "",
    reason: str = "",
) -> Rating:
    """Record the yearly rating of ``org``. If the year already has one, this is a correction: ``reason`` is
    required, the old row stays (no longer current) and the new one names it in ``replaces``.
    Errors: permission_denied (403), year_invalid, stars_invalid, score_invalid, correction_reason_required."""
    _require_party(actor, org.jurisdiction_id)
    this_year = timezone.localdate().year
    if not 2000 <= int(year) <= this_year:
        raise DomainError("year_invalid", _("年度无效"), field="year")
    if not 1 <= int(stars) <= 5:
        raise DomainError("stars_invalid", _("星级应为1至5星"), field="stars")
    previous = (
        Rating.objects.select_for_update()
        .filter(jurisdiction_id=org.jurisdiction_id, org=org, year=year, current=True)
        .first()
    )
    reason = (reason or "").strip()
    if previous is not None:
        if not reason:
            raise DomainError(
                "correction_reason_required", _("该年度已有评定，更正须填写理由（原记录保留）"), field="reason"
            )
        previous.current = False
        previous.save(update_fields=["current"])
    return Rating.objects.create(
        jurisdiction_id=org.jurisdiction_id,
        org=org,
        year=year,
        scheme=(scheme or "五星支部")[:64],
        score=_score(score),
        stars=int(stars),
        red_flag=bool(red_flag),
        reviewed_by=reviewed_by[:64],
        note=note[:200],
        current=True,
        replaces=previous,
        correction_reason=reason[:200] if previous is not None else "",
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
