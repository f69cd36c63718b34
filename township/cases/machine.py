"""Case-type state machines declared as data (STYLE §3.2).

A domain app declares its machine in ``<app>/machine.py`` and registers it in ``AppConfig.ready``.
Guards are pure functions ``guard(case, actor, data) -> None`` that raise ``TransitionRefused``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# Special role names understood by the engine besides org.Role values.
OWNER = "owner"  # the applicant / reporter recorded on the case
SYSTEM = "system"  # timed work (the worker); fired with actor=None

Guard = Callable[[Any, Any, dict[str, Any]], None]


class Via(enum.StrEnum):
    """Who may fire a transition (issue 10): the engine refuses an edge fired any other way."""

    BUTTON = "button"  # a person fires it directly (generic page, API ``transitions``, or an action)
    SERVICE = "service"  # only the owning case type's registered action/service (it writes records in the same txn)
    SYSTEM = "system"  # only timed work (actor None, fired by the owning case type)


def needs_input(guard: Guard) -> Guard:
    """Mark a guard that checks the *input* of a step (a reason, photos, a rating…), not the facts of the case.

    ``actions_for`` dry-runs the other guards to decide whether a button can succeed; input guards are skipped
    there (there is no input yet) and run as usual when the step is taken.
    """
    guard.needs_input = True  # type: ignore[attr-defined]
    return guard


def is_input_guard(guard: Guard) -> bool:
    return bool(getattr(guard, "needs_input", False))


class Clock(enum.Enum):
    """What a transition does to the case's clock."""

    NONE = "none"
    START = "start"  # (re)start: due = now + limit (limit from data["clock"] or the case)
    PAUSE = "pause"  # stop counting; a ClockPause row with a reason
    RESUME = "resume"  # count again; the due time moves by the paused span
    STOP = "stop"  # the clock ends (decided, closed…)


@dataclass(frozen=True)
class State:
    key: str
    label: str | Promise
    terminal: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    guards: tuple[Guard, ...] = ()
    clock: Clock = Clock.NONE
    pause_reason: str = ""
    # Who may fire it: a person (button), only the case type's services (service), only timed work (system).
    via: Via = Via.BUTTON
    cite: str | Promise = ""  # the law article or issue this edge implements


@dataclass
class Machine:
    case_type: str
    label: str | Promise
    states: Sequence[State]
    initial: str
    transitions: Sequence[Transition]
    number_prefix: str | Promise = "案"  # e.g. 审 → 白沙审〔2026〕000123
    _by_name: dict[str, Transition] = field(default_factory=dict, init=False, repr=False)
    _by_key: dict[str, State] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.transitions}
        self._by_key = {s.key: s for s in self.states}

    def state(self, key: str) -> State:
        return self._by_key[key]

    def transition(self, name: str) -> Transition | None:
        return self._by_name.get(name)

    def state_label(self, key: str) -> str:
        st = self._by_key.get(key)
        return str(st.label) if st else key

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def is_terminal(self, state: str) -> bool:
        st = self._by_key.get(state)
        return bool(st and st.terminal)

    def problems(self) -> list[str]:
        """Why this machine is not well formed (empty when it is)."""
        out: list[str] = []
        keys = [s.key for s in self.states]
        if len(set(keys)) != len(keys):
            out.append("duplicate state keys")
        if len(self._by_name) != len(self.transitions):
            out.append("duplicate transition names")
        if self.initial not in self._by_key:
            out.append(f"initial state {self.initial!r} is not declared")
        for s in self.states:
            if not str(s.label):
                out.append(f"state {s.key!r} has no label")
        for t in self.transitions:
            if not str(t.label):
                out.append(f"transition {t.name!r} has no label")
            if not t.roles:
                out.append(f"transition {t.name!r} names no role")
            if t.target not in self._by_key:
                out.append(f"transition {t.name!r} targets unknown state {t.target!r}")
            for src in t.sources:
                if src not in self._by_key:
                    out.append(f"transition {t.name!r} has unknown source {src!r}")
                elif self._by_key[src].terminal:
                    out.append(f"terminal state {src!r} has an exit {t.name!r}")
            if t.via is Via.SYSTEM and t.roles != (SYSTEM,):
                out.append(f"transition {t.name!r} is fired by timed work only but names people's roles")
            if t.clock is Clock.PAUSE and not t.pause_reason:
                out.append(f"transition {t.name!r} pauses the clock without a reason")
        # reachability from the initial state
        seen = {self.initial}
        frontier = [self.initial]
        while frontier:
            cur = frontier.pop()
            for t in self.transitions:
                if cur in t.sources and t.target not in seen:
                    seen.add(t.target)
                    frontier.append(t.target)
        for s in self.states:
            if s.key not in seen:
                out.append(f"state {s.key!r} is unreachable")
        if not any(s.terminal for s in self.states):
            out.append("no terminal state")
        for s in self.states:
            if not s.terminal and not any(s.key in t.sources for t in self.transitions):
                out.append(f"non-terminal state {s.key!r} has no exit")
        pauses = any(t.clock is Clock.PAUSE for t in self.transitions)
        resumes = any(t.clock is Clock.RESUME for t in self.transitions)
        if pauses != resumes:
            out.append("clock pauses and resumes are not paired")
        return out
