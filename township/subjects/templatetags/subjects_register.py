"""``{% subject_register_inline ident %}``: the registration form embedded where a lookup found nothing (the
window desk), the identifier filled in; it posts to /subjects/register/ and comes back to the window."""

from __future__ import annotations

from typing import Any

from django import template

from township.subjects.forms import SubjectRegisterForm
from township.subjects.models import RegistrationChannel
from township.subjects.registration import default_channel

register = template.Library()


@register.inclusion_tag("subjects/_window_register.html", takes_context=True)
def subject_register_inline(context: Any, identifier: str = "") -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    channel = default_channel(user) if user is not None else RegistrationChannel.ONLINE
    if channel == RegistrationChannel.ONLINE:
        return {"form": None, "request": request}
    form = SubjectRegisterForm(actor=user, channel=channel, initial={"identifier": identifier})
    return {"form": form, "request": request, "csrf_token": context.get("csrf_token")}
