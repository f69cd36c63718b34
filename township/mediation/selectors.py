"""Scoped reads of mediation (fail-closed: a row outside the actor's reach is "not found"), the facts the guards
read, and the statistics."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from township.cases.selectors import case_visible_q
from township.core.errors import NotFound
from township.mediation.models import (
    Agreement,
    Committee,
    CommitteeMember,
    Confirmation,
    DisputeType,
    Mediation,
    Outcome,
    Party,
    Recusal,
    Signature,
)
from township.org.models import Jurisdiction

if TYPE_CHECKING:
    from township.org.units import UnitChoice


def committee_list(*, actor: Any, village: str | None = None) -> QuerySet[Committee]:
    qs = Committee.objects.for_actor(actor).select_related("village").order_by("village_id", "id")
    if village:
        qs = qs.filter(village_id=village)
    return qs


def committee_get(*, actor: Any, pk: int) -> Committee:
    found = committee_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def committee_for_village(*, jurisdiction: str, village: str | None) -> Committee | None:
    if not village:
        return None
    return (
        Committee.objects.filter(jurisdiction_id=jurisdiction, village_id=village, active=True).order_by("id").first()
    )


def member_ids(committee_id: int) -> list[int]:
    return list(
        CommitteeMember.objects.filter(committee_id=committee_id, active=True).values_list("user_id", flat=True)
    )


def mediation_qs(actor: Any) -> QuerySet[Mediation]:
    """Mediations whose case the actor may see (the engine's tenant reach, village-limited grants included)."""
    visible = case_visible_q(actor)
    from township.cases.models import Case

    return Mediation.objects.filter(case__in=Case.objects.filter(visible)).select_related(
        "case", "village", "committee", "mediator"
    )


def mediation_get(*, actor: Any, pk: int) -> Mediation:
    found = mediation_qs(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def mediation_list(
    *,
    actor: Any,
    q: str = "",
    state: str = "",
    village: str = "",
    dispute_type: str = "",
    source: str = "",
    outcome: str = "",
    start: date | None = None,
    end: date | None = None,
    unit: UnitChoice | None = None,
) -> QuerySet[Mediation]:
    """Mediations in the actor's scope under the filters; ``unit``: the unit tree's choice (narrows, never widens)."""
    qs = mediation_qs(actor)
    if unit:
        qs = qs.filter(unit.q("jurisdiction", "village"))
    if q:
        qs = qs.filter(
            Q(case__number__icontains=q)
            | Q(summary__icontains=q)
            | Q(case__title__icontains=q)
            | Q(parties__name__icontains=q)
        ).distinct()
    if state:
        qs = qs.filter(case__state=state)
    if village:
        qs = qs.filter(village_id=village)
    if dispute_type:
        qs = qs.filter(dispute_type=dispute_type)
    if source:
        qs = qs.filter(source=source)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if start:
        qs = qs.filter(received_on__gte=start)
    if end:
        qs = qs.filter(received_on__lte=end)
    return qs.order_by("-id")


def agreement_of(mediation: Mediation) -> Agreement | None:
    return Agreement.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).first()


def confirmation_of(mediation: Mediation) -> Confirmation | None:
    return Confirmation.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).first()


def facts(mediation: Mediation) -> dict[str, Any]:
    """What the guards read: parties and consent, the mediator, the committee's members, those recused, the
    agreement (form, Art 29 parts, signatures, seal, effective date) and the failure notice."""
    jur = mediation.jurisdiction_id
    parties = [
        {"id": p.pk, "side": p.side, "name": p.name, "consent": p.consent}
        for p in Party.objects.filter(jurisdiction_id=jur, mediation=mediation).order_by("id")
    ]
    agreement = agreement_of(mediation)
    agreement_facts: dict[str, Any] = {}
    if agreement is not None:
        signatures = list(Signature.objects.filter(jurisdiction_id=jur, agreement=agreement))
        agreement_facts = {
            "form": agreement.form,
            "facts": agreement.facts,
            "issues": agreement.issues,
            "responsibilities": agreement.responsibilities,
            "content": agreement.content,
            "performance": agreement.performance,
            "performance_deadline": agreement.performance_deadline.isoformat()
            if agreement.performance_deadline
            else "",
            "signed_parties": [s.party_id for s in signatures if s.party_id],
            "mediator_signed": any(s.party_id is None for s in signatures),
            "sealed": agreement.sealed_document_id is not None or bool(agreement.sealed_on),
            "effective_on": agreement.effective_on.isoformat() if agreement.effective_on else "",
        }
    return {
        "parties": parties,
        "mediator": mediation.mediator_id,
        "members": member_ids(mediation.committee_id),
        "recused": list(
            Recusal.objects.filter(jurisdiction_id=jur, mediation=mediation).values_list("mediator_id", flat=True)
        ),
        "agreement": agreement_facts,
        "routes_notice": mediation.routes_notice,
        "routes_told_on": mediation.routes_told_on.isoformat() if mediation.routes_told_on else "",
    }


def statistics(*, actor: Any, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Counts by village, dispute type and outcome, and the success rate (达成协议 / 已终结)."""
    rows = list(mediation_list(actor=actor, start=start, end=end).values_list("village_id", "dispute_type", "outcome"))
    names = dict(Jurisdiction.objects.filter(code__in={r[0] for r in rows}).values_list("code", "name"))
    by_village: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    success_by_village: Counter[str] = Counter()
    ended_by_village: Counter[str] = Counter()
    for village, dtype, outcome in rows:
        by_village[village] += 1
        by_type[dtype] += 1
        by_outcome[outcome or ""] += 1
        if outcome:
            ended_by_village[village] += 1
            if outcome in (Outcome.AGREEMENT_WRITTEN, Outcome.AGREEMENT_ORAL):
                success_by_village[village] += 1
    type_labels = dict(DisputeType.choices)
    outcome_labels = {**dict(Outcome.choices), "": "办理中"}
    ended = sum(ended_by_village.values())
    success = sum(success_by_village.values())
    return {
        "total": len(rows),
        "ended": ended,
        "success": success,
        "success_rate": round(100 * success / ended, 1) if ended else None,
        "by_village": [
            {
                "village": code,
                "name": names.get(code, code),
                "count": n,
                "ended": ended_by_village[code],
                "success": success_by_village[code],
            }
            for code, n in sorted(by_village.items())
        ],
        "by_type": [{"key": k, "label": str(type_labels.get(k, k)), "count": n} for k, n in by_type.most_common()],
        "by_outcome": [
            {"key": k, "label": str(outcome_labels.get(k, k)), "count": n} for k, n in by_outcome.most_common()
        ],
    }
