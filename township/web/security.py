"""Sign-in policy (等保 2.0 level 3, CONVENTIONS §4): password rules, lockout, expiry, login log.

Defaults: passwords of at least 8 characters with 3 of the 4 character classes, no reuse of the
last 5, a 90-day expiry; 5 consecutive failures lock the login name for 30 minutes, with one
generic error whatever the cause; every attempt is written to the login log (登录日志).
All numbers can be overridden in settings (``TOWNSHIP_LOGIN_MAX_FAILURES`` etc.).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from township.core import params
from township.core.frozen import INT_MARKER, FrozenQuery
from township.web.models import LoginLog, LoginThrottle, PasswordHistory

log = logging.getLogger(__name__)

# One message for every refused sign-in: no hint whether the account exists or is locked.
GENERIC_LOGIN_ERROR = gettext_lazy("用户名或密码错误，或账户已被临时锁定。连续失败 5 次将锁定 30 分钟。")

SESSION_CHANGE_REQUIRED = "township_password_change_required"


def max_failures() -> int:
    return params.integer("TOWNSHIP_LOGIN_MAX_FAILURES", 5)  # 参数设置 in the app, else the setting


def lock_minutes() -> int:
    return int(getattr(settings, "TOWNSHIP_LOGIN_LOCK_MINUTES", 30))


def password_max_age_days() -> int:
    return params.integer("TOWNSHIP_PASSWORD_MAX_AGE_DAYS", 90)


def password_history_size() -> int:
    return int(getattr(settings, "TOWNSHIP_PASSWORD_HISTORY", 5))


# --- password validators (AUTH_PASSWORD_VALIDATORS) -------------------------------------------


def character_classes(password: str) -> int:
    """How many of the 4 classes (lower case, upper case, digits, other symbols) occur."""
    found = set()
    for ch in password:
        if ch.isascii() and ch.islower():
            found.add("lower")
        elif ch.isascii() and ch.isupper():
            found.add("upper")
        elif ch.isdigit():
            found.add("digit")
        else:
            found.add("symbol")
    return len(found)


class ComplexityValidator:
    """At least ``min_length`` characters drawn from at least ``min_classes`` of the 4 classes."""

    def __init__(self, min_length: int = 8, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length or character_classes(password) < self.min_classes:
            raise ValidationError(self.message(), code="password_complexity")

    def message(self) -> str:
        return _("密码至少 %(n)d 位，并包含大写字母、小写字母、数字、符号中的至少 %(k)d 类") % {
            "n": self.min_length,
            "k": self.min_classes,
        }

    def get_help_text(self) -> str:
        return self.message()


class HistoryValidator:
    """No reuse of the last ``size`` passwords; records every new password (its hash) on change."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size

    def _size(self) -> int:
        return self.size if self.size is not None else password_history_size()

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password_hash", flat=True)[: self._size()]
        )
        if user.password and user.password not in hashes:
            hashes.append(user.password)
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同") % {"n": self._size()}, code="password_reused"
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        """Called by ``User.save()`` after ``set_password``: remember the new hash and the moment."""
        if user is None or getattr(user, "pk", None) is None or not user.password:
            return
        PasswordHistory.objects.create(user_id=user.pk, password_hash=user.password, changed_at=timezone.now())

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次使用过的密码相同") % {"n": self._size()}


# --- expiry and forced change ----------------------------------------------------------------


def password_changed_at(user: Any) -> datetime | None:
    if hasattr(user, TOKEN_PASSWORD_CHANGED):  # read with the API token (token_reads)
        latest = getattr(user, TOKEN_PASSWORD_CHANGED)
    else:
        latest = PasswordHistory.objects.filter(user_id=user.pk).values_list("changed_at", flat=True).first()
    return latest or getattr(user, "date_joined", None)


def password_expired(user: Any, now: datetime | None = None) -> bool:
    changed = password_changed_at(user)
    if changed is None:
        return True
    return (now or timezone.now()) - changed > timedelta(days=password_max_age_days())


def password_change_reason(user: Any) -> str:
    """Why this user must change the password before working ("" when not)."""
    if getattr(user, "must_change_password", False):
        return "first_login"
    if password_expired(user):
        return "expired"
    return ""


def mark_password_changed(request: HttpRequest, user: Any) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    request.session.pop(SESSION_CHANGE_REQUIRED, None)


# --- lockout and the login log -----------------------------------------------------------------


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def login_log_write(request: HttpRequest | None, *, username: str, result: str, user: Any = None) -> None:
    LoginLog.objects.create(
        username=username[:150],
        user=user if user is not None and getattr(user, "pk", None) else None,
        result=result,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else "",
        at=timezone.now(),
    )


