"""The case engine's services: the only way to open, move, assign, annotate or attach to a case."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases import clock, counts, numbering
from township.cases.errors import ConcurrentTransition, TransitionRefused
from township.cases.hashing import canonical, chain_hash, event_content
from township.cases.machine import OWNER, SYSTEM, Clock, Machine, Transition, Via, is_input_guard
from township.cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    CaseLink,
    ClockPause,
    EventKind,
    LinkKind,
)
from township.cases.registry import machine_for
from township.cases.types import CaseType, Intake, find_case_type
from township.cases.uploads import read_upload
from township.core.inserts import Rows, draw_id, insert_if_updated, insert_together, writes_in_with
from township.org.models import Department, Jurisdiction, User
from township.org.scoping import has_role


def _plain(data: dict[str, Any] | None) -> dict[str, Any]:
    """JSON-normalise event data so the stored value is exactly what was hashed."""
    plain: dict[str, Any] = json.loads(canonical(data or {}))
    return plain


def _event_row(
    case: Case,
    *,
    seq: int,
    prev: str,
    kind: str,
    actor: User | None,
    at: datetime,
    name: str,
    label: str,
    from_state: str,
    to_state: str,
    payload: dict[str, Any],
    comment: str,
) -> CaseEvent:
    """The timeline row of ``case`` at ``seq`` after ``prev``, hashed (not saved)."""
    content = event_content(
        case_id=case.pk,
        seq=seq,
        kind=kind,
        name=name,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor.pk if actor is not None else None,
        at=at,
        data=payload,
        comment=comment,
        jurisdiction_id=case.jurisdiction_id,
    )
    return CaseEvent(
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        seq=seq,
        kind=kind,
        name=name,
        label=str(label)[:64],
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        at=at,
        data=payload,
        comment=comment,
        prev_hash=prev,
        hash=chain_hash(prev, content),
    )


def _append(
    case: Case,
    *,
    kind: str,
    actor: User | None,
    at: datetime,
    name: str = "",
    label: str = "",
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
    comment: str = "",
    also: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one hash-chained event; the head moves under an optimistic check (retried).

    The head the caller's ``case`` holds is tried first (one conditional UPDATE); only when another event was
    appended meanwhile is the head read again. ``also``: further case columns set by the same UPDATE (and on
    ``case``), so that a change recorded on the timeline costs no statement of its own."""
    payload = _plain(data)
    head_seq, head_hash = case.head_seq, case.head_hash
    for _attempt in range(20):
        event = _event_row(
            case,
            seq=head_seq + 1,
            prev=head_hash,
            kind=kind,
            actor=actor,
            at=at,
            name=name,
            label=label,
            from_state=from_state,
            to_state=to_state,
            payload=payload,
            comment=comment,
        )
        moved = Case.objects.filter(jurisdiction_id=case.jurisdiction_id, pk=case.pk, head_seq=head_seq).update(
            head_seq=event.seq, head_hash=event.hash, **(also or {})
        )
        if not moved:
            head = (
                Case.objects.filter(jurisdiction_id=case.jurisdiction_id, pk=case.pk)
                .values("head_seq", "head_hash")
                .get()
            )
            head_seq, head_hash = head["head_seq"], head["head_hash"]
            continue
        event.save(force_insert=True)
        case.head_seq, case.head_hash = event.seq, event.hash
        for field, value in (also or {}).items():
            setattr(case, field, value)
        return event
    raise ConcurrentTransition()


def next_number(*, jurisdiction: Jurisdiction, machine: Machine, at: datetime) -> str:
    """白沙审〔2026〕000123: a counter per jurisdiction, case type and year, no gaps or duplicates.

    One statement (``INSERT … ON CONFLICT DO UPDATE SET last = last + 1 RETURNING last``, on PostgreSQL and
    SQLite alike): the row is created on first use and locked until the transaction ends, so two concurrent
    openings never get the same number and a rolled-back opening leaves no gap."""
    return _numbered(jurisdiction=jurisdiction, machine=machine, at=at)[0]


def _numbered(*, jurisdiction: Jurisdiction, machine: Machine, at: datetime) -> tuple[str, int | None]:
    """``next_number`` and the id the new case may take (drawn in the same statement; None if unknown)."""
    year = timezone.localtime(at).year
    last, case_id = counts.next_value(jurisdiction_id=jurisdiction.pk, case_type=machine.case_type, year=year)
    return f"{jurisdiction.display_short()}{machine.number_prefix}〔{year}〕{last:06d}", case_id


