"""Rate limits of the public pages and API (submit, track): a fixed-window counter per client address in the
cache, so a code cannot be guessed by brute force and the portal cannot be flooded."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from township.core.errors import DomainError
from township.opinions.errors import Code

SUBMIT = ("submit", "OPINIONS_PUBLIC_SUBMIT_PER_HOUR", 10, 3600)
TRACK = ("track", "OPINIONS_TRACK_PER_10_MINUTES", 30, 600)


class RateLimited(DomainError):
    status = 429

    def __init__(self) -> None:
        super().__init__(Code.RATE_LIMITED, "操作过于频繁，请稍后再试")


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def passed(request: HttpRequest, rule: tuple[str, str, int, int]) -> bool:
    """Count one hit against ``rule``; True once the limit of the window is passed."""
    bucket, setting, default, window = rule
    limit = int(getattr(settings, setting, default))
    key = f"opinions:rl:{bucket}:{_client_ip(request)}:{int(timezone.now().timestamp()) // window}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        return False
    return count > limit


def check(request: HttpRequest, rule: tuple[str, str, int, int]) -> None:
    if passed(request, rule):
        raise RateLimited()
