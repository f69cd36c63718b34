"""System check: every registered machine is well formed (cf. django/contrib/auth/checks.py)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from township.cases.registry import all_machines


@checks.register("township")
def check_machines(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for machine in all_machines():
        for problem in machine.problems():
            errors.append(
                checks.Error(
                    f"case machine {machine.case_type!r}: {problem}",
                    obj=machine.case_type,
                    id="township.E001",
                )
            )
    return errors
