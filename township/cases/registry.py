"""Machines by case type: a view of the one case-type registry (``township.cases.types``).

``register(machine)`` declares a bare case type (no record, no actions beyond its button edges) — what the engine's
own tests and toy machines need; capability apps declare a full :class:`~township.cases.types.CaseType`.
"""

from __future__ import annotations

from township.cases.machine import Machine
from township.cases.types import CaseType, all_case_types, case_type_for, register_case_type, unregister_case_type


def register(machine: Machine) -> Machine:
    register_case_type(CaseType(machine=machine))
    return machine


def unregister(case_type: str) -> None:
    unregister_case_type(case_type)


def machine_for(case_type: str) -> Machine:
    try:
        return case_type_for(case_type).machine
    except LookupError:
        raise LookupError(f"no machine registered for case type {case_type!r}") from None


def all_machines() -> list[Machine]:
    return [ct.machine for ct in all_case_types()]
