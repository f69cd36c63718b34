"""Reads of the case engine. Every selector takes ``actor`` and scopes by jurisdiction (fail-closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from township.cases.models import Case, CaseEvent
from township.cases.types import CaseType, Visible, all_case_types, find_case_type
from township.core.errors import NotFound
from township.core.fetch import CompiledInstances
from township.core.frozen import INT_MARKER, FrozenQuery
from township.core.keys import plain_key
from township.org.models import User
from township.org.scoping import reach


def _type_scopes(actor: User | None) -> dict[str, Q]:
    """The ``visible`` filter of each case type that declares one (数据权限 of its records; the scopes they read
    are cached per request by ``township.org.scoping``)."""
    if actor is None or not actor.is_authenticated:
        return {}
    return {ct.key: ct.visible(actor) for ct in all_case_types() if ct.visible is not None}


def case_visible_q(actor: User | None) -> Q:
    """Cases the actor may see: any role reaching their jurisdiction — narrowed, for a case type that declares
    ``visible``, to what it allows (a department's events…) — or cases they own."""
    q = reach(actor).q("jurisdiction", "village")
    scoped = _type_scopes(actor)
    if scoped:
        narrowed = Q(pk__in=[])
        for key, visible in scoped.items():
            narrowed |= Q(case_type=key) & visible
        q = (q & ~Q(case_type__in=sorted(scoped))) | (q & narrowed)
    if actor is not None and actor.is_authenticated:
        q |= Q(owner_id=actor.pk)
    return q


def case_visible(actor: User | None, case: Case) -> bool:
    """``case_visible_q`` for one case already read: its owner, or a role reaching its unit — and, when its type
    declares ``visible``, that type's filter (one statement, on this case only)."""
    if actor is None or not actor.is_authenticated:
        return False
    if case.owner_id == actor.pk:
        return True
    if not reach(actor).covers(case.jurisdiction_id, case.village_id):
        return False
    case_type = find_case_type(case.case_type)
    if case_type is None or case_type.visible is None:
        return True
    return Case.objects.filter(case_type.visible(actor), pk=case.pk, jurisdiction_id=case.jurisdiction_id).exists()


# a case by its key with its units: compiled once per thread (township.core.frozen), it runs on every case action
_case_by_key: FrozenQuery[Case] = FrozenQuery(
    lambda pk: Case.objects.select_related("jurisdiction", "village").filter(pk=pk).order_by(), marker=INT_MARKER
)


def case_get(*, actor: User | None, pk: int, for_update: bool = False) -> Case:
    """One case the actor may see, else ``NotFound`` (a foreign and a missing case read the same). Read by its key,
    then checked (``case_visible``): the visibility filter of every case type at once (``case_visible_q``) is for
    lists — for one row it cost more to plan than to run. ``for_update`` locks the row once it is known visible."""
    case = _case_by_key.first(int(pk))
    if case is None or not case_visible(actor, case):
        raise NotFound()
    if for_update:
        case = Case.objects.select_for_update(of=("self",)).select_related("jurisdiction", "village").get(pk=pk)
    return case


@dataclass(frozen=True)
class Arm:
    """One (case type, state) pair the actor may act on, with its filter (jurisdictions reached, type scope)."""

    case_type: str
    state: str
    q: Q


def _arm_parts(actor: User | None) -> tuple[list[tuple[CaseType, str, Q]], Q]:
    """(case type, state, filter) of each staff arm without the type's own ``visible`` filter, and the owner part:
    the machines' roles by state (``CaseType.roles_by_state``) and the units the actor reaches with them — plain
    values (``Q`` of codes), a key of the arms with the types' ``Visible`` inputs."""
    parts: list[tuple[CaseType, str, Q]] = []
    owner_q = Q(pk__in=[])
    if actor is None or not actor.is_authenticated:
        return parts, owner_q
    for ct in all_case_types():
        for state_key, (roles, owner) in ct.roles_by_state().items():
            if roles:
                scope = reach(actor, roles)
                if scope.codes or scope.villages:
                    parts.append(
                        (ct, state_key, Q(case_type=ct.key, state=state_key) & scope.q("jurisdiction", "village"))
                    )
            if owner:
                owner_q |= Q(case_type=ct.key, state=state_key)
    return parts, owner_q & Q(owner_id=actor.pk)


def _arms_of(parts: list[tuple[CaseType, str, Q]], scoped: dict[str, Q]) -> list[Arm]:
    return [Arm(ct.key, st, q & scoped[ct.key] if ct.key in scoped else q) for ct, st, q in parts]


def actionable_arms(actor: User | None) -> tuple[list[Arm], Q]:
    """(staff arms, owner part) of the cases the actor may act on.

    Staff arms: one per (case_type, state) pair where the actor holds a role for some transition, in the reached
    jurisdictions — each one walks the ``cases_case_work`` index (jurisdiction, case_type, state, due_at, id) in
    due order — and narrowed by the type's ``visible`` filter. Owner part: pairs with an OWNER transition, on the
    actor's own cases. Built from the machines (small) and the actor's grants (small): set-based filters.
    """
    parts, owner_q = _arm_parts(actor)
    return _arms_of(parts, _type_scopes(actor)), owner_q


def actionable_parts(actor: User | None) -> tuple[Q, Q]:
    """(staff part, owner part) of the cases the actor may act on (the arms of ``actionable_arms`` ORed).

    They are kept apart so each can walk its own index in due order (an OR of the two makes PostgreSQL sort
    everything).
    """
    arms, owner_q = actionable_arms(actor)
    staff = Q(pk__in=[])
    for arm in arms:
        staff |= arm.q
    return staff, owner_q


def actionable_q(actor: User | None) -> Q:
    """Cases the actor may act on (staff roles in scope, or own cases with an owner transition)."""
    staff, owner = actionable_parts(actor)
    return staff | owner


WARNING_FILTERS = {"overdue", "red", "yellow", "normal", "paused"}


@dataclass
class Page:
    items: list[Case]
    next_cursor: str | None


def warning_q(level: str, now: datetime) -> Q:
    """Cases at warning ``level`` (normal / yellow / red / overdue / paused) at ``now``, as a filter on Case."""
    running = Q(due_at__isnull=False, clock_stopped_at__isnull=True, clock_paused_at__isnull=True)
    if level == "overdue":
        return running & Q(due_at__lt=now)
    if level == "red":
        return running & Q(due_at__gte=now, red_at__lte=now)
    if level == "yellow":
        return running & Q(red_at__gt=now, yellow_at__lte=now)
    if level == "normal":
        return running & Q(yellow_at__gt=now)
    if level == "paused":
        return Q(clock_paused_at__isnull=False, clock_stopped_at__isnull=True)
    return Q()


def _decode_cursor(cursor: str | None) -> tuple[datetime | None, int] | None:
    if not cursor:
        return None
    try:
        due_raw, pk_raw = cursor.split("_", 1)
        # a "+" of the offset arrives as a space when a client put the cursor into the URL unencoded
        due = datetime.fromisoformat(due_raw.replace(" ", "+")) if due_raw != "none" else None
        return due, int(pk_raw)
    except ValueError:
        return None


def _encode_cursor(case: Case) -> str:
    due = case.due_at.isoformat() if case.due_at else "none"
    return f"{due}_{case.pk}"


def _after_due_cursor(qs: QuerySet[Case], cursor: str | None) -> QuerySet[Case]:
    """Rows after ``cursor`` in (due time, nulls last; id) order (a damaged cursor starts at the first page)."""
    key = _decode_cursor(cursor)
    if key is None:
        return qs
    due, pk = key
    if due is None:
        return qs.filter(due_at__isnull=True, pk__gt=pk)
    return qs.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk) | Q(due_at__isnull=True))


