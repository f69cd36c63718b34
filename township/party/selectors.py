"""Party reads (issue 15), scoped and masked by role (see ``township.party.services`` for who sees what)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from township.core.errors import NotFound
from township.org.models import Jurisdiction, Level, User
from township.org.scoping import reach
from township.party.models import MemberLink, PartyOrg, Rating, RevealLog
from township.party.services import PARTY_ROLES, VIEW_ROLES, mask_name

if TYPE_CHECKING:
    from township.org.units import UnitChoice


def may_view(actor: User | None) -> bool:
    r = reach(actor, VIEW_ROLES)
    return bool(r.codes or r.villages)


def full_towns(actor: User | None) -> frozenset[str]:
    """Towns where the actor sees party data unmasked."""
    return reach(actor, PARTY_ROLES).codes


def org_queryset(*, actor: User | None) -> QuerySet[PartyOrg]:
    return PartyOrg.objects.for_actor(actor, VIEW_ROLES)


def org_list(
    *,
    actor: User | None,
    q: str = "",
    kind: str = "",
    village: str = "",
    non_public: str = "",
    unit: UnitChoice | None = None,
) -> QuerySet[PartyOrg]:
    """Active organisations in the actor's scope; ``unit``: the unit tree's choice (narrows, never widens)."""
    qs = (
        org_queryset(actor=actor)
        .filter(active=True)
        .select_related("village", "grid", "secretary", "parent")
        .annotate(members=Count("links", filter=Q(links__active_to__isnull=True)))
    )
    if unit:
        qs = qs.filter(unit.q("jurisdiction", "village"))
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q) | Q(enterprise__contains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if village:
        qs = qs.filter(village_id=village)
    if non_public in ("0", "1"):
        qs = qs.filter(non_public=non_public == "1")
    return qs.order_by("jurisdiction_id", "non_public", "code", "id")


def org_get(*, actor: User | None, pk: int) -> PartyOrg:
    org = org_queryset(actor=actor).select_related("village", "grid", "secretary", "parent").filter(pk=pk).first()
    if org is None:
        raise NotFound()
    return org


def current_ratings(*, orgs: list[PartyOrg]) -> dict[int, Rating]:
    """The latest current rating of each organisation, in one query."""
    if not orgs:
        return {}
    rows = Rating.objects.filter(
        jurisdiction_id__in=sorted({o.jurisdiction_id for o in orgs}), org_id__in=[o.pk for o in orgs], current=True
    ).order_by("org_id", "-year")
    out: dict[int, Rating] = {}
    for r in rows:
        out.setdefault(r.org_id, r)
    return out


@dataclass
class OrgView:
    """What one actor may see of an organisation."""

    org: PartyOrg
    full: bool
    secretary: str
    members: list[MemberLink] = field(default_factory=list)
    member_count: int = 0
    ratings: list[Rating] = field(default_factory=list)


def org_view(*, actor: User | None, org: PartyOrg) -> OrgView:
    full = org.jurisdiction_id in full_towns(actor)
    links = MemberLink.objects.filter(jurisdiction_id=org.jurisdiction_id, org=org, active_to__isnull=True)
    ratings = list(Rating.objects.filter(jurisdiction_id=org.jurisdiction_id, org=org).order_by("-year", "-id"))
    view = OrgView(
        org=org,
        full=full,
        secretary=org.secretary_display if full else mask_name(org.secretary_display),
        member_count=links.count(),
        ratings=ratings,
    )
    if full:
        view.members = list(links.select_related("user", "subject", "grid").order_by("role", "id"))
    return view


def party_features(*, actor: User | None) -> dict[str, Any]:
    return party_layer(actor=actor)[0]


def party_layer(*, actor: User | None) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """The party layer as GeoJSON: organisations (all viewers; the secretary masked unless full), and the member
    households (党员中心户 …) at their grid's centre — only for the full viewers of the town. Also what was shown in
    full, per town: (organisations, member names), for the reveal log."""
    full = full_towns(actor)
    shown: dict[str, list[int]] = {}
    orgs = list(org_list(actor=actor).exclude(lon__isnull=True))
    ratings = current_ratings(orgs=orgs)
    features: list[dict[str, Any]] = []
    for o in orgs:
        r = ratings.get(o.pk)
        name = o.secretary_display
        if o.jurisdiction_id in full:
            shown.setdefault(o.jurisdiction_id, [0, 0])[0] += 1
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [o.lon, o.lat]},
                "properties": {
                    "kind": "org",
                    "id": o.pk,
                    "name": o.name,
                    "org_kind": o.get_kind_display(),
                    "non_public": o.non_public,
                    "secretary": name if o.jurisdiction_id in full else mask_name(name),
                    "stars": r.stars if r else None,
                    "red_flag": bool(r and r.red_flag),
                    "year": r.year if r else None,
                },
            }
        )
    if full:
        links = (
            MemberLink.objects.filter(jurisdiction_id__in=sorted(full), active_to__isnull=True, grid__isnull=False)
            .select_related("grid", "user", "org")
            .order_by("id")[:5000]
        )
        for link in links:
            shown.setdefault(link.jurisdiction_id, [0, 0])[1] += 1
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [link.grid.center_lon, link.grid.center_lat]},
                    "properties": {
                        "kind": "member",
                        "role": link.get_role_display(),
                        "name": link.person_name,
                        "org": link.org.name,
                        "grid": link.grid.name,
                        "households": link.households,
                    },
                }
            )
    geojson = {"type": "FeatureCollection", "features": features}
    return geojson, {town: (n[0], n[1]) for town, n in shown.items()}


def reveal_log_in(codes: Iterable[str]) -> QuerySet[RevealLog]:
    """Every showing of party data unmasked in these towns (for the auditor's 个人信息查看记录), newest first."""
    return (
        RevealLog.objects.filter(jurisdiction_id__in=sorted(codes))
        .select_related("actor", "org")
        .order_by("-at", "-id")
    )


def org_choices(*, town: str, exclude: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the town's organisations, for the 上级组织 select."""
    qs = PartyOrg.objects.filter(jurisdiction_id=town, active=True).order_by("code", "id")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return [(o.pk, f"{o.name}（{o.code}）") for o in qs.only("pk", "name", "code")]


def village_choices(*, town: str) -> list[tuple[str, str]]:
    return [
        (v.code, v.name)
        for v in Jurisdiction.objects.filter(parent_id=town, level=Level.VILLAGE).order_by("code").only("code", "name")
    ]


def people_choices(*, town: str) -> list[tuple[int, str]]:
    """(user id, name and login) of the staff accounts of the town (a grant in it or one of its villages)."""
    from township.org.models import RoleGrant

    ids = RoleGrant.objects.filter(Q(jurisdiction_id=town) | Q(jurisdiction__parent_id=town)).values("user_id")
    users = User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")
    return [(u.pk, f"{u.display_name}（{u.username}）") for u in users.only("pk", "full_name", "username")]


def member_get(*, org: PartyOrg, pk: int) -> MemberLink:
    link: MemberLink | None = MemberLink.objects.filter(jurisdiction_id=org.jurisdiction_id, org=org, pk=pk).first()
    if link is None:
        raise NotFound()
    return link


def manage_towns(actor: User | None) -> list[tuple[str, str]]:
    """(code, name) of the towns where the actor keeps party data (新增党组织)."""
    codes = sorted(full_towns(actor))
    names = dict(Jurisdiction.objects.filter(pk__in=codes).values_list("code", "name"))
    return [(c, names.get(c, c)) for c in codes]


def org_ref(*, town: str, pk: int | None) -> PartyOrg | None:
    """An organisation of the town by id (a form's or the API's reference); DomainError(parent) otherwise."""
    from django.utils.translation import gettext as _

    from township.core.errors import DomainError

    if pk is None:
        return None
    org: PartyOrg | None = PartyOrg.objects.filter(jurisdiction_id=town, pk=pk).first()
    if org is None:
        raise DomainError("parent_invalid", _("上级组织不属于该乡镇"), field="parent")
    return org


def user_ref(user_id: int | None, *, field: str) -> User | None:
    """An active account by id (whether it belongs to the town is the services' check)."""
    from django.utils.translation import gettext as _

    from township.core.errors import DomainError

    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise DomainError("person_invalid", _("该人员不属于本乡镇"), field=field)
    return user


def subject_ref(*, actor: User | None, identifier: str, field: str = "subject") -> Any:
    """A person of the 主体库 by resident ID, inside the actor's scope (None when no identifier is given)."""
    from django.utils.translation import gettext as _

    from township.core.errors import DomainError
    from township.subjects.selectors import subject_lookup_for

    identifier = (identifier or "").strip()
    if not identifier:
        return None
    try:
        return subject_lookup_for(actor=actor, identifier=identifier, field=field)
    except NotFound:
        raise DomainError("person_invalid", _("主体库中没有该人员，或不在本乡镇"), field=field) from None