def case_open(
    *,
    case_type: str,
    jurisdiction: Jurisdiction | str,
    actor: User | None,
    title: str = "",
    village: Jurisdiction | str | None = None,
    owner: User | None = None,
    parent: Case | None = None,
    clock_unit: str | None = None,
    clock_limit: int | None = None,
    data: dict[str, Any] | None = None,
    opened_at: datetime | None = None,
    record: Callable[[Case], Rows] | None = None,
) -> Case:
    """Open a case of ``case_type`` in its machine's initial state and write the first timeline event.

    The clock starts here when a limit is given; otherwise a transition with ``Clock.START`` starts it.
    Everything is checked and computed first; the writes (number, case with its head, day count, first event:
    four statements) run in one transaction — inside a caller's transaction without a savepoint of their own. On
    PostgreSQL the number is taken last (``_open_numbered_last``; inside ``numbering.numbers_last`` at the scope's
    end): ``case.number`` is provisional until then.

    ``record``: the case type's own rows (its record pointing at the case, and what goes with it), given the new
    case (its id set, its number provisional on PostgreSQL) and written with it — in the statement of the case and
    its first event on PostgreSQL (``core.inserts.insert_together``), after them elsewhere. A row whose id the
    caller needs is in ``Rows.ids_of``; ``draw_ids_ahead`` draws it with the case's.
    """
    machine = machine_for(case_type)
    if isinstance(jurisdiction, str):
        jurisdiction = Jurisdiction.objects.get(pk=jurisdiction)
    if parent is not None and parent.jurisdiction_id != jurisdiction.pk:
        raise TransitionRefused("parent_jurisdiction", _("主件与子件必须属于同一辖区"))
    now = opened_at or timezone.now()
    case = Case(
        case_type=case_type,
        jurisdiction=jurisdiction,
        title=title[:200],
        state=machine.initial,
        owner=owner,
        parent=parent,
        created_by=actor,
        opened_at=now,
        clock_unit=clock_unit or "",
        clock_limit=clock_limit,
    )
    if isinstance(village, str):  # a code: the key is enough (the foreign key checks it), no read
        case.village_id = village
    else:
        case.village = village
    if clock_unit and clock_limit is not None:
        clock.start_clock(case, now, clock_unit, clock_limit)
    payload = _plain(data)

    def first_event() -> CaseEvent:
        return _event_row(
            case,
            seq=1,
            prev="",
            kind=EventKind.OPEN,
            actor=actor,
            at=now,
            name="open",
            label=str(machine.label),
            from_state="",
            to_state=case.state,
            payload=payload,
            comment="",
        )

    if counts.numbered_in_one_statement():
        _open_numbered_last(case, first_event, jurisdiction=jurisdiction, machine=machine, at=now, record=record)
        return case
    with transaction.atomic(savepoint=False):
        case.number, case.pk = _numbered(jurisdiction=jurisdiction, machine=machine, at=now)
        if case.pk is not None:  # the id is known: the case is inserted with the head of its timeline
            event = first_event()
            case.head_seq, case.head_hash = 1, event.hash
            case.save(force_insert=True)
        else:
            case.save(force_insert=True)
            event = first_event()
            # Nobody else can see the new case yet: the head moves without the optimistic check.
            Case.objects.filter(jurisdiction_id=case.jurisdiction_id, pk=case.pk).update(
                head_seq=1, head_hash=event.hash
            )
            case.head_seq, case.head_hash = 1, event.hash
        counts.bump(case, now, opened=1)
        event.save(force_insert=True)
        if record is not None:
            rows = record(case)
            insert_together(*rows.batches, ignore_conflicts=rows.ignore_conflicts, ids_of=rows.ids_of)
    return case


