"""``{% case_links case %}``: the typed links of a case, both ways, and the panels other apps add (督办 …), on every
case page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from township.cases import selectors
from township.cases.panels import render_panels

register = template.Library()


@register.inclusion_tag("cases/_links.html", takes_context=True)
def case_links(context: Any, case: Any) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None)
    return {
        "links": selectors.case_links(actor=actor, case=case),
        # Each panel renders its own template (autoescaped there); the strings are trusted HTML.
        "panels": [mark_safe(html) for html in render_panels(request, case)],  # noqa: S308
    }
