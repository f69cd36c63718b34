"""``{% case_links case %}``: the typed links of a case, both ways, on every case page."""

from __future__ import annotations

from typing import Any

from django import template

from township.cases import selectors

register = template.Library()


@register.inclusion_tag("cases/_links.html", takes_context=True)
def case_links(context: Any, case: Any) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None)
    return {"links": selectors.case_links(actor=actor, case=case)}
