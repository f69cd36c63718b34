"""Enforcement reads. Every selector takes ``actor`` and scopes by the actor's reach (fail-closed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from township.cases.models import Case
from township.core.errors import NotFound
from township.enforcement.errors import Code
from township.enforcement.machine import PenaltyState, SummaryState
from township.enforcement.models import (
    Clue,
    Disclosure,
    InspectionPlan,
    InspectionVisit,
    Officer,
    PenaltyCase,
    PenaltyItem,
    Team,
)
from township.org.models import Role
from township.org.scoping import reach

if TYPE_CHECKING:
    from township.org.units import UnitChoice

STAFF_ROLES = (Role.ENFORCEMENT_OFFICER, Role.LEGAL_REVIEWER, Role.LEADER, Role.ADMINISTRATOR, Role.DISPATCHER)
OPEN_STATES = [
    PenaltyState.FILED,
    PenaltyState.INVESTIGATING,
    PenaltyState.NOTIFIED,
    PenaltyState.HEARING_REQUESTED,
    PenaltyState.HEARING_SCHEDULED,
    PenaltyState.HEARD,
    PenaltyState.REVIEWED,
]


def _reach_q(actor: Any, village_field: str | None = "village") -> Q:
    return reach(actor, STAFF_ROLES).q("jurisdiction", village_field)


def penalty_warning(pc: PenaltyCase, today: dt.date | None = None) -> str:
    """The engine's traffic light (``Case.warning``: the same colours as 我的待办 and every case list) on the 90-day
    decision period (Art 60); ``late`` (超期办结) once decided after the due time. Only when the engine keeps no
    clock (the holiday table did not reach the deadline at filing) does it fall back to ``decision_due`` in days."""
    if pc.case.finished_late:
        return "late"
    if pc.procedure != PenaltyCase.Procedure.ORDINARY or pc.case.state not in OPEN_STATES:
        return "none"
    if pc.case.due_at is not None:
        return pc.case.warning()
    today = today or timezone.localdate()
    left = (pc.decision_due - today).days
    if left < 0:
        return "overdue"
    if left <= 10:
        return "red"
    if left <= 30:
        return "yellow"
    return "normal"


@dataclass
class Page:
    rows: list[Any]
    next_cursor: str | None


def penalty_case_list(
    *, actor: Any, filters: dict[str, Any] | None = None, unit: UnitChoice | None = None
) -> QuerySet[PenaltyCase]:
    """Cases visible to the actor, newest first; filters: state, procedure, domain, team, q, warning, jurisdiction.
    ``unit``: the unit tree's choice (narrows inside the reach, never widens)."""
    f = filters or {}
    qs = PenaltyCase.objects.filter(_reach_q(actor)).select_related("case", "team", "village", "item")
    if unit:
        qs = qs.filter(unit.q("jurisdiction", "village"))
    if f.get("jurisdiction"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction"])
    if f.get("state"):
        qs = qs.filter(case__state=f["state"])
    if f.get("procedure"):
        qs = qs.filter(procedure=f["procedure"])
    if f.get("domain"):
        qs = qs.filter(domain=f["domain"])
    if f.get("team"):
        qs = qs.filter(team_id=f["team"])
    if f.get("q"):
        qs = qs.filter(Q(party_name__contains=f["q"]) | Q(case__number__contains=f["q"]))
    warning = f.get("warning")
    if warning == "late":
        qs = qs.filter(case__finished_late=True)
    elif warning in ("overdue", "red", "yellow", "normal", "paused"):
        from township.cases.selectors import warning_q

        today = f.get("today") or timezone.localdate()
        open_q = Q(procedure=PenaltyCase.Procedure.ORDINARY, case__state__in=OPEN_STATES, case__finished_late=False)
        engine = Case.objects.filter(warning_q(warning, timezone.now())).values("id")
        fallback = (
            Q(case__due_at__isnull=True)
            & {
                "overdue": Q(decision_due__lt=today),
                "red": Q(decision_due__gte=today, decision_due__lte=today + dt.timedelta(days=10)),
                "yellow": Q(
                    decision_due__gt=today + dt.timedelta(days=10), decision_due__lte=today + dt.timedelta(days=30)
                ),
                "normal": Q(decision_due__gt=today + dt.timedelta(days=30)),
                "paused": Q(pk__in=[]),
            }[warning]
        )
        qs = qs.filter(open_q, Q(case_id__in=engine, case__due_at__isnull=False) | fallback)
    return qs.order_by("-id")


def penalty_late_count(*, actor: Any, filters: dict[str, Any] | None = None, unit: UnitChoice | None = None) -> int:
    """How many of the actor's cases (under ``filters``, the warning filter aside) were decided late (超期办结)."""
    f = {k: v for k, v in (filters or {}).items() if k != "warning"}
    return penalty_case_list(actor=actor, filters=f, unit=unit).filter(case__finished_late=True).count()


def penalty_case_page(
    *,
    actor: Any,
    filters: dict[str, Any] | None = None,
    cursor: str | None = None,
    limit: int = 50,
    unit: UnitChoice | None = None,
) -> Page:
    """Keyset page over ``penalty_case_list`` (id descending)."""
    qs = penalty_case_list(actor=actor, filters=filters, unit=unit)
    if cursor and cursor.isdigit():
        qs = qs.filter(id__lt=int(cursor))
    rows = list(qs[: limit + 1])
    nxt = str(rows[limit - 1].pk) if len(rows) > limit else None
    return Page(rows[:limit], nxt)


def penalty_case_get(*, actor: Any, pk: int) -> PenaltyCase:
    pc = penalty_case_list(actor=actor).filter(pk=pk).first()
    if pc is None:
        raise NotFound()
    return pc


def penalty_case_by_case(*, actor: Any, case_id: int) -> PenaltyCase:
    """The penalty case of engine case ``case_id``, if the actor may see it. Errors: not_found."""
    pc = penalty_case_list(actor=actor).filter(case_id=case_id).first()
    if pc is None:
        raise NotFound()
    return pc


def clue_list(*, actor: Any, decision: str = "", source: str = "") -> QuerySet[Clue]:
    qs = Clue.objects.filter(_reach_q(actor)).select_related("village")
    if decision:
        qs = qs.filter(decision=decision)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("-id")


def clue_get(*, actor: Any, pk: int) -> Clue:
    clue = clue_list(actor=actor).filter(pk=pk).first()
    if clue is None:
        raise NotFound()
    return clue


def team_list(*, actor: Any) -> QuerySet[Team]:
    return (
        Team.objects.filter(_reach_q(actor, None)).prefetch_related("zones__village").order_by("jurisdiction_id", "id")
    )


def officer_list(*, actor: Any) -> QuerySet[Officer]:
    return (
        Officer.objects.filter(_reach_q(actor, None))
        .select_related("user", "team")
        .prefetch_related("credentials")
        .order_by("jurisdiction_id", "id")
    )


def penalty_item_list(*, actor: Any) -> QuerySet[PenaltyItem]:
    return PenaltyItem.objects.filter(_reach_q(actor, None)).prefetch_related("bands").order_by("code")


def plan_list(*, actor: Any, unit: UnitChoice | None = None) -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.filter(_reach_q(actor, None)).defer("snapshot").order_by("-id")
    return qs.filter(unit.q("jurisdiction", None)) if unit else qs


def plan_get(*, actor: Any, pk: int) -> InspectionPlan:
    plan = InspectionPlan.objects.filter(_reach_q(actor, None), pk=pk).first()
    if plan is None:
        raise NotFound()
    return plan


def visit_list(*, plan: InspectionPlan) -> QuerySet[InspectionVisit]:
    return InspectionVisit.objects.filter(jurisdiction_id=plan.jurisdiction_id, plan=plan).select_related("target")


def summary_states() -> list[str]:
    return list(SummaryState.values)


def disclosure_public(*, jurisdiction: str) -> QuerySet[Disclosure]:
    """The portal's decisions: published, not withdrawn, still inside their time online (disclosure.py)."""
    from township.enforcement.disclosure import disclosure_public_list

    return disclosure_public_list(jurisdiction=jurisdiction)


def penalty_item_public(*, jurisdiction: str) -> QuerySet[PenaltyItem]:
    """The penalty items a jurisdiction exercises, for the public page (Art 39)."""
    return PenaltyItem.objects.filter(jurisdiction_id=jurisdiction, active=True).order_by("code")


# --- people pickers -------------------------------------------------------------------------------------------------

PEOPLE_KINDS = {
    "officers": (Role.ENFORCEMENT_OFFICER,),
    "heads": (Role.LEADER,),
    "staff": STAFF_ROLES,
}


def people_choices(*, jurisdictions: list[str], kind: str, on: dt.date | None = None) -> list[tuple[int, str]]:
    """(user id, label) for a picker: the unit's enforcement officers with their valid credential numbers, its heads,
    or all its enforcement staff. Two queries, whatever the number of people."""
    from township.org.models import RoleGrant

    on = on or timezone.localdate()
    user_ids = (
        RoleGrant.objects.filter(jurisdiction_id__in=jurisdictions, role__in=PEOPLE_KINDS[kind])
        .values_list("user_id", flat=True)
        .distinct()
    )
    numbers: dict[int, list[str]] = {}
    if kind == "officers":
        for user_id, number in (
            Officer.objects.filter(jurisdiction_id__in=jurisdictions, active=True)
            .filter(credentials__revoked=False, credentials__valid_from__lte=on, credentials__valid_until__gte=on)
            .values_list("user_id", "credentials__number")
            .order_by("user_id", "credentials__number")
        ):
            numbers.setdefault(user_id, []).append(number)
    from township.org.models import User

    out = []
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("username"):
        label = user.full_name or user.username
        if kind == "officers":
            label = f"{label}（{'、'.join(numbers[user.pk])}）" if user.pk in numbers else f"{label}（无有效执法证）"
        out.append((user.pk, label))
    return out


def staff_user(*, jurisdiction: str, pk: Any, field: str = "approved_by") -> Any:
    """A user who holds an enforcement role in ``jurisdiction`` (an approver, a hearing chair). Nobody outside the
    unit can be named, whatever id is sent. Errors: user_not_found."""
    from township.core.errors import DomainError
    from township.org.models import User

    user = (
        User.objects.filter(pk=pk, is_active=True, grants__jurisdiction_id=jurisdiction, grants__role__in=STAFF_ROLES)
        .distinct()
        .first()
        if str(pk).isdigit()
        else None
    )
    if user is None:
        from django.utils.translation import gettext as _

        raise DomainError(Code.USER_NOT_FOUND, _("该人员不是本单位执法人员或负责人"), field=field)
    return user


def penalty_item_choices(*, jurisdictions: list[str]) -> list[tuple[int, str]]:
    """(id, "code name") of the units' penalty items, for the filing form."""
    return [
        (pk, f"{code} {name}")
        for pk, code, name in PenaltyItem.objects.filter(jurisdiction_id__in=jurisdictions)
        .order_by("code")
        .values_list("pk", "code", "name")
    ]


def penalty_item_in(*, jurisdiction: str, pk: Any) -> PenaltyItem | None:
    """The unit's penalty item ``pk`` (None for no item). Errors: item_outside."""
    from django.utils.translation import gettext as _

    from township.core.errors import DomainError

    if pk in (None, ""):
        return None
    item = PenaltyItem.objects.filter(jurisdiction_id=jurisdiction, pk=pk).first() if str(pk).isdigit() else None
    if item is None:
        raise DomainError(Code.ITEM_OUTSIDE, _("处罚事项不属于该单位"), field="item")
    return item


def officer_id_of(*, actor: Any, jurisdiction: str) -> int | None:
    """The actor's officer record in the unit (for "is this my visit"), or None."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return Officer.objects.filter(jurisdiction_id=jurisdiction, user=actor).values_list("pk", flat=True).first()


def preservation_pending_choices(*, penalty_case: PenaltyCase) -> list[tuple[int, str]]:
    """(id, "started — goods") of the case's preserved goods still awaiting a decision."""
    from township.enforcement.models import Preservation

    return [
        (p.pk, f"{p.started_on:%Y-%m-%d} {p.goods[:40]}（{p.decide_by:%Y-%m-%d}前决定）")
        for p in Preservation.objects.filter(
            jurisdiction_id=penalty_case.jurisdiction_id, penalty_case=penalty_case, outcome="pending"
        ).order_by("id")
    ]


def preservation_pending_get(*, penalty_case: PenaltyCase, pk: Any) -> Any:
    """One of the case's preserved goods awaiting a decision. Errors: not_found."""
    from township.enforcement.models import Preservation

    found = Preservation.objects.filter(
        jurisdiction_id=penalty_case.jurisdiction_id, penalty_case=penalty_case, pk=pk, outcome="pending"
    ).first()
    if found is None:
        raise NotFound()
    return found


def revocable_certificate_choices(*, penalty_case: PenaltyCase) -> list[tuple[int, str]]:
    """(id, "name identifier") of the party's valid certificates in the library: what a revocation can name."""
    return [(c.pk, f"{c.type_name} {c.identifier}") for c in revocable_certificates(penalty_case=penalty_case)]


def revocable_certificates(*, penalty_case: PenaltyCase, pks: Any = None) -> list[Any]:
    """The party's valid certificates (those among ``pks`` when given), oldest first."""
    subject = penalty_case.subject if penalty_case.subject_id is not None else None
    if subject is None:
        return []
    from township.certificates.selectors import certificates_for_subject

    qs = certificates_for_subject(subject).filter(status="valid")
    if pks is not None:
        qs = qs.filter(pk__in=[int(p) for p in pks])
    return list(qs.order_by("issued_at", "id"))


def penalty_case_certificates(*, penalty_case: PenaltyCase) -> dict[str, list[Any]]:
    """The party's certificates a revocation can name (valid, in the library) and those this case revoked
    (SPEC §3.9: a decision that revokes a licence names the certificate and revokes it in the library)."""
    from township.certificates.selectors import certificates_revoked_by_case

    return {
        "revocable": revocable_certificates(penalty_case=penalty_case),
        "revoked": list(certificates_revoked_by_case(penalty_case.case)),
    }


def remedy_list(*, penalty_case: PenaltyCase) -> list[Any]:
    """Every 行政复议 and 行政诉讼 recorded on the case, oldest first, replaced rows included (``replaced`` set on
    them): the case page shows the current ones and, struck through, what they corrected."""
    from township.enforcement.models import Remedy

    rows = list(
        Remedy.objects.filter(jurisdiction_id=penalty_case.jurisdiction_id, penalty_case=penalty_case)
        .select_related("recorded_by", "attachment")
        .order_by("received_on", "id")
    )
    replaced = {r.replaces_id for r in rows if r.replaces_id}
    for r in rows:
        r.replaced = r.pk in replaced
    return rows


def remedy_choices(*, penalty_case: PenaltyCase, pending: bool = False) -> list[tuple[int, str]]:
    """(id, "途径 机关 案号 · 收到日期 · 结果") of the case's current remedies (only those without a result when
    ``pending``)."""
    from django.utils.translation import gettext as _

    from township.enforcement.services import remedies_current

    rows = remedies_current(penalty_case)
    if pending:
        rows = rows.filter(result="")
    return [
        (
            r.pk,
            f"{r.get_kind_display()} {r.body} {r.number} · {r.received_on:%Y-%m-%d}"
            f" · {r.get_result_display() if r.result else _('尚未审结')}",
        )
        for r in rows
    ]