def _open_numbered_last(
    case: Case,
    first_event: Callable[[], CaseEvent],
    *,
    jurisdiction: Jurisdiction,
    machine: Machine,
    at: datetime,
    record: Callable[[Case], Rows] | None,
) -> None:
    """PostgreSQL: the case with the head of its timeline under a provisional number (its id drawn first), its
    first event, then — now, or at the end of the open ``numbering.numbers_last`` scope — its number and day count
    in one statement. Three statements (the id, the two rows together, the number); the town's counter is locked by
    the last one only."""
    year = timezone.localtime(at).year
    prefix = f"{jurisdiction.display_short()}{machine.number_prefix}〔{year}〕"

    def take_number() -> None:
        last = counts.number_and_count(case, prefix=prefix, year=year, at=at)
        if last is not None:  # else the case was rolled back with a savepoint: nothing taken
            case.number = f"{prefix}{last:06d}"

    with transaction.atomic(savepoint=False):
        case.pk = draw_id(Case)  # one drawn ahead by the caller if it did (core.inserts.draw_ids_ahead)
        case.number = numbering.provisional()
        event = first_event()
        case.head_seq, case.head_hash = 1, event.hash
        rows = record(case) if record is not None else Rows(())
        # one statement: the case with the head of its timeline, the entry, and the case type's record
        insert_together([case], [event], *rows.batches, ignore_conflicts=rows.ignore_conflicts, ids_of=rows.ids_of)
        if not numbering.later(take_number):
            take_number()


def _may_fire(case: Case, transition: Transition, actor: User | None) -> bool:
    if actor is None:
        return SYSTEM in transition.roles
    if OWNER in transition.roles and case.owner_id is not None and case.owner_id == actor.pk:
        return True
    staff_roles = [r for r in transition.roles if r not in (OWNER, SYSTEM)]
    village = case.village_id
    return bool(staff_roles) and has_role(actor, case.jurisdiction_id, staff_roles, village)


def _finished_late(case: Case, now: datetime) -> bool:
    """Whether the clock stops after the due time (a pause still running at the stop does not count against it)."""
    if case.due_at is None:
        return False
    counted_until = case.clock_paused_at or now
    return counted_until > case.due_at


def _check_authority(case: Case, transition: Transition, actor: User | None, by: CaseType | None) -> None:
    """A ``service`` edge moves only by its own case type's services; a ``system`` edge only by its timed work."""
    if transition.via is Via.BUTTON:
        return
    owner = find_case_type(case.case_type)
    if by is None or owner is None or by is not owner:
        code = "transition_service_only" if transition.via is Via.SERVICE else "transition_system_only"
        raise TransitionRefused(code, transition=str(transition.label))
    if transition.via is Via.SYSTEM and actor is not None:
        raise TransitionRefused("transition_system_only", transition=str(transition.label))


def check_transition(
    case: Case,
    name: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
    *,
    by: CaseType | None = None,
    dry_run: bool = False,
    facts: dict[str, Any] | None = None,
) -> Transition:
    """Run every check of ``case_transition`` without writing anything.

    ``dry_run`` (for buttons) skips the guards that check the input of a step (``machine.needs_input``) and the
    authority check (the caller asks whether the step *can* succeed through its action). The guards see the case
    type's facts (``CaseType.facts``, read here unless given) under the given data.
    """
    machine = machine_for(case.case_type)
    transition = machine.transition(name)
    if transition is None:
        raise TransitionRefused("transition_unknown")
    if case.state not in transition.sources:
        raise TransitionRefused(
            "transition_not_allowed", state=machine.state_label(case.state), transition=str(transition.label)
        )
    if not dry_run:
        _check_authority(case, transition, actor, by)
    if not _may_fire(case, transition, actor):
        raise TransitionRefused("role_required", transition=str(transition.label))
    if facts is None:  # the buttons of one page pass the facts they read once
        owner = find_case_type(case.case_type)
        facts = owner.facts_for(case) if owner is not None else {}
    seen = {**facts, **(data or {})}
    for guard in transition.guards:
        if dry_run and is_input_guard(guard):
            continue
        guard(case, actor, seen)
    return transition


def available_transitions(case: Case, actor: User | None) -> list[Transition]:
    """Button edges the actor may fire now by state and role (guards are checked on firing)."""
    machine = machine_for(case.case_type)
    return [t for t in machine.available(case.state) if t.via is Via.BUTTON and _may_fire(case, t, actor)]


