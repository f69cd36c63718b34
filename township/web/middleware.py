"""Forced password change everywhere (first login, expired): add to MIDDLEWARE after AuthenticationMiddleware.

``township.web.views.staff_required`` applies the same rule to the shell's own pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from township.web.security import SESSION_CHANGE_REQUIRED


class PasswordPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get(SESSION_CHANGE_REQUIRED):
            allowed = (reverse("password_change"), reverse("logout"), "/static/", "/i18n/")
            if not request.path.startswith(allowed):
                return redirect("password_change")
        return self.get_response(request)
