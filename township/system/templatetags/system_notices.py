"""``{% load system_notices %}{% system_notices %}``: the published 通知公告 for the signed-in user (workbench)."""

from __future__ import annotations

from typing import Any

from django import template

from township.system.selectors import notices_for

register = template.Library()


@register.inclusion_tag("system/_notices.html", takes_context=True)
def system_notices(context: Any, limit: int = 5) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"notices": notices_for(user, limit=limit)}