def is_locked(username: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return LoginThrottle.objects.filter(username=username, locked_until__gt=now).exists()


def record_failure(username: str, now: datetime | None = None) -> bool:
    """Count one failure; lock the name when the count reaches the limit. Returns True if now locked."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                LoginThrottle.objects.get_or_create(username=username)
        except IntegrityError:
            pass
        LoginThrottle.objects.filter(username=username).update(failures=F("failures") + 1)
        failures = LoginThrottle.objects.filter(username=username).values_list("failures", flat=True).get()
        if failures >= max_failures():
            LoginThrottle.objects.filter(username=username).update(
                failures=0, locked_until=now + timedelta(minutes=lock_minutes())
            )
            return True
    return False


def record_success(username: str) -> None:
    LoginThrottle.objects.filter(username=username).update(failures=0, locked_until=None)


def unlock(username: str) -> bool:
    """账户解锁 (for the security administrator)."""
    return bool(LoginThrottle.objects.filter(username=username).update(failures=0, locked_until=None))


# --- one sign-in for every login form ---------------------------------------------------------
#
# The policy sits in the authentication backend (``PolicyBackend``, the only entry of
# ``AUTHENTICATION_BACKENDS``), so every door that checks a password — the shell's /accounts/login/,
# the applicant form /approval/login/, Django admin's /admin/login/ — passes the same lock, the same
# failure count and the same login log. A password change due at sign-in is noted on the request and
# moved into the new session by ``PasswordPolicyMiddleware``; API tokens are checked by
# ``token_refusal`` (installed into ``township.org.services`` by the app config).


REQUEST_CHANGE_REASON = "_township_change_reason"


def check_credentials(request: HttpRequest | None, username: str, verify: Callable[[], Any | None]) -> Any | None:
    """Apply the policy around ``verify()`` (the password check): lock, failure count, login log.

    Returns the user on success, None when refused. ``request`` may be None (the test client's
    ``login()``): the attempt is then logged without an IP address.
    """
    from township.web.selectors import user_by_username

    if is_locked(username):
        login_log_write(request, username=username, result=LoginLog.Result.LOCKED, user=user_by_username(username))
        return None
    user = verify()
    if user is None:
        locked_now = record_failure(username)
        known = user_by_username(username)
        result = LoginLog.Result.FAILED if known is not None and known.is_active else LoginLog.Result.INACTIVE
        if locked_now:
            result = LoginLog.Result.LOCKED_NOW
        login_log_write(request, username=username, result=result, user=known)
        return None
    record_success(username)
    login_log_write(request, username=username, result=LoginLog.Result.SUCCESS, user=user)
    reason = password_change_reason(user)
    if reason and request is not None:
        setattr(request, REQUEST_CHANGE_REASON, reason)
    return user


def _session_user_query(pk: Any) -> Any:
    from township.org import scoping

    return get_user_model()._default_manager.annotate(**{scoping.VERSION_ATTR: scoping.version_read()}).filter(pk=pk)


# the session's user with the authorisation version, compiled once per thread (township.core.frozen)
_session_user: FrozenQuery[Any] = FrozenQuery(_session_user_query, marker=INT_MARKER)


class PolicyBackend(ModelBackend):
    """Django's model backend under the sign-in policy (the one backend in ``AUTHENTICATION_BACKENDS``).

    django-axes 8 works the same way (a backend plus its own attempt tables); it was evaluated and not
    used: its lock and access log would duplicate ``LoginThrottle``/``LoginLog``, it knows nothing of
    the forced change and expiry, and two logs would have to be kept in step (docs/ui.md, *Sign-in policy*).
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        name = str(username).strip()
        return check_credentials(
            request, name, lambda: super(PolicyBackend, self).authenticate(request, name, password, **kwargs)
        )

    def get_user(self, user_id: Any) -> Any | None:
        """The session's user, read with the authorisation version: its grants come from the process's copy
        while the version holds (``township.org.scoping.attach``)."""
        from township.org import scoping

        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        found = _session_user.first(key)
        if found is None or not self.user_can_authenticate(found):
            return None
        scoping.attach(found)
        return found


@dataclass
class SignIn:
    user: Any | None
    error: str = ""  # the generic message when refused
    change_reason: str = ""  # "first_login" / "expired" when a password change is due


def sign_in(request: HttpRequest, username: str, password: str) -> SignIn:
    """Authenticate under the policy (``PolicyBackend``) and log the user in on success.

    On success with a password change due, the session is flagged (see ``staff_required`` and
    ``PasswordPolicyMiddleware``).
    """
    from django.contrib.auth import authenticate, login

    user = authenticate(request, username=username.strip(), password=password)
    if user is None:
        return SignIn(None, str(GENERIC_LOGIN_ERROR))
    login(request, user)
    reason = getattr(request, REQUEST_CHANGE_REASON, "")
    if reason:
        request.session[SESSION_CHANGE_REQUIRED] = reason
    return SignIn(user, "", reason)


# --- API tokens --------------------------------------------------------------------------------


TOKEN_LOCKED = "_token_account_locked"  # noqa: S105  (an attribute name, not a secret)
TOKEN_PASSWORD_CHANGED = "_token_password_changed_at"  # noqa: S105  (an attribute name)


def token_reads() -> dict[str, Any]:
    """What ``token_refusal`` reads, fetched with the token's row (one statement for the token and its checks)."""
    from django.db.models import Exists, OuterRef, Subquery
    from django.db.models.functions import Now

    # the database's clock: the statement is compiled once (township.core.frozen), it carries no moment of its own
    locked = LoginThrottle.objects.filter(username=OuterRef("user__username"), locked_until__gt=Now())
    return {
        TOKEN_LOCKED: Exists(locked),
        TOKEN_PASSWORD_CHANGED: Subquery(
            PasswordHistory.objects.filter(user_id=OuterRef("user_id"))
            .order_by("-changed_at", "-id")
            .values("changed_at")[:1]
        ),
    }


def token_refusal(user: Any) -> None:
    """Refuse a personal API token whose account is locked or whose password has expired.

    (An inactive account and a pending first-login change are refused by ``township.org.services``
    itself.) Raises ``AccountRefused``; the API answers ``{code, message, field}``.
    """
    from township.org.services import AccountRefused

    locked = getattr(user, TOKEN_LOCKED) if hasattr(user, TOKEN_LOCKED) else is_locked(user.get_username())
    if locked:
        raise AccountRefused("account_locked", _("账户已被临时锁定，请稍后再试或联系安全管理员解锁"))
    if password_expired(user):
        raise AccountRefused("password_change_required", _("密码已过期：请先登录网页端修改密码，再使用 API 令牌"))