def case_transition(
    *,
    case: Case,
    name: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
    comment: str = "",
    at: datetime | None = None,
    by: CaseType | None = None,
) -> CaseEvent:
    """Move ``case`` along transition ``name``. The one way a case changes state.

    ``by`` is the authority of the case type's own services (pass it through ``CaseType.fire``): a ``service`` or
    ``system`` edge fired without it — from the generic page, ``POST /api/v1/cases/{id}/transitions`` or another
    app — is refused with ``transition_service_only`` / ``transition_system_only``.

    Refuses (``TransitionRefused`` with a stable code and a Chinese message) a transition not allowed
    from the current state, by an actor without the role in the case's jurisdiction, or refused by a
    guard; of two concurrent transitions exactly one wins (``ConcurrentTransition`` for the other).
    Error codes: transition_unknown, transition_service_only, transition_system_only, transition_not_allowed,
    role_required, concurrent_transition, and the guards' own codes.

    Every check and the new clock are computed before anything is written; then one UPDATE moves the state, the
    version and the head of the timeline together (under the version and head checks), and one INSERT appends
    the event — plus a pause row or a day count when the step pauses the clock or closes the case. Inside a
    caller's transaction no savepoint of its own is taken: a refusal is raised before the first write.
    """
    data = dict(data or {})
    transition = check_transition(case, name, actor, data, by=by)
    machine = machine_for(case.case_type)
    now = at or timezone.now()
    from_state = case.state
    pause: ClockPause | None = None
    resumed = False
    before = {f: getattr(case, f) for f in _CLOCK_FIELDS}

    if transition.clock is Clock.START:
        spec = data.get("clock") or {}
        clock.start_clock(case, now, spec.get("unit"), spec.get("limit"))
    elif transition.clock is Clock.PAUSE:
        if case.clock_paused_at is None:
            case.clock_paused_at = now
            pause = ClockPause(
                case=case,
                jurisdiction_id=case.jurisdiction_id,
                reason=data.get("pause_reason") or transition.pause_reason,
                note=str(data.get("pause_note", ""))[:255],
                started_at=now,
                started_by=actor,
            )
    elif transition.clock is Clock.RESUME:
        if case.clock_paused_at is not None:
            clock.shift_for_pause(case, case.clock_paused_at, now)
            case.clock_paused_at = None
            resumed = True
    elif transition.clock is Clock.STOP:
        case.clock_stopped_at = now
    terminal = machine.is_terminal(transition.target)
    if terminal:
        case.closed_at = now
        if case.clock_stopped_at is None and case.due_at is not None:
            case.clock_stopped_at = now
    late = _finished_late(case, now) if case.clock_stopped_at == now else False
    if late:
        case.finished_late = True
    changes: dict[str, Any] = {"state": transition.target, "version": case.version + 1, "updated_at": now}
    changes.update({f: getattr(case, f) for f in _CLOCK_FIELDS})

    event_data = {k: v for k, v in data.items() if k != "clock"}
    if transition.clock is not Clock.NONE:
        event_data["clock_effect"] = transition.clock.value
        if case.due_at:
            event_data["due_at"] = case.due_at.isoformat()
    if pause is not None:
        event_data["pause_reason"] = pause.reason
    if late:
        event_data["late"] = True  # 超期办结: a fact of the case, kept after it closes
    payload = _plain(event_data)

    head_seq, head_hash = case.head_seq, case.head_hash
    event: CaseEvent | None = None
    # PostgreSQL: the case's UPDATE and the event's INSERT are one statement (core/inserts.insert_if_updated); a
    # step that writes nothing else, fired outside a transaction (the API's button step), then needs none.
    together = writes_in_with()
    alone = together and not transaction.get_connection().in_atomic_block and not (pause or resumed or terminal)
    with contextlib.nullcontext() if alone else transaction.atomic(savepoint=False):
        for _attempt in range(20):
            candidate = _event_row(
                case,
                seq=head_seq + 1,
                prev=head_hash,
                kind=EventKind.TRANSITION,
                actor=actor,
                at=now,
                name=transition.name,
                label=str(transition.label),
                from_state=from_state,
                to_state=transition.target,
                payload=payload,
                comment=comment,
            )
            key = {
                "jurisdiction_id": case.jurisdiction_id,
                "pk": case.pk,
                "version": case.version,
                "head_seq": head_seq,
            }
            head = {"head_seq": candidate.seq, "head_hash": candidate.hash}
            if together:  # the event written in the same statement, when the update matched
                moved = insert_if_updated(Case, key, changes | head, candidate)
            else:
                moved = Case.objects.filter(**key).update(**changes, **head) == 1
            if moved:
                event = candidate
                break
            # Either someone moved the case (its version changed: we lose) or only noted something on its
            # timeline meanwhile (same version, the head moved: chain after it).
            fresh = (
                Case.objects.filter(jurisdiction_id=case.jurisdiction_id, pk=case.pk)
                .values("version", "head_seq", "head_hash")
                .first()
            )
            if fresh is None or fresh["version"] != case.version:
                break
            head_seq, head_hash = fresh["head_seq"], fresh["head_hash"]
        if event is not None:
            if resumed:
                ClockPause.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now, ended_by=actor)
            if pause is not None:
                pause.save(force_insert=True)
            if terminal:
                counts.bump(case, now, closed=1, closed_late=1 if case.finished_late else 0)
            if not together:
                event.save(force_insert=True)
    if event is None:
        for field, value in before.items():  # the caller's instance as it was read
            setattr(case, field, value)
        raise ConcurrentTransition()
    case.state = transition.target
    case.version += 1
    case.updated_at = now
    case.head_seq, case.head_hash = event.seq, event.hash
    return event


