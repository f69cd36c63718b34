"""DomainError: a refused action with a stable code, a Chinese message and an optional field."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Raised by services; the API renders ``{"code", "message", "field"}``, the UI shows ``message``."""

    status = 422

    def __init__(self, code: str, message: Any, field: str | None = None, **extra: Any) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.field = field
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}


class NotFound(DomainError):
    """Outside the actor's scope or missing: callers cannot tell which (no leaking)."""

    status = 404

    def __init__(self, message: Any = None) -> None:
        from django.utils.translation import gettext as _

        super().__init__("not_found", message or _("记录不存在或无权访问"))


class PermissionRefused(DomainError):
    status = 403


class BadInput(DomainError):
    """Malformed input rather than a refused action (an empty or unknown reference, a value too long for its
    field, forbidden characters): the API answers 400."""

    status = 400
