"""Scoped reads of 信访 (fail-closed): the engine's ``case_visible_q`` (tenant reach, the 检举 confidentiality and
recusal filter of the case type), the facts the guards need, the access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from township.cases.models import Case
from township.cases.selectors import case_visible_q
from township.core.errors import NotFound, PermissionRefused
from township.org.models import Department, Role, User
from township.org.scoping import grants_of, has_role, reach
from township.petitions.machine import CASE_TYPE, OFFICERS
from township.petitions.models import AccessLog, Category, Petition, PetitionDocument, PetitionNotice, Recusal

if TYPE_CHECKING:
    from township.org.units import UnitChoice

LOG_READERS = (Role.LEADER, Role.AUDITOR)


def hidden_inputs(actor: Any) -> tuple[int | None, list[int]]:
    """What the hidden items depend on (``hidden_of``): the actor's id (None: not signed in) and their departments'
    ids."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, []
    return actor.pk, sorted({g.department_id for g in grants_of(actor) if g.department_id})


def hidden_of(user_id: int | None, departments: list[int]) -> Q:
    """The items an actor must not see, as a ``Q`` on Case, from ``hidden_inputs`` alone: 检举揭发 items against them
    or their department (Art 30: material never passed to the accused) and items they are recused from (Art 46). No
    user: nothing (the tenant scope already refuses them)."""
    if user_id is None:
        return Q(pk__in=[])
    accused = Q(accused_user_id=user_id)
    if departments:
        accused |= Q(accused_department_id__in=departments)
    against = Petition.objects.filter(Q(category=Category.ACCUSATION) & accused).values("case_id")
    recused = Recusal.objects.filter(user_id=user_id).values("case_id")
    return Q(pk__in=against) | Q(pk__in=recused)


def visible_of(user_id: int | None, departments: list[int]) -> Q:
    """``CaseType.visible`` from ``hidden_inputs``: every item of the units reached, except the hidden ones."""
    return ~hidden_of(user_id, departments)


def petition_queryset(*, actor: User | None) -> QuerySet[Petition]:
    cases = Case.objects.filter(case_visible_q(actor), case_type=CASE_TYPE).values("pk")
    return Petition.objects.filter(case_id__in=cases).select_related("case", "jurisdiction", "accused_department")


def petition_get(*, actor: User | None, pk: int) -> Petition:
    petition = petition_queryset(actor=actor).filter(pk=pk).first()
    if petition is None:
        raise NotFound()
    return petition


def petition_for_case(*, actor: User | None, case_id: int) -> Petition:
    petition = petition_queryset(actor=actor).filter(case_id=case_id).first()
    if petition is None:
        raise NotFound()
    return petition


@dataclass
class PetitionFilter:
    q: str = ""
    state: str = ""
    category: str = ""
    channel: str = ""
    source: str = ""
    unit: UnitChoice | None = None  # the unit tree's choice (narrows inside the scope)


def petition_list(
    *, actor: User | None, f: PetitionFilter, before_id: int | None = None, limit: int | None = 50
) -> list[Petition] | QuerySet[Petition]:
    qs = petition_queryset(actor=actor)
    if f.unit:
        qs = qs.filter(f.unit.q("jurisdiction", "village"))
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(case__number__icontains=f.q) | Q(description__icontains=f.q))
    if f.state:
        qs = qs.filter(case__state=f.state)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.source:
        qs = qs.filter(source=f.source)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    qs = qs.order_by("-pk").prefetch_related("petitioners")
    return list(qs[:limit]) if limit else qs


def documents(*, petition: Petition) -> list[PetitionDocument]:
    # sealed by the unit that holds the key, possibly the county: read by id, not joined (Citus)
    return list(petition.documents.prefetch_related("sealed").order_by("id"))


def document_get(*, actor: User | None, petition_id: int, doc_id: int) -> PetitionDocument:
    petition = petition_get(actor=actor, pk=petition_id)
    doc: PetitionDocument | None = petition.documents.filter(pk=doc_id).first()
    if doc is None:
        raise NotFound()
    return doc


def may_read_log(actor: User | None, petition: Petition) -> bool:
    return has_role(actor, petition.jurisdiction_id, LOG_READERS, petition.village_id)


def access_log_list(*, actor: User | None, petition: Petition | None = None, limit: int = 200) -> list[AccessLog]:
    """The access log, to the head (领导) and the auditor only; the items they may see."""
    codes = sorted(reach(actor, LOG_READERS).codes)
    if not codes:
        raise PermissionRefused("permission_denied", "仅负责人和审计管理员可以查看信访查阅记录")
    qs = AccessLog.objects.filter(jurisdiction_id__in=codes).filter(
        petition__in=petition_queryset(actor=actor).values("pk")
    )
    if petition is not None:
        qs = qs.filter(petition=petition)
    return list(qs.select_related("user", "petition", "petition__case").order_by("-at", "-id")[:limit])


def departments_of(jurisdiction: str) -> list[Department]:
    return list(Department.objects.filter(jurisdiction_id=jurisdiction, active=True).order_by("sort", "id"))


def staff_of(jurisdiction: str) -> list[User]:
    """Staff holding a role in the unit (to declare a recusal)."""
    ids = (
        User.objects.filter(grants__jurisdiction_id=jurisdiction, is_active=True)
        .exclude(grants__role=Role.APPLICANT)
        .values("pk")
    )
    return list(User.objects.filter(pk__in=ids).order_by("id"))


def notices_for(*, actor: User | None) -> list[PetitionNotice]:
    """The petitioner's own notices (in-app messages)."""
    if actor is None or not actor.is_authenticated:
        return []
    return list(PetitionNotice.objects.filter(user_id=actor.pk).select_related("petition", "petition__case")[:100])


def track(code: str) -> tuple[Petition, list[PetitionNotice]] | None:
    """Public follow-up by 查询码: the state and the notices, no personal data."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    petition = Petition.objects.filter(follow_code=code).select_related("case").first()
    if petition is None:
        return None
    return petition, list(petition.notices.order_by("created_at", "id"))


def is_officer(actor: User | None, jurisdiction: str) -> bool:
    return has_role(actor, jurisdiction, OFFICERS)
