"""Helpers for tests and factories: reach a state by firing real transitions."""

from __future__ import annotations

from typing import Any

from township.cases.models import Case
from township.cases.services import case_transition


def advance(case: Case, *names: str, actor: Any, data: dict[str, Any] | None = None) -> Case:
    """Fire ``names`` in order as ``actor`` (each through the one engine function) and return the case."""
    for name in names:
        case_transition(case=case, name=name, actor=actor, data=data)
    case.refresh_from_db()
    return case