_CLOCK_FIELDS = (
    "clock_unit",
    "clock_limit",
    "clock_started_at",
    "clock_paused_at",
    "clock_stopped_at",
    "due_at",
    "yellow_at",
    "red_at",
    "closed_at",
    "finished_late",
    "due_provisional",
)


def _ensure_open(case: Case) -> None:
    if case.closed_at is not None:
        raise TransitionRefused("case_closed")


@transaction.atomic
def case_link(*, source: Case, target: Case, kind: str, actor: User | None, note: str = "") -> CaseLink:
    """Link two cases of the same town with a typed link and note it on both timelines (the origin stays visible
    from either side). Refuses a self-link, a link across towns and the same link twice."""
    if source.pk == target.pk:
        raise TransitionRefused("link_self")
    if source.jurisdiction_id != target.jurisdiction_id:
        raise TransitionRefused("link_cross_unit")
    if CaseLink.objects.filter(
        jurisdiction_id=source.jurisdiction_id, source=source, target=target, kind=kind
    ).exists():
        raise TransitionRefused("link_exists")
    link = CaseLink.objects.create(
        jurisdiction_id=source.jurisdiction_id,
        source=source,
        target=target,
        kind=kind,
        note=note[:200],
        created_by=actor,
        created_at=timezone.now(),
    )
    kind_label = str(LinkKind(kind).label)
    data = {"link": link.pk, "kind": kind, "source": source.pk, "target": target.pk}
    case_note(
        case=source,
        actor=actor,
        name="link_out",
        label=_("%(kind)s至 %(number)s") % {"kind": kind_label, "number": target.number},
        data=data,
        comment=note,
    )
    case_note(
        case=target,
        actor=actor,
        name="link_in",
        label=_("由 %(number)s %(kind)s而来") % {"kind": kind_label, "number": source.number},
        data=data,
        comment=note,
    )
    return link


@transaction.atomic
def case_forward(*, intake: Intake, case_type: str, kind: str = "forwarded", note: str = "") -> Case:
    """Forward ``intake.origin`` to ``case_type``: the receiving type creates its case from the intake (its own
    service and checks), and both are linked in the same transaction (nothing half-forwarded)."""
    target_type = find_case_type(case_type)
    if target_type is None or target_type.intake is None:
        label = target_type.label if target_type is not None else case_type
        raise TransitionRefused("forward_unsupported", case_type=label)
    created = target_type.intake(intake)
    case_link(source=intake.origin, target=created, kind=kind, actor=intake.actor, note=note)
    return created


@transaction.atomic
def case_note(
    *,
    case: Case,
    actor: User | None,
    kind: str = EventKind.NOTE,
    name: str = "",
    label: str = "",
    data: dict[str, Any] | None = None,
    comment: str = "",
) -> CaseEvent:
    """Record a domain fact on the timeline without changing state (reuse of a library item, a call-back…)."""
    return _append(case, kind=kind, actor=actor, at=timezone.now(), name=name, label=label, data=data, comment=comment)


@transaction.atomic
def case_assign(
    *,
    case: Case,
    actor: User | None,
    assignee: User | None = None,
    department: Department | None = None,
    role: str = "lead",
    comment: str = "",
) -> Assignment:
    _ensure_open(case)
    now = timezone.now()
    if role == "lead":
        Assignment.objects.filter(case=case, role="lead", ended_at__isnull=True).update(ended_at=now)
    assignment = Assignment.objects.create(
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        assignee=assignee,
        department=department,
        role=role,
        assigned_by=actor,
        assigned_at=now,
    )
    _append(
        case,
        kind=EventKind.ASSIGN,
        actor=actor,
        at=now,
        name="assign",
        label=_("指派"),
        data={
            "assignee": assignee.pk if assignee else None,
            "assignee_name": assignee.display_name if assignee else "",
            "department": department.pk if department else None,
            "department_name": department.name if department else "",
            "role": role,
        },
        comment=comment,
        # The lead (承办) kept on the case: the warnings center groups open cases by it without the assignments.
        also={"lead_department": department, "lead_assignee": assignee} if role == "lead" else None,
    )
    return assignment


