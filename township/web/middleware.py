"""Forced password change everywhere (first login, expired): add to MIDDLEWARE after AuthenticationMiddleware.

A sign-in through any door (``PolicyBackend``) notes a due change on the request; the response phase moves
it into the new session. From then on, and for every account flagged ``must_change_password`` (even when
signed in before the flag was set), every page redirects to the password change and the JSON API answers
403 ``{code, message, field}``. ``township.web.views.staff_required`` applies the same rule to the shell.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from township.web.security import REQUEST_CHANGE_REASON, SESSION_CHANGE_REQUIRED


class PasswordPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            due = request.session.get(SESSION_CHANGE_REQUIRED) or ("first_login" if user.must_change_password else "")
            if due:
                allowed = (reverse("password_change"), reverse("logout"), "/static/", "/i18n/")
                if not request.path.startswith(allowed):
                    request.session[SESSION_CHANGE_REQUIRED] = due
                    if request.path.startswith("/api/"):
                        return JsonResponse(
                            {
                                "code": "password_change_required",
                                "message": _("须修改密码：请先在网页端修改密码"),
                                "field": None,
                            },
                            status=403,
                        )
                    return redirect("password_change")
        response = self.get_response(request)
        reason = getattr(request, REQUEST_CHANGE_REASON, "")
        user = getattr(request, "user", None)
        if reason and user is not None and user.is_authenticated and hasattr(request, "session"):
            request.session[SESSION_CHANGE_REQUIRED] = reason
        return response