def keyset_by_due(qs: QuerySet[Case], *, cursor: str | None = None, limit: int = 20) -> Page:
    """One keyset page of ``qs`` by due time (nulls last), then id."""
    ordered = _after_due_cursor(qs, cursor).select_related("jurisdiction", "village")
    rows = list(ordered.order_by(F("due_at").asc(nulls_last=True), "id")[: limit + 1])
    items = rows[:limit]
    return Page(items=items, next_cursor=_encode_cursor(items[-1]) if len(rows) > limit and items else None)


def workbench_list(
    *,
    actor: User | None,
    case_type: str | None = None,
    state: str | None = None,
    warning: str | None = None,
    search: str | None = None,
    jurisdiction: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
    now: datetime | None = None,
) -> Page:
    """我的待办: cases the actor may act on, across all case types, sorted by due time (keyset pages)."""
    now = now or timezone.now()
    qs: QuerySet[Case] = Case.objects.filter(closed_at__isnull=True)
    if case_type:
        qs = qs.filter(case_type=case_type)
    if state:
        qs = qs.filter(state=state)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if warning in WARNING_FILTERS:
        qs = qs.filter(warning_q(warning, now))
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(title__icontains=search))
    order = (F("due_at").asc(nulls_last=True), "id")
    qs = _after_due_cursor(qs, cursor)
    parts, owner_q = _arm_parts(actor)
    parts = [p for p in parts if (not case_type or p[0].key == case_type) and (not state or p[1] == state)]
    typed = _visible_inputs(actor, {ct.key: ct for ct, _st, _q in parts})
    if typed is None:
        rows = list(_first_by_due(qs, _arms_of(parts, _type_scopes(actor)), limit + 1, order))
    else:
        key = None
        if not (warning or search or cursor):
            key = plain_key([(ct.key, st, q) for ct, st, q in parts], typed, case_type, state, jurisdiction, limit)
        builds = {ct.key: ct.visible.build for ct, _st, _q in parts if isinstance(ct.visible, Visible)}

        def first_page() -> QuerySet[Case]:
            scoped = {k: builds[k](*inputs) for k, inputs in typed}  # from the inputs in the key alone
            return _first_by_due(qs, _arms_of(parts, scoped), limit + 1, order)

        rows = _FIRST_PAGES.list(key, first_page)
    if actor is not None and actor.is_authenticated and _owns_a_case.first(actor.pk) is not None:
        seen = {c.pk for c in rows}
        owned = qs.filter(owner_q).select_related("jurisdiction").order_by(*order)[: limit + 1]
        rows += [c for c in owned if c.pk not in seen]
        rows.sort(key=lambda c: (c.due_at is None, c.due_at or now, c.pk))
    rows = rows[: limit + 1]
    items = rows[:limit]
    next_cursor = _encode_cursor(items[-1]) if len(rows) > limit and items else None
    return Page(items=items, next_cursor=next_cursor)


