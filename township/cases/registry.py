"""The registry of case-type machines (one per case type)."""

from __future__ import annotations

from township.cases.machine import Machine

_MACHINES: dict[str, Machine] = {}


def register(machine: Machine) -> Machine:
    existing = _MACHINES.get(machine.case_type)
    if existing is not None and existing is not machine:
        raise ValueError(f"case type {machine.case_type!r} is already registered")
    _MACHINES[machine.case_type] = machine
    return machine


def unregister(case_type: str) -> None:
    _MACHINES.pop(case_type, None)


def machine_for(case_type: str) -> Machine:
    try:
        return _MACHINES[case_type]
    except KeyError:
        raise LookupError(f"no machine registered for case type {case_type!r}") from None


def all_machines() -> list[Machine]:
    return [_MACHINES[k] for k in sorted(_MACHINES)]
