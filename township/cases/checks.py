"""System check: every registered case type is well formed (cf. django/contrib/auth/checks.py)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from township.cases import types


@checks.register("township")
def check_machines(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Each machine's problems, each action's edge, roles and states, and action names unique across case types."""
    return [checks.Error(problem, id="township.E001") for problem in types.problems()]