MAX_ARMS = 400  # beyond this many (case type, state) pairs one ORed filter is cheaper to plan than a UNION


def _first_by_due(qs: QuerySet[Case], arms: list[Arm], n: int, order: tuple[Any, ...]) -> QuerySet[Case]:
    """The first ``n`` rows of ``qs`` in any of ``arms``, by due time: each arm is its own ``ORDER BY … LIMIT n``
    (an index walk of at most n rows on ``cases_case_work``), UNION ALL of their ids, and the n first of those
    read with their jurisdiction — one statement whatever the open caseload (issue 18: the ORed filter made
    PostgreSQL fetch and sort every actionable row of the town)."""
    if not arms:
        return Case.objects.none()
    if len(arms) > MAX_ARMS or connection.vendor != "postgresql":
        # SQLite cannot order and limit the members of a compound query; it plans the OR on one index anyway
        staff = Q(pk__in=[])
        for arm in arms:
            staff |= arm.q
        return qs.filter(staff).select_related("jurisdiction").order_by(*order)[:n]
    parts = [qs.filter(arm.q).order_by(*order).values("id")[:n] for arm in arms]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return Case.objects.filter(pk__in=union).select_related("jurisdiction").order_by(*order)[:n]


def _visible_inputs(actor: User | None, types: dict[str, CaseType]) -> list[tuple[str, tuple[Any, ...]]] | None:
    """The inputs of the ``visible`` filter of each of ``types`` that declares one, by type; None when one of them
    is not declared by its inputs (``Visible``): the statement then has no key."""
    typed = []
    for _key, ct in sorted(types.items()):
        if ct.visible is None:
            continue
        if not isinstance(ct.visible, Visible):
            return None
        typed.append((ct.key, ct.visible.inputs(actor)))
    return typed


