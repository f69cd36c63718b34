"""The case-type contract: one typed object per case type, declared by its app (issue 10).

A capability app declares its case type in ``<app>/case_type.py``::

    EVENT = CaseType(
        machine=MACHINE,                       # states and transitions (machine.py)
        record=Event,                          # the domain record holding ``case = OneToOneField(Case)``
        page="grid:case",                      # the case page (url name reversed with the case id, or a callable)
        actions=(Action("dispatch", _("派遣"), handler=..., form=DispatchForm, transition="dispatch"), …),
        timed=(TimedJob("grid.escalations", escalate, 300),),
        menu=(MenuEntry(_("调度台"), "grid:desk", roles=(Role.DISPATCHER,), order=30),),
        facts=lambda case: {"source": …},      # what the guards need to know, as data
        visible=Visible(inputs, build),        # optional: its cases the actor may see (数据权限 of its records)
    )

and registers it in ``AppConfig.ready`` with :func:`register_case_type`. From it the engine derives, for every case
type, the buttons (:func:`township.cases.actions.actions_for`), the one dispatch (:func:`~township.cases.actions.act`),
one UI URL (``/cases/<id>/actions/<name>/``), one API operation per action (``/api/v1/cases/{id}/actions/{name}``),
the 我的待办 link, the left menu and the timed jobs. It is also the *authority* that fires the machine's ``service``
and ``system`` edges: ``case_type.fire(...)`` passes itself to ``case_transition``, which refuses such an edge fired
any other way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from township.cases.machine import OWNER, SYSTEM, Machine, Transition, Via

if TYPE_CHECKING:
    from django import forms
    from django.db import models
    from django.db.models import Q

    from township.cases.models import Case, CaseEvent

Handler = Callable[[Any, Any, dict[str, Any], Any], Any]  # (record, actor, cleaned data, files) -> result


@dataclass(frozen=True)
class Action:
    """One step a person can take on a case: a button on every page, a form, one API operation.

    ``transition`` names the machine edge the handler fires (its roles and source states are the defaults of
    ``roles`` and ``states``); an action that fires no edge (a note, a document, a hearing request…) gives
    ``roles`` and ``states`` itself. ``handler(record, actor, data, files)`` calls the app's service; ``data`` is the
    cleaned data of ``form`` (a Django form class: the same form validates the web post and the API body, and its
    fields give the API's input schema). ``form_kwargs(case, actor)`` adds constructor arguments (choices of people
    of the case's unit…). ``precheck(record, actor)`` is a pure dry run of the facts that must hold, raising
    ``DomainError`` with the reason shown beside a disabled button. ``applies(record, actor)`` hides an action that
    has no object on this case at all (no 容缺 materials to supply, no duplicate nearby…) instead of showing it
    disabled.
    """

    name: str
    label: str | Promise
    handler: Handler
    form: type[forms.Form] | None = None
    transition: str | None = None
    roles: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    form_kwargs: Callable[[Any, Any], dict[str, Any]] | None = None
    precheck: Callable[[Any, Any], None] | None = None
    applies: Callable[[Any, Any], bool] | None = None
    danger: bool = False  # shown in red, asks for confirmation
    help: str | Promise = ""
    cite: str | Promise = ""
    success: str | Promise = ""  # the message shown after it succeeds (default: "<label>：已完成")


@dataclass(frozen=True)
class Intake:
    """What another case type hands over when it forwards a matter to this one (社情民意 → 12345 / 信访 / 网格事件 /
    调解 …). ``origin`` is the forwarding case; the receiving type's ``intake`` creates its own case from it (through
    its own services, with its own checks) and returns the new ``Case``; the engine links the two
    (``township.cases.services.case_forward``)."""

    origin: Case
    actor: Any
    title: str
    description: str = ""
    village: Any = None
    person_name: str = ""
    person_phone: str = ""
    location: tuple[float, float] | None = None  # (longitude, latitude), WGS-84
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """An evaluation indicator (考核指标) a case type registers: ``compute(jurisdiction_ids, start, end)`` returns
    ``(numerator, denominator)`` over the cases of those units in the half-open period [start, end); the rate is
    numerator / denominator (None when the denominator is 0). Formulas are documented where they are declared and
    tested against hand-computed figures; the command center's evaluation reads every case type's indicators
    through :func:`all_indicators`."""

    key: str
    label: str | Promise
    compute: Callable[[Sequence[str], datetime, datetime], tuple[int, int]]
    higher_is_better: bool = True
    formula: str | Promise = ""  # human-readable formula, e.g. 「按时办结数 / 办结数」
    # Optional: the same figures grouped by "unit" (town), "department" or "person" (the case's 承办 department /
    # person): ``grouped(jurisdiction_ids, start, end, by) -> {group key: (numerator, denominator)}``.
    grouped: Callable[[Sequence[str], datetime, datetime, str], dict[Any, tuple[int, int]]] | None = None
    # The groups ``grouped`` answers besides the town: "department" and "person" for every grouped indicator, and
    # what the record adds ("window" — the hall's 窗口号 —, "grid").
    groups: tuple[str, ...] = ("department", "person")
    # Names of the record's own groups: ``group_names(group, keys) -> {key: name}`` (a grid's name, 「3号窗口」).
    group_names: Callable[[str, Sequence[Any]], dict[Any, str]] | None = None


@dataclass(frozen=True)
class TimedJob:
    name: str
    fn: Callable[[datetime], dict[str, Any]]
    every_seconds: int = 60


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...] | None = None
    order: int = 100
    group: str | None = None  # the menu group (township.core.navigation); None: placed by the URL name


@dataclass(frozen=True)
class Visible:
    """A case type's ``visible`` filter declared by its inputs: ``inputs(actor)`` answers everything of the actor the
    filter reads, as plain values (``core.keys.plain_key``: codes, ids, ``Q`` of them), and ``build(*inputs)`` the
    filter from those alone. Called with an actor it is the filter. Because the inputs are a complete key of the
    filter, the engine keeps the statements built with it per key (the workbench: ``cases.selectors``); a plain
    callable there instead gives no key, and the statement is built each time."""

    inputs: Callable[[Any], tuple[Any, ...]]
    build: Callable[..., Q]

    def __call__(self, actor: Any) -> Q:
        return self.build(*self.inputs(actor))


@dataclass
class CaseType:
    machine: Machine
    record: type[models.Model] | None = None
    page: str | Callable[[Any], str] | None = None
    actions: Sequence[Action] = ()
    timed: Sequence[TimedJob] = ()
    menu: Sequence[MenuEntry] = ()
    facts: Callable[[Any], dict[str, Any]] | None = None
    # The cases of this type ``actor`` may see, as a ``Q`` on Case (e.g. by the department its records are
    # dispatched to); the engine ANDs it with the tenant scope in every case list, page and the workbench.
    # None: every case of the type in the actor's reach. Declared as ``Visible(inputs, build)``, the statements
    # that read it are kept per key of its inputs.
    visible: Visible | Callable[[Any], Q] | None = None
    # Accepts a matter forwarded from another case type: ``intake(Intake) -> Case`` (None: not a forward target).
    intake: Callable[[Intake], Case] | None = None
    # The reply this case type owes the public once given, from its record ("" before): shown on the follow-up
    # pages of the matters forwarded to it (a resident's 社情民意 → its 12345 order's 办结 reply).
    public_reply: Callable[[Any], str] | None = None
    # 考核指标 this case type contributes to the evaluation (响应率, 按时办结率 …).
    indicators: Sequence[Indicator] = ()
    record_case_field: str = "case"
    declared_at_startup: bool = field(default=False, init=False)
    _actions: dict[str, Action] = field(default_factory=dict, init=False, repr=False)
    _held: dict[str, tuple[frozenset[str], bool]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        declared = {a.name: a for a in self.actions}
        if len(declared) != len(self.actions):
            raise ValueError(f"case type {self.key!r} declares an action name twice")
        covered = {a.transition for a in self.actions if a.transition}
        # A button edge without its own action is offered as a plain action that fires it (comment only).
        for t in self.machine.transitions:
            if t.via is Via.BUTTON and t.name not in covered and t.name not in declared:
                declared[t.name] = _button_action(t)
        self._actions = declared
        self._held = self._roles_by_state()

    def _roles_by_state(self) -> dict[str, tuple[frozenset[str], bool]]:
        """State → (the staff roles that may act in it, whether its owner may): every action (its roles in its
        states), and every edge a person fires from a domain page."""
        by_state: dict[str, set[str]] = {st.key: set() for st in self.machine.states}
        for action in self.all_actions():
            for st in self.states_of(action):
                by_state.setdefault(st, set()).update(self.roles_of(action))
        for t in self.machine.transitions:
            if t.via is not Via.SYSTEM:
                for st in t.sources:
                    by_state.setdefault(st, set()).update(t.roles)
        # the states as plain text (a TextChoices or StrEnum member is its value): they go into cache keys
        return {
            str(st): (frozenset(str(r) for r in held if r not in (OWNER, SYSTEM)), OWNER in held)
            for st, held in by_state.items()
        }

    def roles_by_state(self) -> dict[str, tuple[frozenset[str], bool]]:
        """State → (the staff roles that may act on a case in it, whether its owner may): what 我的待办 reads."""
        return self._held

    # --- identity --------------------------------------------------------------------------------------------
    @property
    def key(self) -> str:
        return self.machine.case_type

    @property
    def label(self) -> str | Promise:
        return self.machine.label

    # --- actions ---------------------------------------------------------------------------------------------
    def all_actions(self) -> list[Action]:
        return list(self._actions.values())

    def action(self, name: str) -> Action | None:
        return self._actions.get(name)

    def transition_of(self, action: Action) -> Transition | None:
        return self.machine.transition(action.transition) if action.transition else None

    def roles_of(self, action: Action) -> tuple[str, ...]:
        if action.roles:
            return action.roles
        t = self.transition_of(action)
        return t.roles if t else ()

    def states_of(self, action: Action) -> tuple[str, ...]:
        if action.states:
            return action.states
        t = self.transition_of(action)
        return t.sources if t else ()

    # --- the record and the page -----------------------------------------------------------------------------
    def record_for(self, case: Case) -> Any:
        """The domain record of ``case`` (the case itself when the type has none)."""
        if self.record is None:
            return case
        cached = getattr(case, "_case_type_record", None)
        if cached is not None:
            return cached
        record = self.record._default_manager.select_related(self.record_case_field).get(
            **{self.record_case_field: case}
        )
        setattr(record, self.record_case_field, case)
        case._case_type_record = record  # type: ignore[attr-defined]
        return record

    def url_for(self, case: Case) -> str | None:
        if self.page is None:
            return None
        if callable(self.page):
            return self.page(case)
        try:
            return reverse(self.page, args=[case.pk])
        except NoReverseMatch:
            return None

    def reply_for(self, case: Case) -> str:
        """The public reply of ``case`` ("" when the type declares none or has not replied yet)."""
        if self.public_reply is None:
            return ""
        return str(self.public_reply(self.record_for(case)) or "")

    def facts_for(self, case: Case) -> dict[str, Any]:
        return dict(self.facts(case)) if self.facts is not None else {}

    # --- firing ----------------------------------------------------------------------------------------------
    def fire(
        self,
        case: Case,
        name: str,
        actor: Any,
        data: Mapping[str, Any] | None = None,
        *,
        comment: str = "",
        at: datetime | None = None,
    ) -> CaseEvent:
        """Fire edge ``name`` with this case type's authority: the only way a ``service`` or ``system`` edge moves.

        Call it from the app's services, in the transaction that writes the records the step needs.
        """
        from township.cases.services import case_transition

        return case_transition(
            case=case, name=name, actor=actor, data=dict(data or {}), comment=comment, at=at, by=self
        )


def _button_action(t: Transition) -> Action:
    def fire_button(record: Any, actor: Any, data: dict[str, Any], files: Any) -> Any:
        from township.cases.services import case_transition

        case = record if _is_case(record) else record.case
        comment = str(data.get("comment", ""))
        # The opinion written on a plain step is also its reason (a guard asking for one reads ``reason``).
        return case_transition(
            case=case, name=t.name, actor=actor, data={"reason": comment} if comment else {}, comment=comment
        )

    return Action(name=t.name, label=t.label, handler=fire_button, form=None, transition=t.name, cite=t.cite)


def _is_case(obj: Any) -> bool:
    from township.cases.models import Case

    return isinstance(obj, Case)


# --- the registry ----------------------------------------------------------------------------------------------
_TYPES: dict[str, CaseType] = {}


def register_case_type(case_type: CaseType) -> CaseType:
    """Declare a case type to the engine (from ``AppConfig.ready``): its machine, menu and timed jobs with it."""
    existing = _TYPES.get(case_type.key)
    if existing is case_type:
        return case_type
    if existing is not None:
        raise ValueError(f"case type {case_type.key!r} is already registered")
    _TYPES[case_type.key] = case_type
    from django.apps import apps

    # Declared by an app while Django starts (AppConfig.ready), not by a test or a plug-in later: only these are
    # documented as API operations, so the OpenAPI document never depends on what ran before it.
    case_type.declared_at_startup = not apps.ready
    from township.cases.timed import register_timed
    from township.core.navigation import register_menu

    for job in case_type.timed:
        register_timed(job.name, job.fn, every_seconds=job.every_seconds)
    for entry in case_type.menu:
        register_menu(
            label=entry.label, url_name=entry.url_name, roles=entry.roles, order=entry.order, group=entry.group
        )
    return case_type


def unregister_case_type(key: str) -> None:
    _TYPES.pop(key, None)


def case_type_for(key: str) -> CaseType:
    try:
        return _TYPES[key]
    except KeyError:
        raise LookupError(f"no case type registered for {key!r}") from None


def find_case_type(key: str) -> CaseType | None:
    return _TYPES.get(key)


def all_case_types() -> list[CaseType]:
    return [_TYPES[k] for k in sorted(_TYPES)]


def all_indicators() -> list[tuple[CaseType, Indicator]]:
    """Every registered indicator with its case type, in case-type order."""
    return [(ct, ind) for ct in all_case_types() for ind in ct.indicators]


def problems() -> list[str]:
    """What is wrong with the registry as a whole (empty when well formed): each machine's problems, every
    action's edge and roles, and action names unique across case types (one API operation per name)."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for ct in all_case_types():
        out += [f"case type {ct.key!r}: {p}" for p in ct.machine.problems()]
        for a in ct.all_actions():
            if a.name in seen and seen[a.name] != ct.key:
                out.append(f"action {a.name!r} is declared by both {seen[a.name]!r} and {ct.key!r}")
            seen[a.name] = ct.key
            if a.transition and ct.machine.transition(a.transition) is None:
                out.append(f"case type {ct.key!r}: action {a.name!r} fires unknown transition {a.transition!r}")
            if not ct.roles_of(a):
                out.append(f"case type {ct.key!r}: action {a.name!r} names no role")
            if not ct.states_of(a):
                out.append(f"case type {ct.key!r}: action {a.name!r} is offered in no state")
            if not str(a.label):
                out.append(f"case type {ct.key!r}: action {a.name!r} has no label")
    return out
