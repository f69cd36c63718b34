"""Services of the organisation app: API tokens (more to come: staff, grants)."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from township.org.models import ApiToken, User


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored."""
    secret = "tsp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:64] or "token", prefix=secret[:12], key_hash=_digest(secret))
    return token, secret


def api_token_authenticate(secret: str) -> User | None:
    if not secret:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def api_token_revoke(*, user: User, token_id: int) -> bool:
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )
