"""Runtime parameters (参数设置): a value an administrator stores in the app overrides the deployment's setting.

The store is ``township.system.Parameter`` (the top layer), which registers its reader here when it starts; the code
below it asks ``integer(name, default)`` and never imports it. ``name`` is the Django setting the parameter overrides
(e.g. ``TOWNSHIP_LOGIN_MAX_FAILURES``); without a stored value the setting, else ``default``, applies. The stored
values are read once a minute at most (one query, cached; ``clear()`` when one changes)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

CACHE_KEY = "township:params"
TTL_SECONDS = 60

_reader: Callable[[], dict[str, str]] | None = None


def register_reader(reader: Callable[[], dict[str, str]]) -> None:
    """``reader()`` → {setting name: stored value} of the parameters that have one."""
    global _reader
    _reader = reader


def clear() -> None:
    cache.delete(CACHE_KEY)


def stored() -> dict[str, str]:
    if _reader is None:
        return {}
    values: dict[str, str] | None = cache.get(CACHE_KEY)
    if values is None:
        values = _reader()
        cache.set(CACHE_KEY, values, TTL_SECONDS)
    return values


def integer(name: str, default: int) -> int:
    raw = stored().get(name, "")
    if raw.lstrip("-").isdigit():
        return int(raw)
    return int(getattr(settings, name, default))
