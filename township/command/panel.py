"""The 督办 panel on every case page (registered with the engine's ``register_case_panel``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from township.command import selectors
from township.command.forms import SuperviseForm
from township.command.services import LEADING_ROLES
from township.org.scoping import has_role


def supervision_panel(request: Any, case: Any) -> str:
    actor = getattr(request, "user", None)
    if actor is None or not actor.is_authenticated:
        return ""
    items = selectors.supervisions_of_case(actor=actor, case=case)
    may_issue = case.closed_at is None and has_role(actor, case.jurisdiction_id, LEADING_ROLES)
    if not items and not may_issue:
        return ""
    return render_to_string(
        "command/_supervision_panel.html",
        {
            "case": case,
            "items": items,
            "may_issue": may_issue,
            "form": SuperviseForm(prefix="sup") if may_issue else None,
        },
        request=request,
    )