# 我的待办's first page (the page most opened), compiled once per key of its inputs: the arms' units, the types'
# ``Visible`` inputs and the filters (building and compiling its union cost more than running it). ≈ 53 KB a page.
_FIRST_PAGES = CompiledInstances(256)
# whether the actor owns any case (a resident's or an enterprise's own applications in their 待办)
_owns_a_case: FrozenQuery[Case] = FrozenQuery(
    lambda pk: Case.objects.filter(owner_id=pk).only("pk").order_by(), marker=INT_MARKER
)


def case_list(*, actor: User | None, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    """All cases visible to the actor (not only actionable), newest first."""
    filters = filters or {}
    qs = Case.objects.filter(case_visible_q(actor)).select_related("jurisdiction")
    for key in ("case_type", "state", "jurisdiction_id", "finished_late"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs.order_by("-id")


def late_counts(*, actor: User | None, jurisdiction: str | None = None) -> dict[str, int]:
    """How many visible cases of each type were finished after their due time (超期办结), for supervision."""
    from django.db.models import Count

    qs = Case.objects.filter(case_visible_q(actor), finished_late=True)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    return {row["case_type"]: row["n"] for row in qs.values("case_type").annotate(n=Count("id")).order_by()}


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case, jurisdiction_id=case.jurisdiction_id).select_related("actor")


@dataclass
class LinkView:
    """One typed link seen from one case: the other case (None when it is outside the actor's scope — the link is
    shown, its content is not), the relation and the direction."""

    link_id: int
    kind: str
    kind_label: str
    direction: str  # "out": this case → other; "in": other → this case
    other_id: int
    other_number: str
    other_type_label: str
    other_state_label: str
    other_url: str | None
    visible: bool
    note: str
    created_at: datetime


def case_links(*, actor: User | None, case: Case) -> list[LinkView]:
    """The typed links of ``case`` both ways (the caller has already been allowed to see ``case``). The other side
    is named by number only when the actor may see it too (fail-closed: a 检举 item's target stays opaque)."""
    from township.cases.models import CaseLink, LinkKind
    from township.cases.types import find_case_type

    links = list(
        CaseLink.objects.filter(jurisdiction_id=case.jurisdiction_id)
        .filter(Q(source_id=case.pk) | Q(target_id=case.pk))
        .select_related("source")
        .prefetch_related("target")  # may lie in another town (transfer): read by id, not joined (Citus)
        .order_by("id")
    )
    if not links:
        return []
    others = {(lk.target if lk.source_id == case.pk else lk.source).pk for lk in links}
    seen = set(
        Case.objects.filter(case_visible_q(actor), pk__in=others, jurisdiction_id=case.jurisdiction_id).values_list(
            "pk", flat=True
        )
    )
    out: list[LinkView] = []
    for lk in links:
        outgoing = lk.source_id == case.pk
        other = lk.target if outgoing else lk.source
        ct = find_case_type(other.case_type)
        visible = other.pk in seen
        state_label = ct.machine.state_label(other.state) if ct is not None and visible else ""
        out.append(
            LinkView(
                link_id=lk.pk,
                kind=lk.kind,
                kind_label=str(LinkKind(lk.kind).label),
                direction="out" if outgoing else "in",
                other_id=other.pk,
                other_number=other.number if visible else "",
                other_type_label=str(ct.label) if ct is not None else other.case_type,
                other_state_label=state_label,
                other_url=(ct.url_for(other) if ct is not None else None) if visible else None,
                visible=visible,
                note=lk.note,
                created_at=lk.created_at,
            )
        )
    return out