@transaction.atomic
def case_pause(*, case: Case, actor: User | None, reason: str, note: str = "") -> ClockPause:
    """Stop the clock outside a transition (e.g. 检验检测 during review), with a reason on the timeline."""
    _ensure_open(case)
    if case.clock_paused_at is not None:
        raise TransitionRefused("clock_already_paused")
    now = timezone.now()
    if Case.objects.filter(pk=case.pk, version=case.version).update(clock_paused_at=now, version=case.version + 1) != 1:
        raise ConcurrentTransition()
    case.version += 1
    case.clock_paused_at = now
    pause = ClockPause.objects.create(
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        reason=reason,
        note=note[:255],
        started_at=now,
        started_by=actor,
    )
    _append(
        case,
        kind=EventKind.PAUSE,
        actor=actor,
        at=now,
        name="pause",
        label=_("暂停计时"),
        data={"reason": reason, "reason_label": str(pause.get_reason_display())},
        comment=note,
    )
    return pause


@transaction.atomic
def case_resume(*, case: Case, actor: User | None, note: str = "") -> Case:
    _ensure_open(case)
    if case.clock_paused_at is None:
        raise TransitionRefused("clock_not_paused")
    now = timezone.now()
    paused_from = case.clock_paused_at
    clock.shift_for_pause(case, paused_from, now)
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        clock_paused_at=None,
        due_at=case.due_at,
        yellow_at=case.yellow_at,
        red_at=case.red_at,
        due_provisional=case.due_provisional,
        version=case.version + 1,
    )
    if updated != 1:
        raise ConcurrentTransition()
    case.version += 1
    case.clock_paused_at = None
    ClockPause.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now, ended_by=actor)
    _append(
        case,
        kind=EventKind.RESUME,
        actor=actor,
        at=now,
        name="resume",
        label=_("恢复计时"),
        data={"paused_from": paused_from.isoformat(), "due_at": case.due_at.isoformat() if case.due_at else None},
        comment=note,
    )
    return case


@transaction.atomic
def case_extend(*, case: Case, actor: User | None, amount: int, reason: str, approved_by: User | None) -> Case:
    """Extend the deadline by ``amount`` units of the case's clock, recording who approved it and why."""
    _ensure_open(case)
    if amount <= 0 or not reason.strip() or approved_by is None:
        raise TransitionRefused("extension_invalid")
    old_due = case.due_at
    clock.extend(case, amount)
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        due_at=case.due_at,
        clock_limit=case.clock_limit,
        due_provisional=case.due_provisional,
        version=case.version + 1,
    )
    if updated != 1:
        raise ConcurrentTransition()
    case.version += 1
    _append(
        case,
        kind=EventKind.EXTEND,
        actor=actor,
        at=timezone.now(),
        name="extend",
        label=_("延长期限"),
        data={
            "amount": amount,
            "unit": case.clock_unit,
            "approved_by": approved_by.pk,
            "approved_by_name": approved_by.display_name,
            "old_due_at": old_due.isoformat() if old_due else None,
            "due_at": case.due_at.isoformat() if case.due_at else None,
        },
        comment=reason,
    )
    return case


@transaction.atomic
def case_attach(*, case: Case, actor: User | None, uploaded_file: Any, purpose: str = "") -> Attachment:
    """Store an upload: size limit, content type sniffed from the bytes (not the name), SHA-256 recorded
    (``cases.uploads``)."""
    _ensure_open(case)
    upload = read_upload(uploaded_file)
    name, mime, sha, total = upload.name, upload.content_type, upload.sha256, upload.size
    attachment = Attachment(
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        name=name,
        content_type=mime,
        size=total,
        sha256=sha,
        purpose=purpose[:64],
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(name, ContentFile(upload.content), save=False)
    attachment.save()
    _append(
        case,
        kind=EventKind.ATTACH,
        actor=actor,
        at=attachment.uploaded_at,
        name="attach",
        label=_("上传附件"),
        data={
            "attachment": attachment.pk,
            "name": name,
            "sha256": sha,
            "size": total,
            "type": mime,
            "purpose": purpose,
        },
    )
    return attachment
